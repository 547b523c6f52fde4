"""The admin operations over HTTP (JSON under /_admin/), for `python -m tools.simulator` users."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tools.simulator.admin import SimulatorAdmin
from tools.simulator.admin_http import (
    BadRequest,
    field,
    ok,
    read_body,
    required_fields,
    route,
    set_api_key,
)
from tools.simulator.chain_admin import ChainAdmin
from tools.simulator.chain_admin_api import ChainEndpoints
from tools.simulator.types import FAULT_KINDS, PROVIDERS, FaultKind, Provider


def _provider(value: Any) -> Provider:
    if value not in PROVIDERS:
        raise BadRequest(f"provider must be one of {', '.join(PROVIDERS)}")
    return cast("Provider", value)


class AdminApi(ChainEndpoints):
    """Bitcoin's chain endpoints, then the knobs of every provider and the request log."""

    def __init__(self, admin: SimulatorAdmin) -> None:
        self.admin = admin

    def chain_admin(self, request: Request) -> ChainAdmin:
        return self.admin

    def identity(self, admin: ChainAdmin) -> dict[str, Any]:
        return {"seed": self.admin.seed}

    @route("POST", "/rate-limit")
    async def rate_limit(self, request: Request) -> Response:
        """{"provider": ..., "requests": int or null, "per_seconds": 1.0,
        "blockchair_status": 429 or 435}"""
        body = await read_body(request)
        self.admin.set_rate_limit(
            _provider(body.get("provider")),
            field(body, "requests", int),
            per_seconds=field(body, "per_seconds", float) or 1.0,
            blockchair_status=field(body, "blockchair_status", int) or 435,
        )
        return ok()

    @route("POST", "/api-key")
    async def api_key(self, request: Request) -> Response:
        return await set_api_key(request, self.admin.require_api_key)

    @route("POST", "/market-price")
    async def market_price(self, request: Request) -> Response:
        """{"usd": int}"""
        [usd] = await required_fields(request, usd=int)
        self.admin.set_market_price(usd)
        return ok()

    @route("POST", "/faults")
    async def add_fault(self, request: Request) -> Response:
        """{"provider": ..., "kind": ..., "count": 1, "status": int, "delay_seconds": 30,
        "path_contains": str}"""
        body = await read_body(request)
        kind = body.get("kind")
        if kind not in FAULT_KINDS:
            raise BadRequest(f"kind must be one of {', '.join(FAULT_KINDS)}")
        self.admin.inject_fault(
            _provider(body.get("provider")),
            cast("FaultKind", kind),
            count=field(body, "count", int) or 1,
            status=field(body, "status", int),
            delay_seconds=field(body, "delay_seconds", float) or 30.0,
            path_contains=field(body, "path_contains", str),
        )
        return ok()

    @route("DELETE", "/faults")
    async def clear_faults(self, request: Request) -> Response:
        self.admin.clear_faults()
        return ok()

    @route("GET", "/requests")
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

    @route("DELETE", "/requests")
    async def reset_requests(self, request: Request) -> Response:
        self.admin.reset_counters()
        return ok()

    @route("POST", "/addresses")
    async def add_addresses(self, request: Request) -> Response:
        """{"count": int, "transactions_each": int}"""
        count, each = await required_fields(request, count=int, transactions_each=int)
        return JSONResponse({"addresses": self.admin.add_generated_addresses(count, each)})
