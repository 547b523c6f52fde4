"""What the server process opens at start-up and every request uses, reached through
`runtime_of(connection)`: the one door to the database, Redis, the live relay and the limiter."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass

from arq import ArqRedis, Worker, create_pool
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import HTTPConnection

from api.client_limits import ClientRateLimiter
from api.live import LiveHub
from api.worker_state import report_worker_state
from db.session import SessionFactory, create_engine, create_session_factory
from resolvers.accounts import ensure_local_account
from resolvers.viewer import Viewer
from settings import Settings
from workers.redis_server import RedisServer, start_redis
from workers.worker import create_in_process_worker

logger = logging.getLogger("wallet_tracker")

WORKER_STOP_TIMEOUT_SECONDS = 10.0


@dataclass
class Runtime:
    """What the lifespan opens and every request uses."""

    engine: AsyncEngine
    sessions: SessionFactory
    redis_server: RedisServer
    redis: ArqRedis
    live: LiveHub
    local_viewer: Viewer
    client_limiter: ClientRateLimiter
    worker: Worker | None
    worker_task: asyncio.Task[None] | None
    settings: Settings
    # Its number among the server processes `python server.py` started (WEB_CONCURRENCY > 1).
    process: int | None = None
    # Process 0's report of its in-process worker's state to the other processes.
    worker_report_task: asyncio.Task[None] | None = None

    @property
    def worker_elsewhere(self) -> bool:
        """Whether the in-process worker runs in another server process (process 0)."""
        return self.settings.run_worker and self.process not in (None, 0)

    def worker_state(self) -> str:
        """ "ok" while the in-process worker runs (or none runs here), else why it stopped."""
        task = self.worker_task
        if task is None or not task.done():
            return "ok"
        error = None if task.cancelled() else task.exception()
        return (
            f"error: the worker stopped ({type(error).__name__}: {error})"
            if error
            else "error: stopped"
        )


def runtime_of(connection: HTTPConnection) -> Runtime:
    """The runtime of the app serving `connection` (a request or a websocket)."""
    runtime: Runtime = connection.app.state.runtime
    return runtime


async def start_runtime(settings: Settings, *, process: int | None = None) -> Runtime:
    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    local_viewer = await ensure_local_account(sessions)
    redis_server = await asyncio.to_thread(start_redis, settings.redis_url, settings.var_dir)
    redis = await create_pool(redis_server.arq_settings)
    live = LiveHub(redis)
    await live.start()
    worker, worker_task = None, None
    # With several server processes, only process 0 runs the worker.
    if settings.run_worker and process in (None, 0):
        worker = create_in_process_worker(
            redis_server.arq_settings, settings=settings, sessions=sessions
        )
        worker_task = asyncio.create_task(worker.async_run(), name="arq-worker")
        worker_task.add_done_callback(_report_worker_exit)
    client_limiter = ClientRateLimiter(
        redis, per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst
    )
    runtime = Runtime(
        engine,
        sessions,
        redis_server,
        redis,
        live,
        local_viewer,
        client_limiter,
        worker,
        worker_task,
        settings,
        process,
    )
    if process == 0 and worker_task is not None:
        runtime.worker_report_task = asyncio.create_task(
            report_worker_state(redis, runtime.worker_state), name="worker-state-report"
        )
    return runtime


def _report_worker_exit(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("the in-process worker stopped", exc_info=task.exception())


async def stop_runtime(runtime: Runtime) -> None:
    """Stops everything in order; a failing step (say, Redis already gone) skips only itself."""
    if runtime.worker_report_task is not None:
        runtime.worker_report_task.cancel()
        await _shutdown_step("worker state report", runtime.worker_report_task)
    if runtime.worker_task is not None and runtime.worker is not None:
        runtime.worker_task.cancel()
        await _shutdown_step(
            "worker task", asyncio.wait_for(runtime.worker_task, WORKER_STOP_TIMEOUT_SECONDS)
        )
        await _shutdown_step("worker", runtime.worker.close())
    await _shutdown_step("live updates", runtime.live.stop())
    await _shutdown_step("redis pool", runtime.redis.aclose())
    await _shutdown_step("database engine", runtime.engine.dispose())
    await _shutdown_step("embedded redis", asyncio.to_thread(runtime.redis_server.stop))


async def _shutdown_step(name: str, step: Awaitable[object]) -> None:
    try:
        await step
    except asyncio.CancelledError:
        pass
    except Exception:
        logger.exception("shutdown: stopping the %s failed", name)
