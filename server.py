"""The wallet-tracker ASGI app (GraphQL, dashboard, health); `python server.py` runs everything."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass

import uvicorn
from arq import ArqRedis, Worker, create_pool
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from body_limit import BodySizeLimit
from client_limits import ClientRateLimit, ClientRateLimiter
from db.migrate import upgrade_database
from db.session import SessionFactory, create_engine, create_session_factory
from exports import export_routes
from graphql_view import WalletTrackerGraphQL
from logs import RequestIdMiddleware, configure_logging
from metrics import HttpMetricsMiddleware, SharedFigures, render
from resolvers.accounts import Viewer, create_account, ensure_local_account
from resolvers.live import LiveHub
from schema import build_schema
from settings import Settings, get_settings
from web.pages import web_routes
from workers.circuit import skipped_providers
from workers.constants import QUEUE_NAME, SHARED_METRICS_KEY
from workers.redis_server import RedisServer, start_redis
from workers.worker import create_in_process_worker

logger = logging.getLogger("wallet_tracker")

READINESS_TIMEOUT_SECONDS = 2.0
# Paths whose requests count against each client's rate limit (health and metrics do not).
RATE_LIMITED_PATHS = ("/graphql", "/export", "/import")
MAX_OPERATIONS_PER_SOCKET = 100
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


async def _start_runtime(settings: Settings) -> Runtime:
    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    local_viewer = await ensure_local_account(sessions)
    redis_server = await asyncio.to_thread(start_redis, settings.redis_url, settings.var_dir)
    redis = await create_pool(redis_server.arq_settings)
    live = LiveHub(redis)
    await live.start()
    worker, worker_task = None, None
    if settings.run_worker:
        worker = create_in_process_worker(
            redis_server.arq_settings, settings=settings, sessions=sessions
        )
        worker_task = asyncio.create_task(worker.async_run(), name="arq-worker")
        worker_task.add_done_callback(_report_worker_exit)
    client_limiter = ClientRateLimiter(
        redis, per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst
    )
    return Runtime(
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
    )


def _report_worker_exit(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("the in-process worker stopped", exc_info=task.exception())


def _worker_state(runtime: Runtime) -> str:
    task = runtime.worker_task
    if task is None or not task.done():
        return "ok"
    error = None if task.cancelled() else task.exception()
    return (
        f"error: the worker stopped ({type(error).__name__}: {error})"
        if error
        else "error: stopped"
    )


async def _stop_runtime(runtime: Runtime) -> None:
    """Stops everything in order; a failing step (say, Redis already gone) skips only itself."""
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


async def metrics_page(request: Request) -> Response:
    """Prometheus text: this process's HTTP/GraphQL figures and the workers' shared counters."""
    runtime: Runtime = request.app.state.runtime
    shared: dict[bytes, bytes] = await runtime.redis.hgetall(SHARED_METRICS_KEY)  # type: ignore[misc]
    figures = SharedFigures(
        {_text(field): float(value) for field, value in shared.items()},
        queue_depth=await runtime.redis.zcard(QUEUE_NAME),
        open_subscriptions=runtime.live.open_subscriptions,
    )
    return Response(render(figures), media_type=CONTENT_TYPE_LATEST)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    checks = {
        "database": await _check(_ping_database(runtime.engine)),
        "redis": await _check(runtime.redis.ping()),
    }
    if runtime.worker_task is not None:
        checks["worker"] = _worker_state(runtime)
    ready = all(result == "ok" for result in checks.values())
    return JSONResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": checks,
            # Information, not a readiness check: syncs go on with the next provider.
            "skipped_providers": await skipped_providers(runtime.redis, runtime.settings),
        },
        status_code=200 if ready else 503,
    )


async def _ping_database(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _check(probe: object) -> str:
    try:
        await asyncio.wait_for(probe, READINESS_TIMEOUT_SECONDS)  # type: ignore[arg-type]
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", reported by name
        return f"error: {type(error).__name__}: {error}".strip()
    return "ok"


def create_app(settings: Settings | None = None) -> Starlette:
    """The ASGI app; `uvicorn --factory server:create_app` serves it without the CLI below."""
    settings = settings or get_settings()
    problems = settings.startup_problems()
    if problems:
        raise SystemExit("wallet-tracker refuses to start:\n- " + "\n- ".join(problems))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.runtime = await _start_runtime(settings)
        logger.info(
            "wallet-tracker ready: GraphQL at http://%s:%s/graphql", settings.host, settings.port
        )
        try:
            yield
        finally:
            await _stop_runtime(app.state.runtime)

    graphql_app = WalletTrackerGraphQL(
        build_schema(introspection=settings.introspection),
        graphql_ide="graphiql" if settings.graphiql else None,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        # Cross-origin websockets are refused unless their origin is listed.
        allowed_origins=settings.allowed_origins,
        # Operations open at once on one websocket; each new one also counts against the
        # client's rate limit.
        max_subscriptions_per_connection=MAX_OPERATIONS_PER_SOCKET,
        settings=settings,
    )
    routes = [
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_app),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_page),
        *export_routes(),
        *web_routes(settings),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(HttpMetricsMiddleware),
            Middleware(
                CORSMiddleware,
                allow_origins=settings.allowed_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                expose_headers=["X-Request-ID"],
            ),
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
            Middleware(ClientRateLimit, paths=RATE_LIMITED_PATHS),
        ],
    )


def main(argv: list[str] | None = None) -> None:
    """`python server.py` serves; `python -m server create-account NAME` makes an account."""
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", help="serve the API (the default)")
    create = commands.add_parser(
        "create-account", help="create an account and print its first API token on the last line"
    )
    create.add_argument("name", help="the account's name, unique on this server")
    arguments = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(level=settings.log_level, log_format=settings.log_format)
    if arguments.command == "create-account":
        sys.exit(asyncio.run(create_account_command(settings, arguments.name)))
    problems = settings.startup_problems()
    if problems:
        sys.exit("wallet-tracker refuses to start:\n- " + "\n- ".join(problems))
    serve(settings)


async def create_account_command(settings: Settings, name: str) -> int:
    await upgrade_database(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        created = await create_account(create_session_factory(engine), name=name)
    finally:
        await engine.dispose()
    if created.account is None or created.token is None:
        for error in created.errors:
            print(f"error: {error.message}", file=sys.stderr)
        return 1
    print(f"Created account {created.account.name!r}. Its API token, shown only this once:")
    print(created.token.secret)
    return 0


def serve(settings: Settings) -> None:
    """Migrates the database, then serves until Ctrl-C (or SIGTERM) has stopped everything."""
    asyncio.run(upgrade_database(settings.database_url))
    # uvicorn shuts everything down on Ctrl-C, then re-raises the signal: that is a normal exit.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            log_config=None,
        )


if __name__ == "__main__":
    main()
