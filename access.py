"""Who a request acts as, by the same rules for GraphQL and for plain HTTP routes (exports):
AUTH=off is the local account; AUTH=token needs an active API token."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from client_limits import ClientRateLimiter, Refusal, bearer_token, ip_key
from resolvers.accounts import Viewer
from resolvers.tokens import authenticate

if TYPE_CHECKING:
    from db.session import SessionFactory
    from server import Runtime


class Unauthenticated(Exception):
    """No token, or one that is not an active token of any account."""


class TooManyRequests(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


MISSING_TOKEN = "Authentication required: send `Authorization: Bearer <token>`."


async def token_viewer(
    sessions: SessionFactory, limiter: ClientRateLimiter, connection: HTTPConnection, token: str
) -> Viewer:
    """The viewer a token stands for; a failed attempt counts against the caller's IP address,
    so guessing tokens is rate-limited too."""
    owner = await authenticate(sessions, token)
    if owner is not None:
        return Viewer(account_id=owner.account_id)
    refusal = await limiter.admit(ip_key(connection.scope))
    if refusal is not None:
        raise TooManyRequests(refusal)
    raise Unauthenticated("Invalid or revoked API token.")


async def optional_viewer(request: HTTPConnection) -> Viewer | None:
    """The viewer of a request: the local account with AUTH=off; with AUTH=token, the owner of
    its bearer token, or None without one. A token that is not valid is refused."""
    runtime: Runtime = request.app.state.runtime
    if runtime.settings.auth == "off":
        return runtime.local_viewer
    token = bearer_token(request.headers)
    if token is None:
        return None
    return await token_viewer(runtime.sessions, runtime.client_limiter, request, token)


async def request_viewer(request: HTTPConnection) -> Viewer:
    """The viewer of a plain HTTP request; Unauthenticated when it has no valid token."""
    viewer = await optional_viewer(request)
    if viewer is None:
        raise Unauthenticated(MISSING_TOKEN)
    return viewer


def refusal_response(error: Unauthenticated | TooManyRequests) -> JSONResponse:
    """401 with `WWW-Authenticate`, or 429 with `Retry-After`; no data either way."""
    if isinstance(error, TooManyRequests):
        retry_after = {"Retry-After": str(error.refusal.retry_after_seconds)}
        return error_response(429, str(error), "RATE_LIMITED", headers=retry_after)
    challenge = {"WWW-Authenticate": 'Bearer realm="wallet-tracker"'}
    return error_response(401, str(error), "UNAUTHENTICATED", headers=challenge)


def error_response(
    status: int,
    message: str,
    code: str,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, object] | None = None,
) -> JSONResponse:
    """A refusal outside GraphQL execution, shaped like a GraphQL error: `{"errors": [...]}`."""
    extensions = {"code": code, **(extra or {})}
    body = {"errors": [{"message": message, "extensions": extensions}]}
    return JSONResponse(body, status_code=status, headers=headers)
