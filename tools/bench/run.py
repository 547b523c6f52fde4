"""Runs the benchmarks in one process tree and prints one table (`python -m tools.bench`).

BENCH_RUNS (default 3) sets how many runs each median is taken over; BENCH_ONLY (comma-separated
module names, e.g. `full_sync,paging`) runs a subset; BENCH_OUTPUT writes the table and the
machine to a Markdown file too; BENCH_KEEP=1 keeps the working directory (databases, logs)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

from tools.bench import (
    api_throughput,
    balance_history,
    derivation,
    ethereum_sync,
    full_sync,
    hd_sync,
    incremental_sync,
    paging,
    postgres_sync,
    rate_limit,
    solana_sync,
    subscriptions,
    subscriptions_spread,
    webhooks,
)
from tools.bench.report import Row, machine_description, render
from tools.bench.system import (
    DEFAULT_POSTGRES_URL,
    BenchContext,
    RemoteSimulator,
    migrated_sqlite_template,
    open_arq,
    postgres_version,
)
from workers.redis_server import start_redis

Benchmark = Callable[[BenchContext], Awaitable[list[Row]]]

BENCHMARKS: dict[str, Benchmark] = {
    "full_sync": full_sync.run,
    "incremental_sync": incremental_sync.run,
    "paging": paging.run,
    "api_throughput": api_throughput.run,
    "balance_history": balance_history.run,
    "rate_limit": rate_limit.run,
    "solana_sync": solana_sync.run,
    "subscriptions": subscriptions.run,
    "subscriptions_spread": subscriptions_spread.run,
    "postgres_sync": postgres_sync.run,
    "ethereum_sync": ethereum_sync.run,
    "derivation": derivation.run,
    "hd_sync": hd_sync.run,
    "webhooks": webhooks.run,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def run_benchmarks(names: list[str], runs: int, workdir: Path) -> tuple[list[Row], str, bool]:
    """The rows, the machine's description, and whether every benchmark ran to the end."""
    postgres_url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get(
        "TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL
    )
    version = await postgres_version(postgres_url)
    redis_server = await asyncio.to_thread(start_redis, os.environ.get("BENCH_REDIS_URL"), workdir)
    simulator = RemoteSimulator(workdir / "simulator.log")
    arq_redis = await open_arq(redis_server)
    bench = BenchContext(
        runs=runs,
        workdir=workdir,
        simulator=simulator,
        redis_server=redis_server,
        arq_redis=arq_redis,
        sqlite_template=await migrated_sqlite_template(workdir / "template.db"),
        postgres_url=postgres_url if version else None,
        postgres_version=version,
    )
    rows: list[Row] = []
    complete = True
    try:
        for name in names:
            log(f"== {name}")
            started = time.monotonic()
            await arq_redis.flushdb()
            try:
                new_rows = await BENCHMARKS[name](bench)
            except Exception as error:  # noqa: BLE001 - reported in the table, then the next runs
                traceback.print_exc()
                complete = False
                new_rows = [
                    Row(name, f"failed: {type(error).__name__}: {error}", "", None, "", None)
                ]
            for row in new_rows:
                log(f"   {row.what}: {row.measured} (baseline {row.baseline})")
            log(f"   ({time.monotonic() - started:.0f} s)")
            rows.extend(new_rows)
    finally:
        await arq_redis.aclose()
        simulator.stop()
        if bench.postgres_url is not None:
            await bench.drop_databases()
        await asyncio.to_thread(redis_server.stop)
    return rows, machine_description(version), complete


def main() -> None:
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    only = [name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()]
    unknown = sorted(set(only) - set(BENCHMARKS))
    if unknown:
        sys.exit(f"unknown benchmarks {unknown}; choose from {', '.join(BENCHMARKS)}")
    names = only or list(BENCHMARKS)
    workdir = Path(tempfile.mkdtemp(prefix="wallet-tracker-bench-"))
    started = time.monotonic()
    rows, machine, complete = asyncio.run(run_benchmarks(names, runs, workdir))
    table = render(rows)
    summary = f"Medians of {runs} run(s) on {machine}; {time.monotonic() - started:.0f} s in all."
    print()
    print(table)
    print()
    print(summary)
    output = os.environ.get("BENCH_OUTPUT")
    if output:
        Path(output).write_text(f"{table}\n\n{summary}\n")
    if complete and not os.environ.get("BENCH_KEEP"):
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        log(f"logs and databases kept in {workdir}")
    # A missed target is a figure, not a failure; a benchmark that could not run is one.
    sys.exit(0 if complete else 1)
