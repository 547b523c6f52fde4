"""Wires the provider APIs, the admin API and the gateway into one ASGI app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from tools.simulator.admin import SimulatorAdmin
from tools.simulator.admin_api import AdminApi
from tools.simulator.blockchair import BlockchairApi
from tools.simulator.esplora import EsploraApi
from tools.simulator.gateway import Gateway
from tools.simulator.more_apps import other_admin_routes, other_provider_routes
from tools.simulator.paths import ADMIN_PREFIX, ESPLORA_PREFIX
from tools.simulator.state import Simulator


def create_app(simulator: Simulator) -> Gateway:
    """Blockchair at `/bitcoin/...`, Esplora under `/esplora/...`, admin under `/_admin/...`."""
    routes = [
        Mount(ESPLORA_PREFIX, routes=EsploraApi(simulator).routes()),
        *other_admin_routes(simulator),
        Mount(ADMIN_PREFIX, routes=AdminApi(SimulatorAdmin(simulator)).routes()),
        *BlockchairApi(simulator).routes(),
        *other_provider_routes(simulator),
    ]
    return Gateway(Starlette(routes=routes), simulator)
