"""The wallet-tracker server, wired: `create_app` (the ASGI app) and the CLI
(`python server.py` serves everything; `python -m server create-account NAME`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from types import FrameType
from typing import Final

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route, WebSocketRoute
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.errors import EXCEPTION_HANDLERS
from api.exports import export_routes
from api.graphql_view import MAX_OPERATIONS_PER_SOCKET, WalletTrackerGraphQL
from api.health import healthz, readyz
from api.metrics import metrics_page
from api.middleware.body_limit import BodySizeLimit
from api.middleware.client_rate_limit import ClientRateLimit
from api.middleware.http_metrics import HttpMetricsMiddleware
from api.middleware.request_id import RequestIdMiddleware
from api.middleware.trusted_host import TrustedHost
from api.runtime import start_runtime, stop_runtime
from db.migrate import upgrade_database
from db.session import create_engine, create_session_factory
from garbage_collection import release_long_lived_objects, settle_long_lived_objects
from logs import configure_logging
from resolvers.accounts import create_account
from schema import build_schema
from server_processes import (
    listening_sockets,
    port_is_free,
    serve_processes,
    stop_with_parent,
)
from settings import Settings, get_settings
from web.pages import web_routes

logger = logging.getLogger("wallet_tracker")

# What every server process runs on, named rather than left to uvicorn's "auto" (which picks
# whichever is installed): uvloop's event loop and the httptools parser, both pinned in
# pyproject.toml, cost less CPU a request than asyncio's loop and h11; websockets through the
# `websockets` package's sans-I/O protocol, as "auto" chose before. Tests serve with the same.
EVENT_LOOP: Final = "uvloop"
HTTP_PROTOCOL: Final = "httptools"
WEBSOCKET_PROTOCOL: Final = "websockets-sansio"

# Paths whose requests count against each client's rate limit (health and metrics do not).
RATE_LIMITED_PATHS = ("/graphql", "/export", "/import")


def create_app(settings: Settings | None = None, *, process: int | None = None) -> Starlette:
    """The ASGI app; `uvicorn --factory server:create_app` serves it without the CLI below.
    `process`: its number among the processes `python server.py` started, if it started more."""
    settings = settings or get_settings()
    problems = settings.startup_problems()
    if problems:
        raise SystemExit("wallet-tracker refuses to start:\n- " + "\n- ".join(problems))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.runtime = await start_runtime(settings, process=process)
        if settings.gc_tuning:
            settle_long_lived_objects()
        logger.info(
            "wallet-tracker ready: GraphQL at http://%s:%s/graphql", settings.host, settings.port
        )
        try:
            yield
        finally:
            await stop_runtime(app.state.runtime)
            if settings.gc_tuning:
                release_long_lived_objects()

    graphql_app = WalletTrackerGraphQL(
        build_schema(introspection=settings.introspection),
        graphql_ide="graphiql" if settings.graphiql else None,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        # Cross-origin websockets are refused unless their origin is listed.
        allowed_origins=settings.allowed_origins,
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
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(TrustedHost, hosts=settings.trusted_hosts),
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
    serve_command = commands.add_parser("serve", help="serve the API (the default)")
    # How `python server.py` starts its server processes (WEB_CONCURRENCY > 1); not for people.
    serve_command.add_argument("--process", type=int, help=argparse.SUPPRESS)
    serve_command.add_argument("--parent", type=int, help=argparse.SUPPRESS)
    create = commands.add_parser(
        "create-account", help="create an account and print its first API token on the last line"
    )
    create.add_argument("name", help="the account's name, unique on this server")
    arguments = parser.parse_args(argv)
    settings = get_settings()
    process = getattr(arguments, "process", None)
    configure_logging(level=settings.log_level, log_format=settings.log_format, process=process)
    if arguments.command == "create-account":
        sys.exit(asyncio.run(create_account_command(settings, arguments.name)))
    problems = settings.startup_problems()
    if problems:
        sys.exit("wallet-tracker refuses to start:\n- " + "\n- ".join(problems))
    if process is not None:
        serve_one_process(settings, process, parent=arguments.parent)
    else:
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
    """Migrates the database, then serves until Ctrl-C (or SIGTERM) has stopped everything:
    from this process, or from WEB_CONCURRENCY processes it starts and supervises."""
    several = settings.web_concurrency > 1
    if several and not port_is_free(settings.host, settings.port):
        sys.exit(f"{settings.host}:{settings.port} is in use: another server listens there")
    asyncio.run(upgrade_database(settings.database_url))
    if several:
        sys.exit(serve_processes(settings))
    # uvicorn shuts everything down on Ctrl-C, then re-raises the signal: that is a normal exit.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            loop=EVENT_LOOP,
            http=HTTP_PROTOCOL,
            ws=WEBSOCKET_PROTOCOL,
            log_level=settings.log_level.lower(),
            log_config=None,
            ws_per_message_deflate=settings.ws_per_message_deflate,
        )


def serve_one_process(settings: Settings, process: int, *, parent: int | None) -> None:
    """One of the server processes `serve_processes` started: serves on its own SO_REUSEPORT
    sockets (which keep TCP_NODELAY), with the in-process worker in process 0 only."""
    stop_with_parent()
    if parent is not None and os.getppid() != parent:
        return  # the parent died before this process could ask to follow it
    # uvicorn raises the signal that stopped it again once it has shut down; this makes that
    # (and a signal during start-up) a clean exit rather than a death by SIGTERM.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, _exit_cleanly)
    config = uvicorn.Config(
        create_app(settings, process=process),
        loop=EVENT_LOOP,
        http=HTTP_PROTOCOL,
        ws=WEBSOCKET_PROTOCOL,
        log_level=settings.log_level.lower(),
        log_config=None,
        ws_per_message_deflate=settings.ws_per_message_deflate,
    )
    uvicorn.Server(config).run(sockets=listening_sockets(settings.host, settings.port))


def _exit_cleanly(number: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


if __name__ == "__main__":
    main()
