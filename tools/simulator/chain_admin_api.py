"""The UTXO chains' admin operations over HTTP: the endpoints every chain has, and those of
Litecoin, Dogecoin and Bitcoin Cash (JSON under /_admin/chains/{chain}/)."""

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
    read_body,
    replaced_blocks,
    required_fields,
    route,
    string_list,
)
from tools.simulator.chain_admin import ChainAdmin
from tools.simulator.networks import OTHER_NETWORKS
from tools.simulator.state import Simulator

CHAINS_ADMIN_PREFIX = "/_admin/chains"


class ChainEndpoints(AdminRoutes):
    """State, mining, the mempool, reorgs and histories of the chain a request is about."""

    def chain_admin(self, request: Request) -> ChainAdmin:
        raise NotImplementedError

    def identity(self, admin: ChainAdmin) -> dict[str, Any]:
        """What `/state` names first: which chain this is."""
        raise NotImplementedError

    @route("GET", "/state")
    async def state(self, request: Request) -> Response:
        admin = self.chain_admin(request)
        tip = admin.tip_height
        return JSONResponse(
            {
                **self.identity(admin),
                "tip_height": tip,
                "tip_hash": admin.block_hash(tip),
                "mempool": admin.mempool_txids(),
                "seeded_addresses": list(admin.seeded_addresses),
            }
        )

    @route("POST", "/blocks")
    async def mine(self, request: Request) -> Response:
        """{"address": optional, "amounts_sat": optional list of ints}"""
        admin = self.chain_admin(request)
        body = await read_body(request)
        amounts = integer_list(body, "amounts_sat")
        block = admin.mine_block(address=field(body, "address", str), amounts_sat=amounts)
        return JSONResponse(asdict(block))

    @route("POST", "/mempool")
    async def add_mempool(self, request: Request) -> Response:
        """{"address": ..., "amount_sat": int, negative to spend}"""
        admin = self.chain_admin(request)
        address, amount = await required_fields(request, address=str, amount_sat=int)
        return JSONResponse({"txid": admin.add_mempool_transaction(address, amount)})

    @route("POST", "/mempool/drop")
    async def drop_mempool(self, request: Request) -> Response:
        """{"txid": ...}"""
        admin = self.chain_admin(request)
        [txid] = await required_fields(request, txid=str)
        return JSONResponse({"dropped": admin.drop_mempool_transaction(txid)})

    @route("POST", "/reorg")
    async def reorg(self, request: Request) -> Response:
        """{"depth": int}"""
        admin = self.chain_admin(request)
        [depth] = await required_fields(request, depth=int)
        return JSONResponse(replaced_blocks(admin.reorg(depth)))

    @route("GET", "/addresses/{address}/transactions")
    async def transactions(self, request: Request) -> Response:
        admin = self.chain_admin(request)
        history = admin.transactions(request.path_params["address"])
        return JSONResponse([asdict(entry) for entry in history])

    @route("POST", "/wallets")
    async def add_wallet_history(self, request: Request) -> Response:
        """{"receive": [addresses], "change": [addresses], "used_receive": [indexes],
        "transactions": int, "mempool": int (0)}: a generated HD wallet history."""
        admin = self.chain_admin(request)
        body = await read_body(request)
        history = admin.add_wallet_history(
            string_list(body, "receive"),
            string_list(body, "change"),
            used_receive=integer_list(body, "used_receive"),
            transactions=field(body, "transactions", int, required=True),
            mempool=field(body, "mempool", int) or 0,
        )
        return JSONResponse(asdict(history))

    @route("POST", "/payments")
    async def pay(self, request: Request) -> Response:
        """{"from_addresses": [...], "to_address", "amount_sat": int, "change_address":
        optional, "mine": bool}: one payment spending coins of several addresses."""
        admin = self.chain_admin(request)
        body = await read_body(request)
        txid = admin.pay(
            string_list(body, "from_addresses"),
            field(body, "to_address", str, required=True),
            field(body, "amount_sat", int, required=True),
            field(body, "change_address", str),
            mine=field(body, "mine", bool, required=True),
        )
        return JSONResponse({"txid": txid})

    @route("POST", "/net-amounts")
    async def net_amounts(self, request: Request) -> Response:
        """{"addresses": [...]}: {"net_amounts": {txid: net for the set}}, newest first (a
        POST because a wallet's addresses do not fit in a URL)."""
        admin = self.chain_admin(request)
        body = await read_body(request)
        return JSONResponse({"net_amounts": admin.net_amounts(string_list(body, "addresses"))})


class ChainAdminApi(ChainEndpoints):
    prefix = CHAINS_ADMIN_PREFIX + "/{chain}"

    def __init__(self, simulator: Simulator) -> None:
        self.admins = {network.name: ChainAdmin(simulator, network) for network in OTHER_NETWORKS}

    def chain_admin(self, request: Request) -> ChainAdmin:
        name = request.path_params["chain"]
        admin = self.admins.get(name)
        if admin is None:
            raise BadRequest(f"chain must be one of {', '.join(self.admins)}")
        return admin

    def identity(self, admin: ChainAdmin) -> dict[str, Any]:
        return {"chain": admin.network.name}
