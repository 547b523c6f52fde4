"""Refuses requests and websockets whose `Host` is not one this server answers to, so a web
page whose name resolves to 127.0.0.1 (DNS rebinding) cannot use a loopback-only server."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import BadRequest, refuse


class TrustedHost:
    """Admits a request whose `Host` (any port) is one of `hosts`, or matches `*.domain`;
    `hosts` None admits every host."""

    def __init__(self, app: ASGIApp, *, hosts: list[str] | None) -> None:
        self.app = app
        self.hosts = None if hosts is None else [host.lower() for host in hosts]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.hosts is None:
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        if self._allowed(host_name(host)):
            await self.app(scope, receive, send)
            return
        message = (
            f"Host {host[:100]!r} is not one this server answers to; the server's operator can"
            " allow it with ALLOWED_HOSTS."
        )
        await refuse(
            scope, receive, send, BadRequest(message, code="HOST_NOT_ALLOWED"), close_code=4400
        )

    def _allowed(self, name: str) -> bool:
        assert self.hosts is not None
        return bool(name) and any(
            name == host or (host.startswith("*.") and name.endswith(host[1:]))
            for host in self.hosts
        )


def host_name(host: str) -> str:
    """`Host` without its port: `[::1]:8000` -> `[::1]`, `localhost:8000` -> `localhost`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
