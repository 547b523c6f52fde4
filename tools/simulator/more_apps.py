"""The routes of the chains and providers besides Bitcoin's Blockchair and Esplora: Blockchair
for Litecoin, Dogecoin and Bitcoin Cash, Litecoin's Esplora, Solana, CoinGecko, their admin."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount

from tools.simulator.blockchair import BlockchairApi
from tools.simulator.chain_admin_api import ChainAdminApi
from tools.simulator.esplora import EsploraApi
from tools.simulator.networks import LITECOIN, OTHER_NETWORKS
from tools.simulator.paths import COINGECKO_PREFIX, LITECOIN_ESPLORA_PREFIX
from tools.simulator.price_admin import PriceAdmin, PriceAdminApi
from tools.simulator.prices import CoinGeckoApi
from tools.simulator.solana.admin import SolanaAdmin
from tools.simulator.solana.admin_api import SolanaAdminApi
from tools.simulator.solana.rpc import SolanaRpc
from tools.simulator.state import Simulator


def other_provider_routes(simulator: Simulator) -> list[BaseRoute]:
    price_admin = PriceAdmin(simulator)
    return [
        *(
            route
            for network in OTHER_NETWORKS
            for route in BlockchairApi(simulator, network).routes()
        ),
        Mount(LITECOIN_ESPLORA_PREFIX, routes=EsploraApi(simulator, LITECOIN).routes()),
        *SolanaRpc(simulator).routes(),
        Mount(
            COINGECKO_PREFIX,
            routes=CoinGeckoApi(simulator.prices, price_admin.required_api_key).routes(),
        ),
    ]


def other_admin_routes(simulator: Simulator) -> list[BaseRoute]:
    """Full paths under /_admin, listed before the Bitcoin admin mount that would hide them."""
    return [
        *ChainAdminApi(simulator).routes(),
        *SolanaAdminApi(SolanaAdmin(simulator)).routes(),
        *PriceAdminApi(PriceAdmin(simulator)).routes(),
    ]
