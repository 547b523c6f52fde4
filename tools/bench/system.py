"""The real parts benchmarks run: the simulator, Redis, databases, workers, a server.

The simulator, the workers and the server each run in their own process, as deployed, so they
do not share a CPU or the GIL with each other or with the benchmark measuring them."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil
from arq import ArqRedis, create_pool
from sqlalchemy import select
from sqlalchemy.engine import make_url

from db.migrate import upgrade_database
from db.models import JobStatus, SyncJob
from db.session import SessionFactory, create_engine, create_session_factory
from tools.processes import ServerProcess, SimulatorProcess
from tools.simulator.ethereum.paths import BLOCKSCOUT_PATH, ETHERSCAN_V2_PATH
from tools.simulator.paths import COINGECKO_PREFIX, SOLANA_PATH
from workers.redis_server import RedisServer

BIG_ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
BIG_COUNT = 156_000
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BLOCKCHAIR_KEY = "bench-key"
START_TIMEOUT_SECONDS = 60.0


class RemoteSimulator:
    """`python -m tools.simulator` in its own process, driven over its admin API."""

    def __init__(self, log_path: Path) -> None:
        self.process = SimulatorProcess(log_path)
        self.blockchair_url = self.process.blockchair_url
        self.esplora_url = self.process.esplora_url
        self.etherscan_url = self.process.base_url + ETHERSCAN_V2_PATH
        self.blockscout_url = self.process.base_url + BLOCKSCOUT_PATH
        self.coingecko_url = self.process.base_url + COINGECKO_PREFIX
        self.solana_url = self.process.base_url + SOLANA_PATH
        self.admin = httpx.Client(base_url=f"{self.process.base_url}/_admin", timeout=600)

    def stop(self) -> None:
        self.admin.close()
        self.process.stop()

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.admin.post(path, json=body)
        response.raise_for_status()
        return response.json()

    def transactions(self, address: str) -> list[dict[str, Any]]:
        """The address's history (generated now if it was not yet)."""
        response = self.admin.get(f"/addresses/{address}/transactions")
        response.raise_for_status()
        history: list[dict[str, Any]] = response.json()
        return history

    def prepare(self, address: str) -> None:
        """Generates the address's history and fills the simulator's caches, before any timing."""
        self.transactions(address)
        response = httpx.get(
            f"{self.blockchair_url}/bitcoin/dashboards/address/{address}",
            params={"limit": 10_000, "transaction_details": "true", "key": BLOCKCHAIR_KEY},
            timeout=600,
        )
        response.raise_for_status()

    def requests(self, provider: str) -> list[dict[str, Any]]:
        """The provider calls received since the last reset: `at` (monotonic), `status`, ..."""
        response = self.admin.get("/requests", params={"provider": provider})
        response.raise_for_status()
        records: list[dict[str, Any]] = response.json()["requests"]
        return records

    def ethereum_history(self, address: str) -> dict[str, Any]:
        """The Ethereum address's `balance_wei` and `transactions` (generated now if they were
        not yet)."""
        response = self.admin.get(f"/ethereum/addresses/{address}/transactions")
        response.raise_for_status()
        history: dict[str, Any] = response.json()
        return history

    def reset_requests(self) -> None:
        self.admin.delete("/requests").raise_for_status()

    def mine_block(self, address: str | None = None, amounts_sat: list[int] | None = None) -> None:
        self._post("/blocks", {"address": address, "amounts_sat": amounts_sat or []})

    def set_rate_limit(self, provider: str, requests: int | None, per_seconds: float = 1.0) -> None:
        self._post(
            "/rate-limit", {"provider": provider, "requests": requests, "per_seconds": per_seconds}
        )

    def mine_solana_slot(self, transfers: list[dict[str, Any]]) -> None:
        """One Solana slot with `transfers` (`{"address", "lamports", ...}` as the admin API
        takes them)."""
        self._post("/solana/slots", {"transfers": transfers})

    def add_addresses(self, count: int, transactions_each: int) -> list[str]:
        body = self._post("/addresses", {"count": count, "transactions_each": transactions_each})
        addresses: list[str] = body["addresses"]
        return addresses

    def add_wallet_history(
        self,
        receive: list[str],
        change: list[str],
        *,
        used_receive: list[int],
        transactions: int,
        mempool: int = 0,
    ) -> dict[str, Any]:
        """A generated HD wallet history on Bitcoin: `txids`, `mempool_txids`, `used_receive`,
        `used_change` (as `ChainAdmin.add_wallet_history`)."""
        history: dict[str, Any] = self._post(
            "/wallets",
            {
                "receive": receive,
                "change": change,
                "used_receive": used_receive,
                "transactions": transactions,
                "mempool": mempool,
            },
        )
        return history

    def pay(
        self,
        from_addresses: list[str],
        to_address: str,
        amount_sat: int,
        change_address: str | None = None,
        *,
        mine: bool,
    ) -> str:
        """One Bitcoin payment from several addresses at once; returns its txid."""
        body = self._post(
            "/payments",
            {
                "from_addresses": from_addresses,
                "to_address": to_address,
                "amount_sat": amount_sat,
                "change_address": change_address,
                "mine": mine,
            },
        )
        txid: str = body["txid"]
        return txid

    def net_amounts(self, addresses: list[str]) -> dict[str, int]:
        """The truth for a set of Bitcoin addresses: txid -> net for the set, newest first."""
        amounts: dict[str, int] = self._post("/net-amounts", {"addresses": addresses})[
            "net_amounts"
        ]
        return amounts


