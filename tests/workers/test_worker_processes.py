"""Separate worker processes: the largest address, a worker killed mid-sync, a shared limit."""

from __future__ import annotations

import asyncio
import time

import pytest
from arq import ArqRedis

from db.models import JobStatus, SyncJob
from db.session import SessionFactory
from tests.utils.processes import ProcessRig
from tests.utils.sync_harness import provider_history, queue_sync, stored_history
from tools.processes import WorkerProcess

BIG_ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
BIG_COUNT = 156_000
MEGABYTE = 1024 * 1024


async def wait_for_job(
    sessions: SessionFactory,
    job_id: int,
    *,
    within_seconds: float,
    worker: WorkerProcess | None = None,
) -> SyncJob:
    deadline = time.monotonic() + within_seconds
    while time.monotonic() < deadline:
        async with sessions() as session:
            job = await session.get_one(SyncJob, job_id)
        if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return job
        await asyncio.sleep(0.1)
    log = worker.log_tail() if worker is not None else ""
    raise AssertionError(f"job {job_id} did not finish within {within_seconds}s\n{log}")


# Pages and memory are the worker's; the 156k history on PostgreSQL is checked exactly by the
# killed-worker test below. One backend keeps the suite's time down.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_156k_address_syncs_exactly_in_16_pages_with_flat_memory(
    processes: ProcessRig, sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    simulator = processes.simulator
    expected = provider_history(simulator, BIG_ADDRESS)  # generates the history up front
    assert len(expected) == BIG_COUNT
    environment = processes.environment()
    with processes.worker(environment, "worker") as worker:
        started = time.monotonic()
        job_id = await queue_sync(sessions, arq_redis, BIG_ADDRESS)
        job = await wait_for_job(sessions, job_id, within_seconds=180, worker=worker)
        elapsed = time.monotonic() - started
        peak_rss = worker.peak_rss_bytes()

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert await stored_history(sessions, BIG_ADDRESS) == expected
    page_calls = [
        record for record in simulator.admin.requests("blockchair") if "offset=" in record.query
    ]
    # 16 pages of 10,000 (each after the first re-reads one row to anchor), plus the newest end.
    assert len(page_calls) <= 17, [record.query for record in page_calls]
    assert peak_rss < 300 * MEGABYTE, f"peak RSS {peak_rss / MEGABYTE:.0f} MB"
    print(
        f"156k sync: {elapsed:.1f}s, {len(page_calls)} calls, peak RSS {peak_rss / MEGABYTE:.0f} MB"
    )


async def test_a_worker_killed_mid_sync_is_replaced_and_the_result_is_exact(
    processes: ProcessRig, sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    simulator = processes.simulator
    expected = provider_history(simulator, BIG_ADDRESS)
    # Slow enough to be killed in the middle: about four pages a second.
    environment = processes.environment(BLOCKCHAIR_RATE_LIMIT="4")
    first = processes.worker(environment, "first-worker")
    job_id = await queue_sync(sessions, arq_redis, BIG_ADDRESS)
    deadline = time.monotonic() + 60
    while True:
        async with sessions() as session:
            job = await session.get_one(SyncJob, job_id)
        if job.fetched_transactions >= 40_000:
            break
        assert time.monotonic() < deadline, first.log_tail()
        await asyncio.sleep(0.05)
    first.kill()
    calls_before_kill = simulator.admin.request_count("blockchair")

    with processes.worker(environment, "second-worker") as second:
        job = await wait_for_job(sessions, job_id, within_seconds=120, worker=second)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert await stored_history(sessions, BIG_ADDRESS) == expected
    calls_after_restart = simulator.admin.request_count("blockchair") - calls_before_kill
    # It resumed from its last committed page instead of starting over.
    assert calls_after_restart < 16, calls_after_restart


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.alone
async def test_two_workers_syncing_40_addresses_never_exceed_the_provider_limit(
    processes: ProcessRig, sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    simulator = processes.simulator
    addresses = simulator.admin.add_generated_addresses(40, 30)
    simulator.admin.set_rate_limit("blockchair", 10, per_seconds=1.0)
    # The provider's own limit: two processes on a loaded machine deliver some calls late, and
    # still no second may get an eleventh.
    environment = processes.environment(BLOCKCHAIR_RATE_LIMIT="10")
    with (
        processes.worker(environment, "worker-1"),
        processes.worker(environment, "worker-2") as worker,
    ):
        job_ids = [await queue_sync(sessions, arq_redis, address) for address in addresses]
        jobs = [
            await wait_for_job(sessions, job_id, within_seconds=120, worker=worker)
            for job_id in job_ids
        ]

    assert [job.status for job in jobs] == [JobStatus.SUCCEEDED] * 40
    assert {job.provider for job in jobs} == {"blockchair"}
    blockchair = simulator.admin.requests("blockchair")
    refused = [record for record in blockchair if record.status in (429, 435)]
    assert refused == []
    assert simulator.admin.peak_request_rate("blockchair", window_seconds=1.0) <= 10
    for address in addresses[:5]:
        assert await stored_history(sessions, address) == provider_history(simulator, address)
