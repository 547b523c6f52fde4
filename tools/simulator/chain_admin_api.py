"""The admin operations of Litecoin, Dogecoin and Bitcoin Cash over HTTP
(JSON under /_admin/chains/{chain}/)."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from tools.simulator.admin_api import (
    BadRequest,
    Endpoint,
    _body,
    _field,
    _handles_errors,
    _required,
)
from tools.simulator.chain_admin import ChainAdmin
from tools.simulator.networks import OTHER_NETWORKS
from tools.simulator.state import Simulator

CHAINS_ADMIN_PREFIX = "/_admin/chains"


class ChainAdminApi:
    def __init__(self, simulator: Simulator) -> None:
        self.admins = {network.name: ChainAdmin(simulator, network) for network in OTHER_NETWORKS}

    def routes(self) -> list[BaseRoute]:
        endpoints: list[tuple[str, str, Endpoint]] = [
            ("GET", "/{chain}/state", self.state),
            ("POST", "/{chain}/blocks", self.mine),
            ("POST", "/{chain}/mempool", self.add_mempool),
            ("POST", "/{chain}/mempool/drop", self.drop_mempool),
            ("POST", "/{chain}/reorg", self.reorg),
            ("GET", "/{chain}/addresses/{address}/transactions", self.transactions),
        ]
        return [
            Route(CHAINS_ADMIN_PREFIX + path, _handles_errors(endpoint), methods=[method])
            for method, path, endpoint in endpoints
        ]

    def _admin(self, request: Request) -> ChainAdmin:
        name = request.path_params["chain"]
        admin = self.admins.get(name)
        if admin is None:
            raise BadRequest(f"chain must be one of {', '.join(self.admins)}")
        return admin

    async def state(self, request: Request) -> Response:
        admin = self._admin(request)
        tip = admin.tip_height
        return JSONResponse(
            {
                "chain": admin.network.name,
                "tip_height": tip,
                "tip_hash": admin.block_hash(tip),
                "mempool": admin.mempool_txids(),
                "seeded_addresses": list(admin.seeded_addresses),
            }
        )

    async def mine(self, request: Request) -> Response:
        """{"address": optional, "amounts_sat": optional list of ints}"""
        admin = self._admin(request)
        body = await _body(request)
        amounts = _field(body, "amounts_sat", list) or []
        if not all(isinstance(amount, int) for amount in amounts):
            raise BadRequest("amounts_sat must be a list of integers")
        block = admin.mine_block(address=_field(body, "address", str), amounts_sat=amounts)
        return JSONResponse(asdict(block))

    async def add_mempool(self, request: Request) -> Response:
        admin = self._admin(request)
        address, amount = await _required(request, address=str, amount_sat=int)
        return JSONResponse({"txid": admin.add_mempool_transaction(address, amount)})

    async def drop_mempool(self, request: Request) -> Response:
        admin = self._admin(request)
        [txid] = await _required(request, txid=str)
        return JSONResponse({"dropped": admin.drop_mempool_transaction(txid)})

    async def reorg(self, request: Request) -> Response:
        admin = self._admin(request)
        [depth] = await _required(request, depth=int)
        report = admin.reorg(depth)
        return JSONResponse(
            {
                "old_block_hashes": {str(h): v for h, v in report.old_block_hashes.items()},
                "new_block_hashes": {str(h): v for h, v in report.new_block_hashes.items()},
                "transactions": report.transactions,
            }
        )

    async def transactions(self, request: Request) -> Response:
        admin = self._admin(request)
        history = admin.transactions(request.path_params["address"])
        return JSONResponse([asdict(entry) for entry in history])
