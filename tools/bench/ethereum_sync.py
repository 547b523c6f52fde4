"""Ethereum full sync of the 100,000-transaction address (the simulator's LARGE_ADDRESS) by a
worker process from the simulator's Etherscan, against the same rows inserted with plain
executemany, on SQLite."""

from __future__ import annotations

from typing import Any

import httpx

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
    BLOCKCHAIR_KEY,
    BenchContext,
    job_seconds,
    open_sessions,
    wait_for_job,
)
from tools.processes import WorkerProcess
from tools.simulator.ethereum.seeds import LARGE_ADDRESS
from tools.sync_requests import queue_sync

TARGET_RATIO = 2.5
WARM_PAGE_ROWS = 1_000
WARM_PAGES_A_RANGE = 10


def warm_explorer(bench: BenchContext, address: str) -> None:
    """Every `txlist` and `txlistinternal` row of `address` asked for once, before timing: the
    simulator serialises each row once (`rendered_rows`), as a real explorer serves from its
    own index, so the sync's time is the worker's, not the simulator's on the same cores."""
    with httpx.Client(timeout=600) as client:
        for action in ("txlist", "txlistinternal"):
            start = 0
            while True:
                for page in range(1, WARM_PAGES_A_RANGE + 1):
                    rows = _listing(client, bench, action, address, start=start, page=page)
                    if len(rows) < WARM_PAGE_ROWS:
                        break
                else:
                    # A full window: on from the last block read (its rows again, cached).
                    if int(rows[-1]["blockNumber"]) == start:
                        raise RuntimeError(f"block {start} alone fills the result window")
                    start = int(rows[-1]["blockNumber"])
                    continue
                break


def _listing(
    client: httpx.Client, bench: BenchContext, action: str, address: str, *, start: int, page: int
) -> list[dict[str, Any]]:
    response = client.get(
        bench.simulator.etherscan_url,
        params={
            "chainid": "1",
            "module": "account",
            "action": action,
            "address": address,
            "startblock": str(start),
            "page": str(page),
            "offset": str(WARM_PAGE_ROWS),
            "sort": "asc",
            "apikey": BLOCKCHAIR_KEY,
        },
    )
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()["result"]
    return rows


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
    warm_explorer(bench, LARGE_ADDRESS)
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
