"""What every admin HTTP API shares: endpoints that name their own route, JSON body and field
readers, one 400 for a bad request, and the answers several of them give."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import FunctionType
from typing import Any, ClassVar, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

Endpoint = Callable[[Request], Awaitable[Response]]
EndpointMethod = TypeVar("EndpointMethod", bound=Callable[..., Awaitable[Response]])

# The method and path `@route` gave each endpoint function.
_ROUTES: dict[object, tuple[str, str]] = {}


class BadRequest(ValueError):
    """The request body does not say what to do."""


class ReplacedBlocks(Protocol):
    """What every chain's reorg report says about the blocks it replaced."""

    @property
    def old_block_hashes(self) -> dict[int, str]: ...
    @property
    def new_block_hashes(self) -> dict[int, str]: ...
    @property
    def transactions(self) -> dict[str, int | None]: ...


def field(body: dict[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
    """The body's `name` if it is a `kind` (an int will do for a float); None when absent."""
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(f"{name} is required")
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise BadRequest(f"{name} must be a {kind.__name__}")
    return value


def integer_list(body: dict[str, Any], name: str) -> list[int]:
    """The body's list of integers `name`, empty when absent."""
    values: list[Any] = field(body, name, list) or []
    if not all(isinstance(value, int) for value in values):
        raise BadRequest(f"{name} must be a list of integers")
    return values


def string_list(body: dict[str, Any], name: str) -> list[str]:
    """The body's list of strings `name`, empty when absent."""
    values: list[Any] = field(body, name, list) or []
    if not all(isinstance(value, str) for value in values):
        raise BadRequest(f"{name} must be a list of strings")
    return values


def object_list(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The body's list of JSON objects `name`, empty when absent (or empty in any form)."""
    values = body.get(name) or []
    if not isinstance(values, list) or not all(isinstance(value, dict) for value in values):
        raise BadRequest(f"{name} must be a list of objects")
    return values


async def read_body(request: Request) -> dict[str, Any]:
    """The JSON object sent, {} for an empty body."""
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = await request.json()
    except ValueError as error:
        raise BadRequest("the body must be JSON") from error
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


async def required_fields(request: Request, **kinds: type) -> list[Any]:
    """The values of the body's required fields, in the order given; BadRequest if any is
    missing or of another kind."""
    body = await read_body(request)
    return [field(body, name, kind, required=True) for name, kind in kinds.items()]


def answers_bad_requests(endpoint: Endpoint) -> Endpoint:
    """A ValueError raised by the endpoint (BadRequest or the admin's own check) is the
    client's mistake: 400 with its message."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)

    return guarded


def route(method: str, path: str) -> Callable[[EndpointMethod], EndpointMethod]:
    """Serve the decorated AdminRoutes method at `method` `prefix + path`."""

    def mark(endpoint: EndpointMethod) -> EndpointMethod:
        _ROUTES[endpoint] = (method, path)
        return endpoint

    return mark


class AdminRoutes:
    """An admin API: its `@route` methods (base classes' first, each in the order written)
    under `prefix`, every one answering a ValueError with a 400."""

    prefix: ClassVar[str] = ""

    def routes(self) -> list[BaseRoute]:
        marked = {
            name: _ROUTES[value]
            for cls in reversed(type(self).__mro__)
            for name, value in vars(cls).items()
            if isinstance(value, FunctionType) and value in _ROUTES
        }
        return [
            Route(self.prefix + path, answers_bad_requests(getattr(self, name)), methods=[method])
            for name, (method, path) in marked.items()
        ]


def ok() -> Response:
    return JSONResponse({"ok": True})


async def set_api_key(request: Request, require_api_key: Callable[[str | None], None]) -> Response:
    """{"key": str or null}: the key the provider wants from now on (null: none)."""
    body = await read_body(request)
    require_api_key(field(body, "key", str))
    return ok()


def replaced_blocks(report: ReplacedBlocks) -> dict[str, Any]:
    """A reorg report's hashes (heights as JSON keys) and where its transactions went."""
    return {
        "old_block_hashes": {str(h): v for h, v in report.old_block_hashes.items()},
        "new_block_hashes": {str(h): v for h, v in report.new_block_hashes.items()},
        "transactions": report.transactions,
    }
