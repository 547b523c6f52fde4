"""The arq worker: in-process inside the server, or standalone on a shared Redis."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from arq import create_pool

from tests.conftest import LiveServer, make_settings
from tests.utils.graphql import GraphQLClient
from tools.simulator.testing import RunningSimulator
from workers.constants import QUEUE_NAME
from workers.redis_server import RedisServer


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
