"""Ethereum full sync of the 100,000-transaction address (the simulator's LARGE_ADDRESS) by a
worker process from the simulator's Etherscan, against the same rows inserted with plain
executemany, on SQLite."""

from __future__ import annotations

from typing import Any

from db.models import Chain
from tools.bench.full_sync import (
    SYNC_TIMEOUT_SECONDS,
    TRANSACTION_COLUMNS,
    SyncRun,
    executemany_baseline,
    stored_rows,
)
from tools.bench.report import Row, median, megabytes, seconds
from tools.bench.system import (
    BenchContext,
    job_seconds,
    open_sessions,
    wait_for_job,
)
from tools.processes import WorkerProcess
from tools.simulator.ethereum.seeds import LARGE_ADDRESS
from tools.sync_requests import queue_sync

TARGET_RATIO = 2.5


async def sync_in_worker(bench: BenchContext, database_url: str, name: str) -> SyncRun:
    """A fresh worker process syncs LARGE_ADDRESS into `database_url`; the job's own timing."""
    bench.simulator.reset_requests()
    await bench.arq_redis.flushdb()
    environment = bench.worker_environment(database_url)
    async with open_sessions(database_url) as sessions:
        with WorkerProcess(environment, bench.path(f"{name}.log")) as worker:
            job_id = await queue_sync(
                sessions, bench.arq_redis, LARGE_ADDRESS, chain=Chain.ETHEREUM
            )
            job = await wait_for_job(sessions, job_id, within_seconds=SYNC_TIMEOUT_SECONDS)
            peak_rss = worker.peak_rss_bytes()
    calls = len(bench.simulator.requests("etherscan"))
    return SyncRun(database_url, job_seconds(job), calls, peak_rss)


def check_synced(database_url: str, history: dict[str, Any]) -> None:
    """The synced rows are the simulator's balance changes, to the wei."""
    _, _, rows = stored_rows(database_url)
    txid, amount = TRANSACTION_COLUMNS.index("txid"), TRANSACTION_COLUMNS.index("amount_sat")
    stored = sorted((row[txid], int(row[amount])) for row in rows)
    expected = sorted(
        (
            entry["hash"]
            if entry["hash"] is not None
            else f"withdrawal:{entry['withdrawal_index']}",
            int(entry["amount_wei"]),
        )
        for entry in history["transactions"]
    )
    assert stored == expected, "the synced history differs from the simulator's"


async def run(bench: BenchContext) -> list[Row]:
    # Generates the 100,000-transaction history before any timing.
    history = bench.simulator.ethereum_history(LARGE_ADDRESS)
    # One untimed sync first: the simulator renders every row once and keeps each page's
    # answer (`ListingAnswers`), as a real explorer serves from its own caches on its own
    # machines, so the timed syncs' time is the worker's, not the simulator's on the same
    # two cores.
    await sync_in_worker(bench, bench.fresh_sqlite("ethereum-warm"), "ethereum-warm")
    expected = len(history["transactions"])
    syncs: list[SyncRun] = []
    baselines: list[float] = []
    for number in range(bench.runs):
        database_url = bench.fresh_sqlite(f"ethereum-sync-{number}")
        syncs.append(await sync_in_worker(bench, database_url, f"ethereum-sync-{number}"))
        check_synced(database_url, history)
        baselines.append(
            executemany_baseline(
                bench, database_url, f"ethereum-executemany-{number}", expected=expected
            )
        )
    sync_seconds = median([run.seconds for run in syncs])
    baseline_seconds = median(baselines)
    calls = median([run.provider_calls for run in syncs])
    peak_rss = max(run.peak_rss_bytes for run in syncs)
    ratio = sync_seconds / baseline_seconds
    return [
        Row(
            f"Ethereum full sync, {expected // 1000}k txs (SQLite)",
            f"{seconds(sync_seconds)}, {calls:.0f} calls, peak RSS {megabytes(peak_rss)}",
            f"executemany {seconds(baseline_seconds)}",
            ratio,
            f"≤ {TARGET_RATIO}× baseline",
            ratio <= TARGET_RATIO,
        )
    ]
