"""A uvicorn server for a simulator on an already bound socket."""

from __future__ import annotations

import asyncio
import contextlib
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


class PromptServer(uvicorn.Server):
    """uvicorn's Server, which looks at `should_exit` on a 0.1 s tick; `exit()` also wakes it, so
    none of the test suite's many server stops (simulators, in-process servers) waits for it."""

    _loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._woken = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), 0.1)

    def exit(self) -> None:
        """From any thread."""
        self.should_exit = True
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # its loop has already closed
                self._loop.call_soon_threadsafe(self._woken.set)


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
        self.uvicorn = PromptServer(config)

    def run(self, bound: socket.socket) -> None:
        logger = logging.getLogger(UVICORN_ERROR_LOGGER)
        logger.addFilter(self.app.drop_log_filter)
        try:
            self.uvicorn.run(sockets=[bound])
        finally:
            logger.removeFilter(self.app.drop_log_filter)
