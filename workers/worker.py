"""arq worker set-up: inside the server process, or standalone via `arq workers.WorkerSettings`."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

from arq import Worker
from arq.connections import RedisSettings
from arq.cron import cron
from arq.worker import func
from redis.asyncio import Redis

from db.models import Chain
from db.session import SessionFactory, create_engine, create_session_factory
from garbage_collection import release_long_lived_objects, settle_long_lived_objects
from logs import configure_logging
from settings import Settings, get_settings
from workers import heap
from workers.circuit import CircuitBreaker
from workers.constants import HEALTH_CHECK_KEY, QUEUE_NAME
from workers.ethereum_sync import EthereumSync
from workers.events import EventPublisher
from workers.metrics import SharedMetrics
from workers.prices import build_price_refresher
from workers.providers import left_out_providers, open_providers, rates_per_second
from workers.providers.http import RetryPolicy
from workers.rate_limit import RedisRateLimiter
from workers.solana_sync import SolanaSync
from workers.sync import CHAIN_SYNCS, SyncEngine
from workers.tasks import (
    ping,
    refresh_prices,
    refresh_tracked_addresses,
    requeue_stale_jobs,
    sync_address,
)
from workers.webhooks.dispatcher import start_dispatcher

# A sync of the largest addresses through a slow provider can take hours; stale runs are
# detected by heartbeat long before this.
SYNC_TIMEOUT_SECONDS = 6 * 3600
# Each SQLite connection of a standalone worker keeps at most this much of the database in its
# page cache (SQLite's default: 2,000 KiB). A sync writes pages of new rows and reads little
# back, so a cache that filled only with a large database (156,000 rows against 15,000) added to
# the worker's peak memory without making the sync measurably faster (issue 15, BENCHMARKS.md).
WORKER_SQLITE_CACHE_KIB = 1_000

WORKER_FUNCTIONS = [
    func(ping, keep_result=60),
    # No stored result: arq would refuse a new job with the same id while one is kept.
    func(sync_address, keep_result=0, timeout=SYNC_TIMEOUT_SECONDS, max_tries=3),
]
CRON_JOBS = [
    cron(requeue_stale_jobs, second=set(range(0, 60, 10)), run_at_startup=True, keep_result=0),
    cron(refresh_tracked_addresses, second=15, keep_result=0),
    # Checks every 10 s; refreshes once per PRICE_REFRESH_INTERVAL across all workers.
    cron(refresh_prices, second=set(range(5, 60, 10)), run_at_startup=True, keep_result=0),
]
WORKER_OPTIONS: dict[str, Any] = {
    "queue_name": QUEUE_NAME,
    "health_check_key": HEALTH_CHECK_KEY,
    "health_check_interval": 10,
    "keep_result": 0,
}

logger = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    """Fills `ctx` for the tasks; the server passes its own settings and sessions in."""
    if "settings" not in ctx:
        # A standalone worker: log like the servers do (arq's CLI set up only its own logger).
        settings = ctx["settings"] = get_settings()
        configure_logging(level=settings.log_level, log_format=settings.log_format)
        heap.keep_large_blocks_mapped()
    settings = ctx["settings"]
    exits = ctx["exits"] = AsyncExitStack()
    if "sessions" not in ctx:
        engine = create_engine(settings.database_url, sqlite_cache_kib=WORKER_SQLITE_CACHE_KIB)
        exits.push_async_callback(engine.dispose)
        ctx["sessions"] = create_session_factory(engine)
    ctx["sync_engine"] = await build_sync_engine(
        settings, redis=ctx["redis"], sessions=ctx["sessions"], exits=exits
    )
    ctx["price_refresher"] = await build_price_refresher(
        settings, redis=ctx["redis"], sessions=ctx["sessions"], exits=exits
    )
    ctx["webhook_dispatcher"] = await start_dispatcher(
        settings, sessions=ctx["sessions"], metrics=SharedMetrics(ctx["redis"]), exits=exits
    )
    if settings.gc_tuning:
        settle_long_lived_objects()


# Chains read otherwise than in Bitcoin-like newest-first pages.
CHAIN_SYNCS.update({Chain.ETHEREUM: EthereumSync, Chain.SOLANA: SolanaSync})


async def build_sync_engine(
    settings: Settings,
    *,
    redis: Redis,
    sessions: SessionFactory,
    exits: AsyncExitStack,
    retry: RetryPolicy | None = None,
) -> SyncEngine:
    """The engine a worker syncs with: the configured providers behind the shared rate limit
    and circuit breaker, publishing job changes and counting into the shared metrics."""
    for name, chain, reason in left_out_providers(settings):
        logger.info("%s is left out of %s syncs: %s", name, chain.value, reason)
    metrics = SharedMetrics(redis)
    limiter = RedisRateLimiter(
        redis,
        rates_per_second(settings),
        metrics,
        longest_call_seconds=2 * settings.provider_timeout_seconds,
    )
    providers = await open_providers(
        settings, limiter=limiter, exits=exits, retry=retry, metrics=metrics
    )
    return SyncEngine(
        sessions=sessions,
        providers=providers,
        circuit=CircuitBreaker.for_settings(redis, settings),
        stale_after=timedelta(seconds=settings.stale_job_timeout),
        publisher=EventPublisher(redis),
        metrics=metrics,
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    exits: AsyncExitStack | None = ctx.get("exits")
    if exits is not None:
        await exits.aclose()
    settings: Settings | None = ctx.get("settings")
    if settings is None or settings.gc_tuning:
        release_long_lived_objects()


class InProcessWorker(Worker):
    """arq's Worker, closed completely even when a job is cancelled at the wrong moment.

    arq's `close()` cancels the running jobs, then waits for them with a plain `gather`: a job
    cancelled before its own error handling starts (reading the job from Redis, or writing its
    result) ends with CancelledError, the `gather` raises it, and `close()` stops there. The
    shutdown hook never ran and the Redis pool stayed open: the providers' HTTP clients and
    the pool's connections were left to the garbage collector (seen as ResourceWarnings in
    the test suite, a cron job cancelled as a server stopped)."""

    async def close(self) -> None:
        self.handle_sig(signal.SIGUSR1)
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        self.tasks.clear()
        await super().close()


def create_in_process_worker(
    redis_settings: RedisSettings, *, settings: Settings, sessions: Any
) -> Worker:
    """A worker the server's lifespan runs as a task; the server owns signals, not the worker."""
    return InProcessWorker(
        functions=WORKER_FUNCTIONS,
        cron_jobs=CRON_JOBS,
        redis_settings=redis_settings,
        handle_signals=False,
        on_startup=startup,
        on_shutdown=shutdown,
        ctx={"settings": settings, "sessions": sessions},
        **WORKER_OPTIONS,
    )


def standalone_worker_settings() -> type:
    """`WorkerSettings` for the arq CLI; standalone workers share the servers' REDIS_URL."""
    redis_url = get_settings().redis_url
    if redis_url is None:
        raise SystemExit(
            "REDIS_URL is not set. A separate worker process must share the servers' Redis "
            "(the embedded one lives inside `make run`'s server): set REDIS_URL=redis://host:6379."
        )
    shared_redis = RedisSettings.from_dsn(redis_url)

    class WorkerSettings:
        functions = WORKER_FUNCTIONS
        cron_jobs = CRON_JOBS
        redis_settings = shared_redis
        on_startup = startup
        on_shutdown = shutdown
        queue_name = WORKER_OPTIONS["queue_name"]
        health_check_key = WORKER_OPTIONS["health_check_key"]
        health_check_interval = WORKER_OPTIONS["health_check_interval"]
        keep_result = WORKER_OPTIONS["keep_result"]

    return WorkerSettings
