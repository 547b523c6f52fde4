"""The periodic jobs: refreshing stale addresses and re-sending abandoned sync jobs."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from db.models import JobStatus, SyncJob, TrackedAddress, Transaction, sort_key_for, utc_now
from tests.utils.sync_harness import SyncHarness, harness_settings
from workers.constants import QUEUE_NAME
from workers.tasks import refresh_tracked_addresses, requeue_stale_jobs

ADDRESS = "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju"
OTHER = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"


def task_context(harness: SyncHarness, **settings: Any) -> dict[str, Any]:
    return {
        "settings": harness_settings(harness.simulator, **settings),
        "sessions": harness.sessions,
        "redis": harness.redis,
    }


async def queued_arq_jobs(harness: SyncHarness) -> int:
    return int(await harness.redis.zcard(QUEUE_NAME))


async def running_job(harness: SyncHarness, *, attempts: int, silent_seconds: int) -> SyncJob:
    """A RUNNING job of OTHER whose worker last reported `silent_seconds` ago."""
    async with harness.sessions.begin() as session:
        job = SyncJob(
            address_id=(await harness.tracked(OTHER)).id,
            status=JobStatus.RUNNING,
            attempts=attempts,
            heartbeat_at=utc_now() - timedelta(seconds=silent_seconds),
            claim_token=secrets.token_hex(16),
        )
        session.add(job)
    return job


async def age_last_sync(harness: SyncHarness, address: str, seconds: int) -> None:
    async with harness.sessions.begin() as session:
        then = utc_now() - timedelta(seconds=seconds)
        await session.execute(
            update(TrackedAddress)
            .where(TrackedAddress.address == address)
            .values(last_synced_at=then)
        )
        await session.execute(update(SyncJob).values(queued_at=then))


async def test_addresses_synced_longer_ago_than_the_interval_are_queued_once(
    harness: SyncHarness,
) -> None:
    await harness.sync(ADDRESS)
    await harness.sync(OTHER)
    context = task_context(harness, refresh_interval=600)
    assert await refresh_tracked_addresses(context) == 0

    await age_last_sync(harness, ADDRESS, 601)
    queued_before = await queued_arq_jobs(harness)

    assert await refresh_tracked_addresses(context) == 1
    assert await refresh_tracked_addresses(context) == 0, "its job is queued now"
    async with harness.sessions() as session:
        queued = await session.scalars(select(SyncJob).where(SyncJob.status == JobStatus.QUEUED))
        [job] = list(queued)
    assert job.requested_by_account_id is None
    assert await queued_arq_jobs(harness) == queued_before + 1


async def test_a_running_job_without_heartbeat_is_sent_again_and_resumed(
    harness: SyncHarness,
) -> None:
    await harness.sync(OTHER)
    job = await running_job(harness, attempts=1, silent_seconds=300)
    context = task_context(harness, stale_job_timeout=120)
    await harness.redis.delete(QUEUE_NAME)

    assert await requeue_stale_jobs(context) == 1
    assert await queued_arq_jobs(harness) == 1

    await harness.engine.run_job(job.id)
    async with harness.sessions() as session:
        finished = await session.get_one(SyncJob, job.id)
    assert finished.status is JobStatus.SUCCEEDED
    assert finished.attempts == 2
    assert await harness.stored_history(OTHER) == harness.provider_history(OTHER)


async def test_a_live_job_is_not_taken_over(harness: SyncHarness) -> None:
    await harness.sync(OTHER)
    job = await running_job(harness, attempts=1, silent_seconds=0)

    assert await requeue_stale_jobs(task_context(harness, stale_job_timeout=120)) == 0
    await harness.engine.run_job(job.id)
    async with harness.sessions() as session:
        untouched = await session.get_one(SyncJob, job.id)
    assert untouched.status is JobStatus.RUNNING
    assert untouched.attempts == 1


async def test_a_stored_history_that_disagrees_is_repaired_by_one_full_resync(
    harness: SyncHarness,
) -> None:
    await harness.sync(ADDRESS)
    tracked = await harness.tracked(ADDRESS)
    # A row the provider never had, deep in history where incremental syncs do not look.
    async with harness.sessions.begin() as session:
        session.add(
            Transaction(
                address_id=tracked.id,
                txid="00" * 32,
                block_height=1,
                sort_key=sort_key_for(1),
                amount_sat=123,
            )
        )
    harness.simulator.admin.reset_counters()

    job = await harness.sync(ADDRESS)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert await harness.stored_history(ADDRESS) == harness.provider_history(ADDRESS)
    async with harness.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Transaction).where(Transaction.txid == "00" * 32)
        )
    assert count == 0
    # The cheap incremental look, then the full re-sync it triggered (its one page holds the
    # whole history and its summary: one snapshot, no second look at the newest end).
    assert harness.simulator.admin.request_count("blockchair") == 2


async def test_a_job_whose_runs_keep_dying_fails_instead_of_looping(harness: SyncHarness) -> None:
    await harness.sync(OTHER)
    job = await running_job(harness, attempts=5, silent_seconds=300)

    await harness.engine.run_job(job.id)

    async with harness.sessions() as session:
        given_up = await session.get_one(SyncJob, job.id)
    assert given_up.status is JobStatus.FAILED
    assert given_up.error == "gave up after 5 runs that stopped without finishing"
    tracked = await harness.tracked(OTHER)
    assert tracked.last_sync_error == given_up.error
    assert await harness.stored_history(OTHER) == harness.provider_history(OTHER)
