"""Full sync of the 156,000-transaction address by a worker process, against plain executemany."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url

from tools.bench.report import Row, median, megabytes, seconds
from tools.bench.system import (
    BIG_ADDRESS,
    BIG_COUNT,
    BenchContext,
    job_seconds,
    open_sessions,
    wait_for_job,
)
from tools.processes import WorkerProcess
from tools.sync_requests import queue_sync
from workers.transaction_history import PAGE_COLUMNS

SMALL_COUNT = 15_000
MAX_RSS_BYTES = 200 * 2**20
# "No growth": the 156k sync may use at most this much more memory than the 15k one.
RSS_GROWTH_TOLERANCE = 1.10
SYNC_TIMEOUT_SECONDS = 600
# The columns every page write fills. A first sync also writes balance_after_sat with its
# rows; the baselines leave it out, as they always have, so ratios compare across versions.
TRANSACTION_COLUMNS = PAGE_COLUMNS


@dataclass(frozen=True)
class SyncRun:
    database_url: str
    seconds: float
    provider_calls: int
    peak_rss_bytes: int


async def sync_in_worker(
    bench: BenchContext, address: str, database_url: str, name: str
) -> SyncRun:
    """A fresh worker process syncs `address` into `database_url`; the job's own timing."""
    bench.simulator.reset_requests()
    # A fresh database numbers its jobs from 1 again: no arq state of earlier runs may remain.
    await bench.arq_redis.flushdb()
    environment = bench.worker_environment(database_url)
    async with open_sessions(database_url) as sessions:
        with WorkerProcess(environment, bench.path(f"{name}.log")) as worker:
            job_id = await queue_sync(sessions, bench.arq_redis, address)
            job = await wait_for_job(sessions, job_id, within_seconds=SYNC_TIMEOUT_SECONDS)
            peak_rss = worker.peak_rss_bytes()
    calls = len(bench.simulator.requests("blockchair")) + len(bench.simulator.requests("esplora"))
    return SyncRun(database_url, job_seconds(job), calls, peak_rss)


def _sqlite_path(database_url: str) -> str:
    path = make_url(database_url).database
    assert path is not None
    return path


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    # The pragmas the application sets on every connection (db/session.py).
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def stored_rows(database_url: str) -> tuple[tuple[Any, ...], list[str], list[tuple[Any, ...]]]:
    """The synced address row, its column names, and the synced transaction rows."""
    source = _connect(_sqlite_path(database_url))
    try:
        cursor = source.execute("SELECT * FROM addresses")
        address_row = cursor.fetchone()
        address_columns = [column[0] for column in cursor.description]
        rows = source.execute(
            f"SELECT {', '.join(TRANSACTION_COLUMNS)} FROM transactions"
        ).fetchall()
    finally:
        source.close()
    return address_row, address_columns, rows


def executemany_baseline(
    bench: BenchContext, synced_url: str, name: str, *, expected: int = BIG_COUNT
) -> float:
    """The synced rows inserted into a fresh copy of the schema with plain sqlite3."""
    address_row, address_columns, rows = stored_rows(synced_url)
    assert len(rows) == expected, (len(rows), expected)
    target = _connect(_sqlite_path(bench.fresh_sqlite(name)))
    target.execute(
        f"INSERT INTO addresses ({', '.join(address_columns)}) "
        f"VALUES ({', '.join('?' for _ in address_columns)})",
        address_row,
    )
    insert = (
        f"INSERT INTO transactions ({', '.join(TRANSACTION_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in TRANSACTION_COLUMNS)})"
    )
    started = time.perf_counter()
    target.execute("BEGIN")
    target.executemany(insert, rows)
    target.execute("COMMIT")
    elapsed = time.perf_counter() - started
    target.close()
    return elapsed


async def run(bench: BenchContext) -> list[Row]:
    bench.simulator.prepare(BIG_ADDRESS)
    syncs: list[SyncRun] = []
    baselines: list[float] = []
    for number in range(bench.runs):
        database_url = bench.fresh_sqlite(f"full-sync-{number}")
        syncs.append(await sync_in_worker(bench, BIG_ADDRESS, database_url, f"full-sync-{number}"))
        baselines.append(executemany_baseline(bench, database_url, f"executemany-{number}"))
    bench.synced_sqlite_url = syncs[-1].database_url
    bench.figures["full_sync_seconds"] = median([run.seconds for run in syncs])

    (small_address,) = bench.simulator.add_addresses(1, SMALL_COUNT)
    bench.simulator.prepare(small_address)
    small = await sync_in_worker(
        bench, small_address, bench.fresh_sqlite("full-sync-15k"), "full-sync-15k"
    )

    sync_seconds = median([run.seconds for run in syncs])
    baseline_seconds = median(baselines)
    calls = median([run.provider_calls for run in syncs])
    peak_rss = max(run.peak_rss_bytes for run in syncs)
    ratio = sync_seconds / baseline_seconds
    return [
        Row(
            "full sync, 156k txs (SQLite)",
            f"{seconds(sync_seconds)}, {calls:.0f} calls",
            f"executemany {seconds(baseline_seconds)}",
            ratio,
            "≤ 2.0× baseline",
            ratio <= 2.0,
        ),
        Row(
            "worker peak RSS, 15k → 156k txs",
            f"{megabytes(small.peak_rss_bytes)} → {megabytes(peak_rss)}",
            f"limit {megabytes(MAX_RSS_BYTES)}",
            peak_rss / MAX_RSS_BYTES,
            f"≤ 200 MB, growth ≤ {RSS_GROWTH_TOLERANCE - 1:.0%}",
            peak_rss <= MAX_RSS_BYTES and peak_rss <= small.peak_rss_bytes * RSS_GROWTH_TOLERANCE,
        ),
    ]


async def synced_database(bench: BenchContext) -> str:
    """A SQLite database with the 156k address synced (the full-sync benchmark's, or a new one)."""
    if bench.synced_sqlite_url is None:
        bench.simulator.prepare(BIG_ADDRESS)
        database_url = bench.fresh_sqlite("synced")
        synced = await sync_in_worker(bench, BIG_ADDRESS, database_url, "synced")
        bench.figures.setdefault("full_sync_seconds", synced.seconds)
        bench.synced_sqlite_url = database_url
    return bench.synced_sqlite_url
