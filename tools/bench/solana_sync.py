"""A Solana address synced by a worker process under a simulator limit of 10 requests a second
per method: the getTransaction rate achieved, and how many calls were refused.

SOLANA_BENCH_SIGNATURES (default 10,000) sets the address's signature count: each is one
getTransaction call, so 10,000 take about 18 minutes at this limit. The run is one sync,
whatever BENCH_RUNS says."""

from __future__ import annotations

import hashlib
import os

from db.models import Chain
from tools.bench.report import Row
from tools.bench.system import BenchContext, open_sessions, wait_for_job
from tools.processes import WorkerProcess
from tools.simulator.solana.keys import encode
from tools.sync_requests import queue_sync

DEFAULT_SIGNATURES = 10_000
LIMIT_PER_SECOND = 10
# What the worker is told (SOLANA_RATE_LIMIT, per method): the simulator's limit itself. The
# limiter never puts more than that many calls into a second however late one is delivered
# (workers/rate_limit.py), so no margin is needed.
CONFIGURED_PER_SECOND = str(LIMIT_PER_SECOND)
MIN_RATIO = 0.9
TRANSFERS_PER_SLOT = 500


def signature_count() -> int:
    return int(os.environ.get("SOLANA_BENCH_SIGNATURES", str(DEFAULT_SIGNATURES)))


def new_address(bench: BenchContext, signatures: int) -> str:
    """A fresh address receiving `signatures` transfers."""
    address = encode(hashlib.sha256(f"solana bench {signatures}".encode()).digest())
    for start in range(0, signatures, TRANSFERS_PER_SLOT):
        count = min(TRANSFERS_PER_SLOT, signatures - start)
        bench.simulator.mine_solana_slot(
            [{"address": address, "lamports": 1_000 + start + n} for n in range(count)]
        )
    return address


async def run(bench: BenchContext) -> list[Row]:
    signatures = signature_count()
    address = new_address(bench, signatures)
    bench.simulator.set_rate_limit("solana", LIMIT_PER_SECOND, per_seconds=1.0)
    bench.simulator.reset_requests()
    await bench.arq_redis.flushdb()
    database_url = bench.fresh_sqlite("solana-sync")
    environment = bench.worker_environment(database_url, SOLANA_RATE_LIMIT=CONFIGURED_PER_SECOND)
    try:
        async with open_sessions(database_url) as sessions:
            with WorkerProcess(environment, bench.path("solana-sync-worker.log")):
                job_id = await queue_sync(sessions, bench.arq_redis, address, chain=Chain.SOLANA)
                job = await wait_for_job(sessions, job_id, within_seconds=signatures / 8 + 120)
        calls = bench.simulator.requests("solana")
    finally:
        bench.simulator.set_rate_limit("solana", None)
    if job.error is not None or job.fetched_transactions != signatures:
        raise RuntimeError(f"the Solana sync did not finish whole: {job.error}")
    fetched = sorted(call["at"] for call in calls if call["kind"] == "getTransaction")
    refused = sum(call["status"] == 429 for call in calls)
    rate = (len(fetched) - 1) / (fetched[-1] - fetched[0])
    ratio = rate / LIMIT_PER_SECOND
    return [
        Row(
            f"Solana sync, {signatures:,} signatures, limit {LIMIT_PER_SECOND} req/s per method",
            f"{rate:.2f} getTransaction/s, {refused} refused",
            f"limit {LIMIT_PER_SECOND} req/s",
            ratio,
            f"≥ {MIN_RATIO}× limit, zero 429s",
            ratio >= MIN_RATIO and refused == 0,
        )
    ]
