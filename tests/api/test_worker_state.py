"""The in-process worker's state, reported by server process 0 to the others through Redis."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from api.worker_state import report_worker_state, reported_worker_state
from workers.redis_server import RedisServer


async def test_the_other_processes_read_what_process_0_reports_and_notice_its_absence(
    redis_server: RedisServer,
) -> None:
    redis = Redis.from_url(redis_server.url)
    state = "ok"
    try:
        assert (await reported_worker_state(redis)).startswith(
            "error: server process 0 has not reported its worker"
        )
        reporting = asyncio.create_task(report_worker_state(redis, lambda: state))
        await asyncio.sleep(0.1)
        assert await reported_worker_state(redis) == "ok"

        state = "error: the worker stopped (RuntimeError: boom)"
        for _ in range(50):
            if await reported_worker_state(redis) != "ok":
                break
            await asyncio.sleep(0.1)
        assert await reported_worker_state(redis) == state

        reporting.cancel()
        await asyncio.gather(reporting, return_exceptions=True)
        assert (await reported_worker_state(redis)).startswith("error: server process 0")
    finally:
        await redis.aclose()
