"""The Ethereum admin operations over HTTP (JSON under /_admin/ethereum/). Amounts in wei
travel as decimal strings (or integers on the way in): JSON numbers lose precision above 2^53."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tools.simulator.admin_http import (
    AdminRoutes,
    BadRequest,
    field,
    integer_list,
    object_list,
    ok,
    read_body,
    replaced_blocks,
    route,
)
from tools.simulator.ethereum.admin import EthereumAdmin
from tools.simulator.ethereum.chain import EthReorgReport, MinedEthBlock
from tools.simulator.ethereum.model import InternalTransfer, Transfer


def _wei(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadRequest(f"{name} must be an integer or a decimal string")
    if isinstance(value, str) and not value.isdigit():
        raise BadRequest(f"{name} must be an integer or a decimal string")
    return int(value)


def _transfer(body: Any) -> Transfer:
    """{"from", "to" (null: contract creation), "value_wei", "failed", "gas_used",
    "gas_price_wei", "internal": [{"from", "to", "value_wei", "failed"}]}"""
    if not isinstance(body, dict):
        raise BadRequest("each transfer is a JSON object")
    internal = object_list(body, "internal")
    return Transfer(
        sender=field(body, "from", str, required=True),
        recipient=field(body, "to", str),
        value_wei=_wei(body.get("value_wei", 0), "value_wei"),
        failed=bool(field(body, "failed", bool)),
        gas_used=field(body, "gas_used", int) or 21_000,
        gas_price_wei=_wei(body.get("gas_price_wei", 20 * 10**9), "gas_price_wei"),
        internal=tuple(
            InternalTransfer(
                sender=field(move, "from", str, required=True),
                recipient=field(move, "to", str, required=True),
                value_wei=_wei(move.get("value_wei", 0), "value_wei"),
                failed=bool(field(move, "failed", bool)),
            )
            for move in internal
        ),
    )


def _transfers(body: dict[str, Any]) -> list[Transfer]:
    transfers = body.get("transfers") or []
    if not isinstance(transfers, list):
        raise BadRequest("transfers must be a list")
    return [_transfer(transfer) for transfer in transfers]


def _block(block: MinedEthBlock) -> dict[str, Any]:
    return asdict(block)


def _report(report: EthReorgReport) -> dict[str, Any]:
    return {**replaced_blocks(report), "mined": list(report.mined)}


class EthereumAdminApi(AdminRoutes):
    def __init__(self, admin: EthereumAdmin) -> None:
        self.admin = admin

    @route("GET", "/state")
    async def state(self, request: Request) -> Response:
        tip = self.admin.tip_height
        return JSONResponse(
            {
                "tip_height": tip,
                "tip_hash": self.admin.block_hash(tip),
                "seeded_addresses": list(self.admin.seeded_addresses),
            }
        )

    @route("POST", "/blocks")
    async def mine(self, request: Request) -> Response:
        """{"transfers": [...], "withdrawals": [{"address", "amount_gwei"}]}"""
        body = await read_body(request)
        credited = [
            (field(w, "address", str, required=True), field(w, "amount_gwei", int, required=True))
            for w in object_list(body, "withdrawals")
        ]
        return JSONResponse(_block(self.admin.mine_block(_transfers(body), withdrawals=credited)))

    @route("POST", "/reorg")
    async def reorg(self, request: Request) -> Response:
        """{"depth": int, "transfers": [...] mined into the new tip block}"""
        body = await read_body(request)
        depth = field(body, "depth", int, required=True)
        return JSONResponse(_report(self.admin.reorg(depth, _transfers(body))))

    @route("GET", "/addresses/{address}/transactions")
    async def transactions(self, request: Request) -> Response:
        address = request.path_params["address"]
        entries = [
            {**asdict(entry), "amount_wei": str(entry.amount_wei)}
            for entry in self.admin.transactions(address)
        ]
        return JSONResponse(
            {"balance_wei": str(self.admin.balance_wei(address)), "transactions": entries}
        )

    @route("POST", "/etherscan")
    async def etherscan(self, request: Request) -> Response:
        """Any of {"api_key": str or null, "result_window": int, "max_records": int or null}."""
        body = await read_body(request)
        if "api_key" in body:
            self.admin.require_etherscan_api_key(field(body, "api_key", str))
        if "result_window" in body:
            self.admin.set_result_window(field(body, "result_window", int, required=True))
        if "max_records" in body:
            self.admin.set_etherscan_max_records(field(body, "max_records", int))
        return ok()

    @route("POST", "/blockscout")
    async def blockscout(self, request: Request) -> Response:
        """{"unprocessed_heights": [int, ...]}"""
        body = await read_body(request)
        self.admin.set_blockscout_unprocessed(integer_list(body, "unprocessed_heights"))
        return ok()
