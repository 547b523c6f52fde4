"""The admin operations over HTTP (JSON under /_admin/), for `python -m tools.simulator` users."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from tools.simulator.admin import SimulatorAdmin
from tools.simulator.types import FAULT_KINDS, PROVIDERS, FaultKind, Provider

Endpoint = Callable[[Request], Awaitable[Response]]


class BadRequest(ValueError):
    """The request body does not say what to do."""


def _field(body: dict[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
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


def _provider(value: Any) -> Provider:
    if value not in PROVIDERS:
        raise BadRequest(f"provider must be one of {', '.join(PROVIDERS)}")
    return cast("Provider", value)


def _handles_errors(endpoint: Endpoint) -> Endpoint:
    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)

    return guarded


async def _required(request: Request, **kinds: type) -> list[Any]:
    """The values of the body's required fields, in the order given; BadRequest if any is
    missing or of another kind."""
    body = await _body(request)
    return [_field(body, name, kind, required=True) for name, kind in kinds.items()]


async def _body(request: Request) -> dict[str, Any]:
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


class AdminApi:
    def __init__(self, admin: SimulatorAdmin) -> None:
        self.admin = admin

    def routes(self) -> list[BaseRoute]:
        endpoints: list[tuple[str, str, Endpoint]] = [
            ("GET", "/state", self.state),
            ("POST", "/blocks", self.mine),
            ("POST", "/mempool", self.add_mempool),
            ("POST", "/mempool/drop", self.drop_mempool),
            ("POST", "/reorg", self.reorg),
            ("POST", "/rate-limit", self.rate_limit),
            ("POST", "/api-key", self.api_key),
            ("POST", "/market-price", self.market_price),
            ("POST", "/faults", self.add_fault),
            ("DELETE", "/faults", self.clear_faults),
            ("GET", "/requests", self.requests),
            ("DELETE", "/requests", self.reset_requests),
            ("POST", "/addresses", self.add_addresses),
            ("GET", "/addresses/{address}/transactions", self.transactions),
        ]
        return [
            Route(path, _handles_errors(endpoint), methods=[method])
            for method, path, endpoint in endpoints
        ]

    async def state(self, request: Request) -> Response:
        return JSONResponse(
            {
                "seed": self.admin.seed,
                "tip_height": self.admin.tip_height,
                "tip_hash": self.admin.block_hash(self.admin.tip_height),
                "mempool": self.admin.mempool_txids(),
                "seeded_addresses": list(self.admin.seeded_addresses),
            }
        )

    async def mine(self, request: Request) -> Response:
        """{"address": optional, "amounts_sat": optional list of ints}"""
        body = await _body(request)
        amounts = _field(body, "amounts_sat", list) or []
        if not all(isinstance(amount, int) for amount in amounts):
            raise BadRequest("amounts_sat must be a list of integers")
        block = self.admin.mine_block(address=_field(body, "address", str), amounts_sat=amounts)
        return JSONResponse(asdict(block))

    async def add_mempool(self, request: Request) -> Response:
        """{"address": ..., "amount_sat": int, negative to spend}"""
        address, amount = await _required(request, address=str, amount_sat=int)
        return JSONResponse({"txid": self.admin.add_mempool_transaction(address, amount)})

    async def drop_mempool(self, request: Request) -> Response:
        """{"txid": ...}"""
        [txid] = await _required(request, txid=str)
        return JSONResponse({"dropped": self.admin.drop_mempool_transaction(txid)})

    async def reorg(self, request: Request) -> Response:
        """{"depth": int}"""
        [depth] = await _required(request, depth=int)
        report = self.admin.reorg(depth)
        return JSONResponse(
            {
                "old_block_hashes": {str(h): v for h, v in report.old_block_hashes.items()},
                "new_block_hashes": {str(h): v for h, v in report.new_block_hashes.items()},
                "transactions": report.transactions,
            }
        )

    async def rate_limit(self, request: Request) -> Response:
        """{"provider": ..., "requests": int or null, "per_seconds": 1.0,
        "blockchair_status": 429 or 435}"""
        body = await _body(request)
        self.admin.set_rate_limit(
            _provider(body.get("provider")),
            _field(body, "requests", int),
            per_seconds=_field(body, "per_seconds", float) or 1.0,
            blockchair_status=_field(body, "blockchair_status", int) or 435,
        )
        return JSONResponse({"ok": True})

    async def api_key(self, request: Request) -> Response:
        """{"key": str or null}"""
        body = await _body(request)
        self.admin.require_api_key(_field(body, "key", str))
        return JSONResponse({"ok": True})

    async def market_price(self, request: Request) -> Response:
        """{"usd": int}"""
        [usd] = await _required(request, usd=int)
        self.admin.set_market_price(usd)
        return JSONResponse({"ok": True})

    async def add_fault(self, request: Request) -> Response:
        """{"provider": ..., "kind": ..., "count": 1, "status": int, "delay_seconds": 30,
        "path_contains": str}"""
        body = await _body(request)
        kind = body.get("kind")
        if kind not in FAULT_KINDS:
            raise BadRequest(f"kind must be one of {', '.join(FAULT_KINDS)}")
        self.admin.inject_fault(
            _provider(body.get("provider")),
            cast("FaultKind", kind),
            count=_field(body, "count", int) or 1,
            status=_field(body, "status", int),
            delay_seconds=_field(body, "delay_seconds", float) or 30.0,
            path_contains=_field(body, "path_contains", str),
        )
        return JSONResponse({"ok": True})

    async def clear_faults(self, request: Request) -> Response:
        self.admin.clear_faults()
        return JSONResponse({"ok": True})

    async def requests(self, request: Request) -> Response:
        """?provider=&kind=&window_seconds=: the calls received and their peak rate."""
        provider_text = request.query_params.get("provider")
        provider = None if provider_text is None else _provider(provider_text)
        kind = request.query_params.get("kind")
        window = float(request.query_params.get("window_seconds", "1.0"))
        records = self.admin.requests(provider, kind)
        return JSONResponse(
            {
                "count": len(records),
                "peak_rate": self.admin.peak_request_rate(provider, kind, window_seconds=window),
                "requests": [asdict(record) for record in records],
            }
        )

    async def reset_requests(self, request: Request) -> Response:
        self.admin.reset_counters()
        return JSONResponse({"ok": True})

    async def add_addresses(self, request: Request) -> Response:
        """{"count": int, "transactions_each": int}"""
        count, each = await _required(request, count=int, transactions_each=int)
        return JSONResponse({"addresses": self.admin.add_generated_addresses(count, each)})

    async def transactions(self, request: Request) -> Response:
        history = self.admin.transactions(request.path_params["address"])
        return JSONResponse([asdict(entry) for entry in history])
