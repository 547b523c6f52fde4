"""What every resolver gets in `info.context`: the database sessions and the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from strawberry.types import Info

if TYPE_CHECKING:
    from arq import ArqRedis
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from db.session import SessionFactory
    from resolvers.accounts import Viewer
    from resolvers.live import LiveHub
    from settings import Settings


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    sessions: SessionFactory
    viewer: Viewer
    redis: ArqRedis
    live: LiveHub
    settings: Settings


ContextInfo: TypeAlias = Info[Context, None]
