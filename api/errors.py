"""Every refusal the HTTP edge makes: raised as an `HttpError` where it happens, written as
JSON by `error_response` (the one writer), always `{"errors": [{"message", "extensions":
{"code"}}]}` like a GraphQL error (and, for a GraphQL client, as the GraphQL response it is,
in the media type it accepts)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

# Codes for refusals Starlette itself makes (unknown route, wrong method).
STARLETTE_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
JSON_MEDIA_TYPE = "application/json"
MISSING_TOKEN = "Authentication required: send `Authorization: Bearer <token>`."
AUTH_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="wallet-tracker"'}


class HttpError(Exception):
    """A refusal with its status, code and headers; rendered by `render_http_error`."""

    status = 400
    code = "BAD_REQUEST"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, object] | None = None,
        status: int | None = None,
        media_type: str = JSON_MEDIA_TYPE,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers = headers or {}
        self.extra = extra or {}
        self.media_type = media_type

    def response(self) -> JSONResponse:
        return error_response(
            self.status,
            self.message,
            self.code,
            headers=self.headers,
            extra=self.extra,
            media_type=self.media_type,
        )


class BadRequest(HttpError):
    status, code = 400, "BAD_REQUEST"


class NotFound(HttpError):
    status, code = 404, "NOT_FOUND"


class Unauthenticated(HttpError):
    """No token, or one that is not an active token of any account."""

    status, code = 401, "UNAUTHENTICATED"

    def __init__(self, message: str = MISSING_TOKEN) -> None:
        super().__init__(message, headers=AUTH_CHALLENGE)


class TooManyRequests(HttpError):
    status, code = 429, "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_seconds)})
        self.retry_after_seconds = retry_after_seconds


class PayloadTooLarge(HttpError):
    status, code = 413, "PAYLOAD_TOO_LARGE"


class MethodNotAllowed(HttpError):
    """A method the resource does not take; `allow` lists the ones it does."""

    status, code = 405, "METHOD_NOT_ALLOWED"

    def __init__(self, message: str, *, allow: str) -> None:
        super().__init__(message, headers={"Allow": allow})


class NotAcceptable(HttpError):
    status, code = 406, "NOT_ACCEPTABLE"


class UnsupportedMediaType(HttpError):
    status, code = 415, "UNSUPPORTED_MEDIA_TYPE"


def error_response(
    status: int,
    message: str,
    code: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: dict[str, object] | None = None,
    media_type: str = JSON_MEDIA_TYPE,
) -> JSONResponse:
    """The JSON body of every refusal: `{"errors": [...]}`, with `extensions.code`."""
    extensions = {"code": code, **(extra or {})}
    body = {"errors": [{"message": message, "extensions": extensions}]}
    return JSONResponse(body, status_code=status, headers=headers, media_type=media_type)


async def refuse(
    scope: Scope, receive: Receive, send: Send, error: HttpError, *, close_code: int
) -> None:
    """Sends `error` from a middleware, before any route: as an HTTP response, or to a
    websocket handshake as the same response (or, where the server cannot send one, as a close
    with `close_code`)."""
    if scope["type"] == "http":
        await error.response()(scope, receive, send)
        return
    await receive()  # websocket.connect
    if "websocket.http.response" in scope.get("extensions", {}):
        # Starlette's responses send `websocket.http.response.*` on a websocket scope.
        await error.response()(scope, receive, send)
    else:
        await send({"type": "websocket.close", "code": close_code, "reason": error.message})


async def render_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HttpError)
    return error.response()


async def render_starlette_error(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (unknown route, method not allowed) in the same JSON shape."""
    assert isinstance(error, HTTPException)
    code = STARLETTE_CODES.get(error.status_code, "BAD_REQUEST")
    return error_response(error.status_code, error.detail, code, headers=error.headers)


EXCEPTION_HANDLERS = {HttpError: render_http_error, HTTPException: render_starlette_error}
