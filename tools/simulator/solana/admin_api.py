"""The Solana admin operations over HTTP (JSON under /_admin/solana/)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tools.simulator.admin_http import AdminRoutes, BadRequest, field, read_body, route
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
        address=field(body, "address", str, required=True),
        lamports=field(body, "lamports", int, required=True),
        counterparty=field(body, "counterparty", str),
        failed=bool(field(body, "failed", bool)),
        version=version,
        loaded=bool(field(body, "loaded", bool)),
        fee=field(body, "fee", int) or BASE_FEE_LAMPORTS,
    )


class SolanaAdminApi(AdminRoutes):
    prefix = SOLANA_ADMIN_PREFIX

    def __init__(self, admin: SolanaAdmin) -> None:
        self.admin = admin

    @route("GET", "/state")
    async def state(self, request: Request) -> Response:
        return JSONResponse(
            {"tip_slot": self.admin.tip_slot, "seeded_addresses": list(self.admin.seeded_addresses)}
        )

    @route("POST", "/slots")
    async def mine(self, request: Request) -> Response:
        """{"transfers": [{"address", "lamports", "counterparty", "failed", "version",
        "loaded", "fee"}], "slots": 1}"""
        body = await read_body(request)
        transfers = [_transfer(item) for item in field(body, "transfers", list) or []]
        mined = self.admin.mine_slot(transfers, slots=field(body, "slots", int) or 1)
        return JSONResponse(asdict(mined))

    @route("GET", "/addresses/{address}/transactions")
    async def transactions(self, request: Request) -> Response:
        address = request.path_params["address"]
        return JSONResponse(
            {
                "balance_lamports": self.admin.balance_lamports(address),
                "transactions": [asdict(entry) for entry in self.admin.transactions(address)],
            }
        )
