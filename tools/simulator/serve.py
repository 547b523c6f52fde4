"""A uvicorn server for a simulator on an already bound socket."""

from __future__ import annotations

import logging
import socket

import uvicorn

from tools.simulator.app import create_app
from tools.simulator.state import Simulator

UVICORN_ERROR_LOGGER = "uvicorn.error"


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket; port 0 picks a free one."""
    # With the protocol spelled out, asyncio sets TCP_NODELAY on accepted connections;
    # without it every keep-alive response waits ~40 ms for a delayed ACK.
    bound = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    bound.bind((host, port))
    return bound


class SimulatorServer:
    """uvicorn serving one simulator; quiet about connections the simulator drops itself."""

    def __init__(self, simulator: Simulator, *, log_level: str = "warning") -> None:
        self.app = create_app(simulator)
        config = uvicorn.Config(
            self.app,
            log_level=log_level,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self.uvicorn = uvicorn.Server(config)

    def run(self, bound: socket.socket) -> None:
        logger = logging.getLogger(UVICORN_ERROR_LOGGER)
        logger.addFilter(self.app.drop_log_filter)
        try:
            self.uvicorn.run(sockets=[bound])
        finally:
            logger.removeFilter(self.app.drop_log_filter)
