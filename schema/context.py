"""What every resolver gets in `info.context`: the database sessions and the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from strawberry.types import Info

if TYPE_CHECKING:
    from arq import ArqRedis
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from client_limits import ClientRateLimiter
    from db.session import SessionFactory
    from resolvers.accounts import Viewer
    from resolvers.live import LiveHub
    from settings import Settings


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    sessions: SessionFactory
    # None until the request has authenticated (only `createAccount` runs without a viewer).
    authenticated: Viewer | None
    redis: ArqRedis
    live: LiveHub
    settings: Settings
    limiter: ClientRateLimiter
    # Who the request counts against for rate limits: `token:<hash>` or `ip:<address>`.
    client: str
    # The websocket `connection_init` payload, set by Strawberry.
    connection_params: dict[str, Any] | None = None

    @property
    def viewer(self) -> Viewer:
        if self.authenticated is None:
            # The view refuses unauthenticated requests before any resolver runs.
            raise PermissionError("this request is not authenticated")
        return self.authenticated


ContextInfo: TypeAlias = Info[Context, None]
