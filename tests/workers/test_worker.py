"""The arq worker: in-process inside the server, or standalone on a shared Redis."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

import pytest
from arq import ArqRedis, create_pool

from api.runtime import start_runtime, stop_runtime
from db.models import JobStatus, SyncJob
from db.session import SessionFactory
from tests.conftest import LiveServer, make_settings, syncing_settings
from tests.utils.graphql import GraphQLClient
from tests.utils.sync_harness import queue_sync
from tools.simulator.testing import RunningSimulator
from workers.constants import QUEUE_NAME
from workers.redis_server import RedisServer
from workers.worker import create_in_process_worker

BIG_ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_server_runs_a_worker_that_consumes_the_queue(
    database_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    server = LiveServer(make_settings(database_url, redis_server, tmp_path, run_worker=True))
    server.start()
    redis = await create_pool(redis_server.arq_settings)
    try:
        job = await redis.enqueue_job("ping", _queue_name=QUEUE_NAME)
        assert job is not None
        assert await job.result(timeout=10) == "pong"
    finally:
        await redis.aclose()
        server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_worker_reads_prices_when_it_starts(
    database_url: str, redis_server: RedisServer, simulator: RunningSimulator, tmp_path: Path
) -> None:
    simulator.prices.set_price("bitcoin", "98765.4321", last_updated_at=1_767_225_600)
    settings = make_settings(
        database_url,
        redis_server,
        tmp_path,
        run_worker=True,
        price_url=simulator.coingecko_url,
        price_rate_limit=100.0,
    )
    server = LiveServer(settings)
    server.start()
    try:
        with GraphQLClient(server.base_url) as graphql:
            deadline = time.monotonic() + 15
            price = None
            while price is None and time.monotonic() < deadline:
                time.sleep(0.1)
                chains = graphql.data("{ chains { chain price { amount priceAt } } }")["chains"]
                price = next(info["price"] for info in chains if info["chain"] == "BITCOIN")
        assert price == {"amount": "98765.43", "priceAt": "2026-01-01T00:00:00+00:00"}
        assert simulator.admin.request_count("coingecko") == 1
    finally:
        server.stop()


def test_a_standalone_worker_needs_a_shared_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    import workers
    from settings import get_settings

    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit, match="REDIS_URL is not set"):
            _ = workers.WorkerSettings
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6390/2")
        get_settings.cache_clear()
        worker_settings: Any = workers.WorkerSettings
        assert worker_settings.redis_settings.port == 6390
        assert worker_settings.redis_settings.database == 2
        assert worker_settings.queue_name == QUEUE_NAME
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_server_stopped_mid_sync_hands_the_job_back_and_closes_its_worker_fully(
    database_url: str,
    redis_server: RedisServer,
    simulator: RunningSimulator,
    tmp_path: Path,
    sessions: SessionFactory,
    arq_redis: ArqRedis,
) -> None:
    # About two pages a second: the 156k address is mid-sync for a minute.
    settings = syncing_settings(
        database_url, redis_server, simulator, tmp_path, blockchair_rate_limit=2.0
    )
    runtime = await start_runtime(settings)
    try:
        job_id = await queue_sync(sessions, arq_redis, BIG_ADDRESS)
        deadline = time.monotonic() + 30
        while (job := await job_row(sessions, job_id)).fetched_transactions == 0:
            assert time.monotonic() < deadline, "the sync never started"
            await asyncio.sleep(0.05)
    finally:
        await stop_runtime(runtime)

    assert runtime.worker is not None
    # Closed to the end: its shutdown hook ran and its Redis pool is closed.
    assert runtime.worker._pool is None
    handed_back = await job_row(sessions, job_id)
    assert handed_back.status is JobStatus.QUEUED
    assert handed_back.fetched_transactions >= job.fetched_transactions


async def job_row(sessions: SessionFactory, job_id: int) -> SyncJob:
    async with sessions() as session:
        return await session.get_one(SyncJob, job_id)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_job_cancelled_before_its_own_handling_does_not_stop_the_worker_closing(
    database_url: str, redis_server: RedisServer, tmp_path: Path, sessions: SessionFactory
) -> None:
    settings = make_settings(database_url, redis_server, tmp_path, run_worker=True)
    worker = create_in_process_worker(
        redis_server.arq_settings, settings=settings, sessions=sessions
    )
    running = asyncio.create_task(worker.async_run())
    deadline = time.monotonic() + 20
    while "webhook_dispatcher" not in worker.ctx:
        assert time.monotonic() < deadline, "the worker never started"
        await asyncio.sleep(0.05)
    # A job task as arq has it while it reads the job from Redis: not yet inside the part of
    # arq's run_job that turns a cancellation into a retry.
    worker.tasks["caught-early"] = asyncio.create_task(asyncio.sleep(3600))
    dispatcher_task = next(
        task for task in asyncio.all_tasks() if task.get_name() == "webhook dispatcher"
    )

    await worker.close()
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running

    # The shutdown hook ran (it stops the webhook dispatcher) and the Redis pool is closed.
    assert dispatcher_task.done()
    assert worker._pool is None
