"""Who a request acts as, by the same rules for GraphQL and for plain HTTP routes (exports):
AUTH=off is the local account; AUTH=token needs an active API token."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from api.client_limits import ClientRateLimiter, bearer_token, ip_key
from api.errors import Unauthenticated
from api.middleware.client_rate_limit import too_many_requests
from api.runtime import runtime_of
from db.session import SessionFactory
from resolvers.tokens import authenticate
from resolvers.viewer import Viewer


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
        raise too_many_requests(refusal)
    raise Unauthenticated("Invalid or revoked API token.")


async def optional_viewer(connection: HTTPConnection) -> Viewer | None:
    """The viewer of a request: the local account with AUTH=off; with AUTH=token, the owner of
    its bearer token, or None without one. A token that is not valid is refused."""
    runtime = runtime_of(connection)
    if runtime.settings.auth == "off":
        return runtime.local_viewer
    token = bearer_token(connection.headers)
    if token is None:
        return None
    return await token_viewer(runtime.sessions, runtime.client_limiter, connection, token)


async def request_viewer(connection: HTTPConnection) -> Viewer:
    """The viewer of a plain HTTP request; Unauthenticated when it has no valid token."""
    viewer = await optional_viewer(connection)
    if viewer is None:
        raise Unauthenticated
    return viewer
