"""Counts every HTTP response by route, method and status for `/metrics`."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import HTTP_REQUESTS, KNOWN_ROUTES


class HttpMetricsMiddleware:
    """Counts every HTTP response by route (known routes only, to bound the label set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        route = path if path in KNOWN_ROUTES else "/" if path == "/" else "other"
        status = 500

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            HTTP_REQUESTS.labels(route, scope["method"], str(status)).inc()
