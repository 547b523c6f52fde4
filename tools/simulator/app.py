"""Wires the provider APIs, the admin API and the gateway into one ASGI app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from tools.simulator.admin import SimulatorAdmin
from tools.simulator.admin_api import AdminApi
from tools.simulator.blockchair import BlockchairApi
from tools.simulator.esplora import EsploraApi
from tools.simulator.ethereum.admin_api import EthereumAdminApi
from tools.simulator.ethereum.blockscout import BlockscoutApi
from tools.simulator.ethereum.etherscan import EtherscanApi
from tools.simulator.gateway import Gateway
from tools.simulator.more_apps import other_admin_routes, other_provider_routes
from tools.simulator.paths import ADMIN_PREFIX, ESPLORA_PREFIX
from tools.simulator.state import Simulator


def create_app(simulator: Simulator) -> Gateway:
    """Blockchair at `/bitcoin/...`, Esplora under `/esplora/...`, Etherscan V2 at
    `/etherscan/v2/api`, Blockscout at `/blockscout/api`, admin under `/_admin/...`; the
    other coins, Litecoin's Esplora, Solana and CoinGecko come from `more_apps`."""
    admin = SimulatorAdmin(simulator)
    routes = [
        Mount(ESPLORA_PREFIX, routes=EsploraApi(simulator).routes()),
        Mount(f"{ADMIN_PREFIX}/ethereum", routes=EthereumAdminApi(admin.ethereum).routes()),
        *other_admin_routes(simulator),
        Mount(ADMIN_PREFIX, routes=AdminApi(admin).routes()),
        *BlockchairApi(simulator).routes(),
        *EtherscanApi(simulator).routes(),
        *BlockscoutApi(simulator).routes(),
        *other_provider_routes(simulator),
    ]
    return Gateway(Starlette(routes=routes), simulator)
