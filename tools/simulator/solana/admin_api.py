"""The Solana admin operations over HTTP (JSON under /_admin/solana/)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from tools.simulator.admin_api import BadRequest, Endpoint, _body, _field, _handles_errors
from tools.simulator.solana.admin import SolanaAdmin, SolanaTransfer
from tools.simulator.solana.cluster import BASE_FEE_LAMPORTS

SOLANA_ADMIN_PREFIX = "/_admin/solana"


def _transfer(body: Any) -> SolanaTransfer:
    if not isinstance(body, dict):
        raise BadRequest("each transfer is a JSON object")
    version = body.get("version", "legacy")
    if version not in ("legacy", 0):
        raise BadRequest('version must be "legacy" or 0')
    return SolanaTransfer(
        address=_field(body, "address", str, required=True),
        lamports=_field(body, "lamports", int, required=True),
        counterparty=_field(body, "counterparty", str),
        failed=bool(_field(body, "failed", bool)),
        version=version,
        loaded=bool(_field(body, "loaded", bool)),
        fee=_field(body, "fee", int) or BASE_FEE_LAMPORTS,
    )


class SolanaAdminApi:
    def __init__(self, admin: SolanaAdmin) -> None:
        self.admin = admin

    def routes(self) -> list[BaseRoute]:
        endpoints: list[tuple[str, str, Endpoint]] = [
            ("GET", "/state", self.state),
            ("POST", "/slots", self.mine),
            ("GET", "/addresses/{address}/transactions", self.transactions),
        ]
        return [
            Route(SOLANA_ADMIN_PREFIX + path, _handles_errors(endpoint), methods=[method])
            for method, path, endpoint in endpoints
        ]

    async def state(self, request: Request) -> Response:
        return JSONResponse(
            {"tip_slot": self.admin.tip_slot, "seeded_addresses": list(self.admin.seeded_addresses)}
        )

    async def mine(self, request: Request) -> Response:
        """{"transfers": [{"address", "lamports", "counterparty", "failed", "version",
        "loaded", "fee"}], "slots": 1}"""
        body = await _body(request)
        transfers = [_transfer(item) for item in _field(body, "transfers", list) or []]
        mined = self.admin.mine_slot(transfers, slots=_field(body, "slots", int) or 1)
        return JSONResponse(asdict(mined))

    async def transactions(self, request: Request) -> Response:
        address = request.path_params["address"]
        return JSONResponse(
            {
                "balance_lamports": self.admin.balance_lamports(address),
                "transactions": [asdict(entry) for entry in self.admin.transactions(address)],
            }
        )
