"""Asking for a sync: one queued or running job per address, recorded in SQL, sent over arq."""

from __future__ import annotations

import logging
from datetime import datetime

from arq import ArqRedis
from redis.exceptions import RedisError
from sqlalchemy import and_, exists, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ACTIVE_JOB_PREDICATE,
    ACTIVE_JOB_STATUSES,
    JobStatus,
    SyncJob,
    TrackedAddress,
    Wallet,
)
from db.session import SessionFactory
from db.upsert import dialect_insert
from workers.constants import QUEUE_NAME, SYNC_TASK, sync_arq_job_id

logger = logging.getLogger(__name__)


async def request_sync(
    sessions: SessionFactory,
    redis: ArqRedis,
    *,
    address_id: int,
    requested_by_account_id: int | None,
) -> SyncJob:
    """The address's queued or running job, or a new queued one; enqueued for the workers."""
    async with sessions.begin() as session:
        job = await record_sync_job(
            session, address_id=address_id, requested_by_account_id=requested_by_account_id
        )
    await send_job(redis, job)
    return job


async def record_sync_job(
    session: AsyncSession, *, address_id: int, requested_by_account_id: int | None
) -> SyncJob:
    """Inside the caller's transaction: the address's active job, inserted as QUEUED if it has
    none. Send it with `send_job` once the transaction has committed."""
    insert = dialect_insert(session, SyncJob)
    await session.execute(
        insert.values(
            address_id=address_id,
            requested_by_account_id=requested_by_account_id,
            status=JobStatus.QUEUED,
        ).on_conflict_do_nothing(
            index_elements=["address_id"],
            index_where=text(ACTIVE_JOB_PREDICATE),
        )
    )
    job = await session.scalar(
        select(SyncJob).where(
            SyncJob.address_id == address_id, SyncJob.status.in_(ACTIVE_JOB_STATUSES)
        )
    )
    assert job is not None, "an active job exists after the insert"
    return job


async def send_job(redis: ArqRedis, job: SyncJob) -> None:
    """Hands a committed QUEUED job to the workers; a job already running needs nothing."""
    if job.status is not JobStatus.QUEUED:
        return
    # arq ignores a second enqueue of a job id it still holds, so this is safe to repeat.
    try:
        await enqueue(redis, job.id)
    except (RedisError, OSError):
        # The job is safe in SQL as QUEUED; the periodic stale-job check sends it again.
        logger.exception("could not enqueue sync job %s; it will be re-sent", job.id)


async def enqueue(redis: ArqRedis, job_id: int, *, run: int = 0) -> None:
    await redis.enqueue_job(
        SYNC_TASK, job_id, _job_id=sync_arq_job_id(job_id, run), _queue_name=QUEUE_NAME
    )


async def addresses_due_for_refresh(
    sessions: SessionFactory, *, synced_before: datetime, limit: int
) -> list[int]:
    """Tracked addresses not synced, nor tried, since `synced_before`, oldest first."""
    tried_recently = exists().where(
        SyncJob.address_id == TrackedAddress.id,
        or_(SyncJob.status.in_(ACTIVE_JOB_STATUSES), SyncJob.queued_at >= synced_before),
    )
    watched = exists().where(Wallet.address_id == TrackedAddress.id)
    async with sessions() as session:
        rows = await session.scalars(
            select(TrackedAddress.id)
            .where(
                watched,
                ~tried_recently,
                or_(
                    TrackedAddress.last_synced_at.is_(None),
                    TrackedAddress.last_synced_at < synced_before,
                ),
            )
            .order_by(TrackedAddress.last_synced_at.asc().nulls_first(), TrackedAddress.id)
            .limit(limit)
        )
        return list(rows)


async def stale_jobs(sessions: SessionFactory, *, silent_since: datetime) -> list[SyncJob]:
    """Running jobs whose worker went silent, and queued ones that waited that long."""
    async with sessions() as session:
        rows = await session.scalars(
            select(SyncJob).where(
                or_(
                    and_(
                        SyncJob.status == JobStatus.RUNNING,
                        or_(SyncJob.heartbeat_at.is_(None), SyncJob.heartbeat_at < silent_since),
                    ),
                    and_(SyncJob.status == JobStatus.QUEUED, SyncJob.queued_at < silent_since),
                )
            )
        )
        return list(rows)
