"""Admits or refuses each HTTP request and websocket handshake by its client's rate limit."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from api.client_limits import Refusal, client_key
from api.errors import TooManyRequests, refuse
from api.runtime import runtime_of


class ClientRateLimit:
    """Counts each request under `paths` against its client; over the limit, 429 with
    `Retry-After` (a websocket handshake is refused the same way, or closed with 4429)."""

    def __init__(self, app: ASGIApp, *, paths: tuple[str, ...]) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope["path"].startswith(self.paths):
            await self.app(scope, receive, send)
            return
        limiter = runtime_of(HTTPConnection(scope)).client_limiter
        refusal = await limiter.admit(client_key(scope))
        if refusal is None:
            await self.app(scope, receive, send)
        else:
            await refuse(scope, receive, send, too_many_requests(refusal), close_code=4429)


def too_many_requests(refusal: Refusal) -> TooManyRequests:
    return TooManyRequests(refusal.message, retry_after_seconds=refusal.retry_after_seconds)
