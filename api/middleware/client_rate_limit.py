"""Admits or refuses each HTTP request and websocket handshake by its client's rate limit."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from api.client_limits import Refusal, client_key
from api.errors import TooManyRequests
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
        elif scope["type"] == "http":
            await too_many_requests(refusal).response()(scope, receive, send)
        else:
            await _refuse_handshake(scope, receive, send, refusal)


def too_many_requests(refusal: Refusal) -> TooManyRequests:
    return TooManyRequests(refusal.message, retry_after_seconds=refusal.retry_after_seconds)


async def _refuse_handshake(scope: Scope, receive: Receive, send: Send, refusal: Refusal) -> None:
    await receive()  # websocket.connect
    if "websocket.http.response" in scope.get("extensions", {}):
        # Starlette's responses send `websocket.http.response.*` on a websocket scope.
        await too_many_requests(refusal).response()(scope, receive, send)
    else:
        await send({"type": "websocket.close", "code": 4429, "reason": refusal.message})
