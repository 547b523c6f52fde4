"""The in-process worker's state shared by the server processes of one `python server.py`:
process 0 runs the worker and reports its state to Redis; the others read it for /readyz."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from workers.constants import in_process_worker_key

logger = logging.getLogger("wallet_tracker")

REPORT_EVERY_SECONDS = 2.0
# A report older than this (process 0 gone or stuck) counts as no report.
REPORT_LIFETIME_SECONDS = 10


def shared_state_key() -> str:
    """This `python server.py`'s key: the server processes' parent names it."""
    return in_process_worker_key(f"{socket.gethostname()}:{os.getppid()}")


async def report_worker_state(redis: Redis, state: Callable[[], str]) -> None:
    """Process 0: writes `state()` every REPORT_EVERY_SECONDS until cancelled, then removes it."""
    key = shared_state_key()
    try:
        while True:
            try:
                await redis.set(key, state(), ex=REPORT_LIFETIME_SECONDS)
            except RedisError:
                logger.warning("could not report the in-process worker's state", exc_info=True)
            await asyncio.sleep(REPORT_EVERY_SECONDS)
    finally:
        with contextlib.suppress(RedisError):
            await redis.delete(key)


async def reported_worker_state(redis: Redis) -> str:
    """The other processes: process 0's last report, or why there is none."""
    reported: bytes | str | None = await redis.get(shared_state_key())
    if reported is None:
        return (
            f"error: server process 0 has not reported its worker for {REPORT_LIFETIME_SECONDS} s"
        )
    return reported.decode() if isinstance(reported, bytes) else reported