@contextmanager
def server_process(environment: dict[str, str], log_path: Path) -> Iterator[ServerProcess]:
    """The API as deployed at scale: uvicorn serving `server:create_app`, no in-process worker."""
    with ServerProcess(
        {"RUN_WORKER": "false", "LOG_LEVEL": "WARNING", **environment},
        log_path,
        uvicorn_factory="server:create_app",
        uvicorn_options=["--log-level", "warning", "--no-access-log"],
    ) as server:
        server.wait_until_ready(START_TIMEOUT_SECONDS)
        yield server


@contextmanager
def make_run_server(
    environment: dict[str, str], log_path: Path, *, processes: int
) -> Iterator[ServerProcess]:
    """The API as `make run` serves it: `python server.py` with `processes` server processes
    (WEB_CONCURRENCY; the machine's cores is the default) and the in-process worker in the
    first, logging warnings only."""
    with ServerProcess(
        {"LOG_LEVEL": "WARNING", **environment, "WEB_CONCURRENCY": str(processes)}, log_path
    ) as server:
        server.wait_until_ready(START_TIMEOUT_SECONDS)
        yield server


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid` and every process under it, so far."""
    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        with suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def usable_cores() -> int:
    return len(os.sched_getaffinity(0))


@dataclass
class BenchContext:
    """What the benchmarks share in one run of `python -m tools.bench`."""

    runs: int
    workdir: Path
    simulator: RemoteSimulator
    redis_server: RedisServer
    arq_redis: ArqRedis
    sqlite_template: Path
    postgres_url: str | None
    postgres_version: str | None
    # Set by the full-sync benchmark: a SQLite database holding the synced 156k address.
    synced_sqlite_url: str | None = None
    # Figures one benchmark measured that a later one compares with (e.g. the full sync time).
    figures: dict[str, float] = field(default_factory=dict)
    _databases: list[str] = field(default_factory=list)
    _postgres_template: str | None = None

    def path(self, name: str) -> Path:
        return self.workdir / name

    def fresh_sqlite(self, name: str) -> str:
        path = self.path(f"{name}.db")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"

    async def fresh_postgres(self) -> str:
        """A new migrated PostgreSQL database (a copy of a template), dropped at the end."""
        assert self.postgres_url is not None
        if self._postgres_template is None:
            self._postgres_template = await self._create_postgres(None)
            await upgrade_database(self._postgres_url_of(self._postgres_template))
        return self._postgres_url_of(await self._create_postgres(self._postgres_template))

    async def _create_postgres(self, template: str | None) -> str:
        assert self.postgres_url is not None
        name = f"wt_bench_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        await postgres_admin(self.postgres_url, f'CREATE DATABASE "{name}"{copy}')
        self._databases.append(name)
        return name

    def _postgres_url_of(self, name: str) -> str:
        assert self.postgres_url is not None
        return make_url(self.postgres_url).set(database=name).render_as_string(hide_password=False)

    async def drop_databases(self) -> None:
        if self.postgres_url is None:
            return
        # Copies first: the template cannot go while a copy is being made from it.
        for name in reversed(self._databases):
            await postgres_admin(
                self.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            )
        self._databases.clear()

    def worker_environment(self, database_url: str, **extra: str) -> dict[str, str]:
        return {
            "DATABASE_URL": database_url,
            "REDIS_URL": self.redis_server.url,
            "BLOCKCHAIR_URL": self.simulator.blockchair_url,
            "ESPLORA_URL": self.simulator.esplora_url,
            "PRICE_URL": self.simulator.coingecko_url,
            "SOLANA_RPC_URLS": self.simulator.solana_url,
            "SOLANA_RATE_LIMIT": "1000",
            "BLOCKCHAIR_API_KEY": BLOCKCHAIR_KEY,
            "BLOCKCHAIR_RATE_LIMIT": "1000",
            "ESPLORA_RATE_LIMIT": "1000",
            "ETHERSCAN_URL": self.simulator.etherscan_url,
            "ETHERSCAN_API_KEY": BLOCKCHAIR_KEY,
            "ETHERSCAN_RATE_LIMIT": "1000",
            "BLOCKSCOUT_URL": self.simulator.blockscout_url,
            "BLOCKSCOUT_RATE_LIMIT": "1000",
            "LOG_LEVEL": "WARNING",
            **extra,
        }

    def server_environment(self, database_url: str, **extra: str) -> dict[str, str]:
        # One client makes every request here: the per-client limit would refuse most of them.
        return {
            "DATABASE_URL": database_url,
            "REDIS_URL": self.redis_server.url,
            "RATE_LIMIT_PER_MINUTE": "0",
            "VAR_DIR": str(self.path("server-var")),
            **extra,
        }


def asyncpg_dsn(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def postgres_admin(database_url: str, statement: str) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(database_url), timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def postgres_version(database_url: str) -> str | None:
    """The server's version, or None when no PostgreSQL answers at `database_url`."""
    try:
        connection = await asyncpg.connect(asyncpg_dsn(database_url), timeout=5)
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        version: str = await connection.fetchval("SHOW server_version")
        return version.split()[0]
    finally:
        await connection.close()


async def migrated_sqlite_template(path: Path) -> Path:
    await upgrade_database(f"sqlite+aiosqlite:///{path}")
    return path


@asynccontextmanager
async def open_sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    engine = create_engine(database_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def open_arq(redis_server: RedisServer) -> ArqRedis:
    return await create_pool(redis_server.arq_settings)


async def wait_for_jobs(
    sessions: SessionFactory, job_ids: list[int], *, within_seconds: float
) -> list[SyncJob]:
    """The finished jobs; a failed one is an error (a benchmark of a broken sync means nothing)."""
    deadline = time.monotonic() + within_seconds
    while time.monotonic() < deadline:
        async with sessions() as session:
            jobs = list(await session.scalars(select(SyncJob).where(SyncJob.id.in_(job_ids))))
        for job in jobs:
            if job.status is JobStatus.FAILED:
                raise RuntimeError(f"sync job {job.id} failed: {job.error}")
        if len(jobs) == len(job_ids) and all(job.status is JobStatus.SUCCEEDED for job in jobs):
            return sorted(jobs, key=lambda job: job_ids.index(job.id))
        await asyncio.sleep(0.02 if len(job_ids) == 1 else 0.2)
    raise RuntimeError(f"sync jobs {job_ids} did not finish within {within_seconds:.0f}s")


async def wait_for_job(sessions: SessionFactory, job_id: int, *, within_seconds: float) -> SyncJob:
    (job,) = await wait_for_jobs(sessions, [job_id], within_seconds=within_seconds)
    return job


def job_seconds(job: SyncJob) -> float:
    """How long the worker ran the job (its own start and finish times)."""
    assert job.started_at is not None
    assert job.finished_at is not None
    return (job.finished_at - job.started_at).total_seconds()
