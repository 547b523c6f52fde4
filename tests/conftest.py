"""Fixtures on real parts: a Redis server, SQLite and PostgreSQL databases, a running app."""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import redis
import uvicorn
from arq import ArqRedis, create_pool
from sqlalchemy.engine import make_url

from db.migrate import upgrade_database
from db.session import SessionFactory, create_engine, create_session_factory
from server import EVENT_LOOP, HTTP_PROTOCOL, WEBSOCKET_PROTOCOL, create_app
from settings import Settings
from tests.utils.graphql import GraphQLClient
from tests.utils.processes import ProcessRig
from tools.simulator.serve import PromptServer
from tools.simulator.testing import RunningSimulator
from workers.redis_server import RedisServer, start_redis

TEST_POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


# The longest tests (10-55 s each: separate processes, the 156k address, killed workers) run
# first: a parallel run that met one of them last would end with one process still busy on it
# while the others had nothing left to do. The rest keep their order.
LONGEST_FIRST = (
    "tests/stories/test_multi_process.py::",
    "tests/tools/test_demo.py::",
    "tests/workers/test_worker_processes.py::",
    "tests/workers/test_sync.py::test_a_stopped_worker_hands_its_job_back_resumable",
    "tests/schema/test_subscriptions.py::test_stopping_the_server_closes_open_subscriptions",
    "tests/schema/test_subscriptions.py::test_every_progress_event_of_the_156k_sync",
    "tests/workers/test_solana_sync.py::test_thousands_of_signatures",
    "tests/test_server_processes.py::",
    "tests/workers/test_worker.py::test_a_server_stopped_mid_sync",
    "tests/workers/test_first_sync_pages.py::",
    "tests/workers/webhooks/test_killed_worker.py::",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """TEST_REDIS_URL when set, else the embedded redis-server every user gets."""
    server = start_redis(os.environ.get("TEST_REDIS_URL"), tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    asyncio.run(upgrade_database(f"sqlite+aiosqlite:///{path}"))
    return path


def _asyncpg_dsn(database_url: str, database: str | None = None) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(TEST_POSTGRES_URL), timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database; each test gets a copy (CREATE DATABASE ... TEMPLATE)."""
    try:
        asyncio.run(_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL is not reachable at {TEST_POSTGRES_URL} ({error})."
        if os.environ.get("CI"):
            pytest.fail(message + " CI must run the PostgreSQL tests.", pytrace=False)
        pytest.skip(message + " Set TEST_POSTGRES_URL to run the PostgreSQL half of the suite.")
    name = f"wt_template_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    asyncio.run(
        upgrade_database(
            make_url(TEST_POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        )
    )
    yield name
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class PostgresDatabases:
    """Fresh copies of the migrated template for one test process's tests. CREATE and DROP
    DATABASE take about a second each here (they write and sync the copy): one background
    thread keeps the next copies made while tests run, another drops each used copy after its
    test, so no test waits for either. Each test still gets a database nobody else touched."""

    AHEAD = 2

    def __init__(self, template: str) -> None:
        self._template = template
        self._wanted: queue.Queue[bool] = queue.Queue()
        self._ready: queue.Queue[str | Exception] = queue.Queue()
        self._used: queue.Queue[str | None] = queue.Queue()
        self._failed_drops: list[str] = []
        self._threads = [
            threading.Thread(target=self._make, name="postgres-copies", daemon=True),
            threading.Thread(target=self._drop, name="postgres-drops", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        for _ in range(self.AHEAD):
            self._wanted.put(True)

    def _make(self) -> None:
        while self._wanted.get():
            name = f"wt_test_{uuid.uuid4().hex[:12]}"
            try:
                asyncio.run(_admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"'))
            except (OSError, asyncpg.PostgresError) as error:  # the waiting test reports it
                self._ready.put(error)
            else:
                self._ready.put(name)

    def _drop(self) -> None:
        while (name := self._used.get()) is not None:
            try:
                asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except (OSError, asyncpg.PostgresError) as error:  # reported when the session ends
                self._failed_drops.append(f"{name}: {error!r}")

    def take(self) -> str:
        """A fresh database's name (waits for its copy if it is not ready yet)."""
        made = self._ready.get(timeout=120)
        self._wanted.put(True)
        if isinstance(made, Exception):
            raise made
        return made

    def release(self, name: str) -> None:
        self._used.put(name)

    def close(self) -> None:
        """Waits for the copies under way and every pending drop, then drops the unused."""
        self._wanted.put(False)
        self._threads[0].join()
        while not self._ready.empty():
            made = self._ready.get()
            if isinstance(made, str):
                self._used.put(made)
        self._used.put(None)
        self._threads[1].join()
        assert self._failed_drops == [], "test databases that could not be dropped"


@pytest.fixture(scope="session")
def postgres_databases(postgres_template: str) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_template)
    yield databases
    databases.close()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "wallet-tracker.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    name = databases.take()
    yield make_url(TEST_POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    databases.release(name)


class LiveServer:
    """The real app under uvicorn on a free loopback port, in a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that name it.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        port = self._socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        # The app itself, for tests that look at the server process's state (`app.state`).
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app,
            loop=EVENT_LOOP,
            http=HTTP_PROTOCOL,
            ws=WEBSOCKET_PROTOCOL,
            log_level="warning",
            lifespan="on",
        )
        self._server = PromptServer(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the wallet-tracker test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.exit()
        # A loaded machine can take a while to end the in-process worker's job; a server left
        # running would leave its connections to be collected (and reported) in a later test.
        self._thread.join(timeout=60)
        self._socket.close()


# Nothing listens on the discard port: a provider call that escapes the simulator fails at once.
UNREACHABLE_PROVIDER_URL = "http://127.0.0.1:9"


def make_settings(
    database_url: str, redis_server: RedisServer, var_dir: Path, **overrides: Any
) -> Settings:
    """Test settings: real database and Redis, no worker and no provider unless asked for."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": redis_server.url,
        "host": "127.0.0.1",
        "port": 0,
        "var_dir": var_dir,
        "run_worker": False,
        "blockchair_url": UNREACHABLE_PROVIDER_URL,
        "esplora_url": UNREACHABLE_PROVIDER_URL,
        "price_url": UNREACHABLE_PROVIDER_URL,
        "litecoin_esplora_url": UNREACHABLE_PROVIDER_URL,
        "etherscan_url": UNREACHABLE_PROVIDER_URL,
        "blockscout_url": UNREACHABLE_PROVIDER_URL,
        "solana_rpc_urls": UNREACHABLE_PROVIDER_URL,
        # The servers run in the test process: freezing would walk pytest's whole heap (a full
        # collection of 0.4-1.5 s at each start). Server and worker processes keep it on.
        "gc_tuning": False,
        **overrides,
    }
    return Settings(**values)


StartServer = Callable[..., LiveServer]


@contextmanager
def started_servers(settings: Callable[..., Settings], tmp_path: Path) -> Iterator[StartServer]:
    """Starts servers with settings(var_dir, **overrides), each its own var_dir below tmp_path;
    stops them all on leaving."""
    started: list[LiveServer] = []

    def start(**overrides: Any) -> LiveServer:
        server = LiveServer(settings(tmp_path / f"var{len(started) or ''}", **overrides))
        server.start()
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def start_live_server(
    database_url: str, redis_server: RedisServer, tmp_path: Path
) -> Iterator[StartServer]:
    """Starts servers on the test's database, make_settings(**overrides); stopped after the test."""
    with started_servers(partial(make_settings, database_url, redis_server), tmp_path) as start:
        yield start


@pytest.fixture
def live_server(start_live_server: StartServer) -> LiveServer:
    return start_live_server()


@pytest.fixture
def graphql(live_server: LiveServer) -> Iterator[GraphQLClient]:
    with GraphQLClient(live_server.base_url) as client:
        yield client


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    """Sessions on a fresh database, for tests of resolvers without a server."""
    engine = create_engine(database_url)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def arq_redis(redis_server: RedisServer) -> AsyncIterator[ArqRedis]:
    """A connection to the test Redis, as the server and workers open it."""
    redis = await create_pool(redis_server.arq_settings)
    yield redis
    await redis.aclose()


@pytest.fixture(autouse=True)
def _empty_redis(redis_server: RedisServer) -> Iterator[None]:
    """Each test starts with an empty Redis: no queued jobs, open circuits or limiter slots."""
    yield
    with redis.Redis.from_url(redis_server.url) as client:
        client.flushall()


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    """A fresh provider simulator (Blockchair and Esplora) on a loopback port."""
    with RunningSimulator() as running:
        yield running


@pytest.fixture
def processes(
    database_url: str, redis_server: RedisServer, simulator: RunningSimulator, tmp_path: Path
) -> ProcessRig:
    """Worker and server processes on the test's database, Redis and simulator."""
    return ProcessRig(database_url, redis_server, simulator, log_dir=tmp_path)


def syncing_settings(
    database_url: str,
    redis_server: RedisServer,
    simulator: RunningSimulator,
    var_dir: Path,
    **overrides: Any,
) -> Settings:
    """A server that runs its worker against the simulator (with a Blockchair key)."""
    values: dict[str, Any] = {
        "run_worker": True,
        "blockchair_url": simulator.blockchair_url,
        "esplora_url": simulator.esplora_url,
        "litecoin_esplora_url": simulator.litecoin_esplora_url,
        "etherscan_url": simulator.etherscan_url,
        "blockscout_url": simulator.blockscout_url,
        "etherscan_api_key": "test-key",
        "solana_rpc_urls": simulator.solana_url,
        "solana_rate_limit": 1000.0,
        "blockchair_api_key": "test-key",
        "blockchair_rate_limit": 1000.0,
        **overrides,
    }
    return make_settings(database_url, redis_server, var_dir, **values)


@pytest.fixture
def syncing_server(
    database_url: str, redis_server: RedisServer, simulator: RunningSimulator, tmp_path: Path
) -> Iterator[LiveServer]:
    server = LiveServer(syncing_settings(database_url, redis_server, simulator, tmp_path))
    server.start()
    yield server
    server.stop()
