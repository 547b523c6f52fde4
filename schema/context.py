"""What every resolver gets in `info.context`: the database sessions and the viewer."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from strawberry.types import Info

if TYPE_CHECKING:
    from arq import ArqRedis
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from db.session import SessionFactory
    from resolvers.viewer import Viewer
    from settings import Settings


class Messages(Protocol):
    """One subscriber's messages of a channel, newest kept when it falls behind."""

    async def get(self) -> str: ...

    def drain(self) -> list[str]: ...


class LiveUpdates(Protocol):
    """The server's relay of the workers' pub/sub channels (`api.live.LiveHub`)."""

    def listen(self, channel: str) -> AbstractAsyncContextManager[Messages]: ...


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    sessions: SessionFactory
    # None until the request has authenticated (only `createAccount` runs without a viewer).
    authenticated: Viewer | None
    redis: ArqRedis
    live: LiveUpdates
    settings: Settings
    # The websocket `connection_init` payload, set by Strawberry.
    connection_params: dict[str, Any] | None = None

    @property
    def viewer(self) -> Viewer:
        if self.authenticated is None:
            # The view refuses unauthenticated requests before any resolver runs.
            raise PermissionError("this request is not authenticated")
        return self.authenticated


ContextInfo: TypeAlias = Info[Context, None]
