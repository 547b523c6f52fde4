"""A sync job's claim on its row: taken by one run, renewed with every write it makes (so a
run presumed dead cannot write over the one that took over), handed back or ended."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Chain,
    HdWallet,
    JobStatus,
    SyncJob,
    SyncStatus,
    TrackedAddress,
    utc_now,
)
from db.session import SessionFactory
from workers.errors import LostClaimError
from workers.queue import record_sync_job
from workers.webhooks import outbox


@dataclass(frozen=True)
class ClaimedJob:
    job_id: int
    claim_token: str
    address_id: int
    chain: Chain
    address: str
    previously_synced: bool
    resume_cursor: str | None
    attempts: int
    row: SyncJob
    """The job as this claim left it (RUNNING), for publishing."""
    is_hd_wallet: bool = False
    """The address stands for a whole HD wallet (`HdWallet`): its sync scans the wallet."""


async def claim_job(
    sessions: SessionFactory, *, job_id: int, claim_token: str, stale_after: timedelta
) -> ClaimedJob | None:
    """Marks the job RUNNING for this run, if it is queued or its last run went silent."""
    now = utc_now()
    async with sessions.begin() as session:
        claimed = await session.execute(
            update(SyncJob)
            .where(
                SyncJob.id == job_id,
                or_(
                    SyncJob.status == JobStatus.QUEUED,
                    and_(
                        SyncJob.status == JobStatus.RUNNING,
                        or_(
                            SyncJob.heartbeat_at.is_(None), SyncJob.heartbeat_at < now - stale_after
                        ),
                    ),
                ),
            )
            .values(
                status=JobStatus.RUNNING,
                claim_token=claim_token,
                heartbeat_at=now,
                started_at=func.coalesce(SyncJob.started_at, now),
                attempts=SyncJob.attempts + 1,
                error=None,
            )
            .returning(SyncJob)
        )
        row = claimed.scalar_one_or_none()
        if row is None:
            return None
        address_id, attempts = row.address_id, row.attempts
        tracked = await session.get_one(TrackedAddress, address_id)
        tracked.sync_status = SyncStatus.SYNCING
        return ClaimedJob(
            job_id=job_id,
            claim_token=claim_token,
            address_id=address_id,
            chain=tracked.chain,
            address=tracked.address,
            previously_synced=tracked.last_synced_at is not None,
            resume_cursor=tracked.sync_resume_cursor,
            attempts=attempts,
            row=row,
            is_hd_wallet=await session.get(HdWallet, address_id) is not None,
        )


async def hold_address(
    sessions: SessionFactory, *, address_id: int, stale_after: timedelta
) -> ClaimedJob | None:
    """Claims the address's active job for this run, queueing one if it has none: a sync of
    an address within another job (an HD wallet's) that no other run may sync meanwhile.
    None when another run holds the address's job."""
    async with sessions.begin() as session:
        job = await record_sync_job(session, address_id=address_id, requested_by_account_id=None)
    return await claim_job(
        sessions, job_id=job.id, claim_token=secrets.token_hex(16), stale_after=stale_after
    )


async def renew_claim(session: AsyncSession, job: ClaimedJob, **changes: object) -> SyncJob:
    """Renews the heartbeat with `changes`, if this run still holds the job; the updated row."""
    values = {"heartbeat_at": utc_now(), **{k: v for k, v in changes.items() if v is not None}}
    renewed = await session.execute(
        update(SyncJob)
        .where(SyncJob.id == job.job_id, SyncJob.claim_token == job.claim_token)
        .values(**values)
        .returning(SyncJob)
        .execution_options(populate_existing=True)
    )
    row = renewed.scalar_one_or_none()
    if row is None:
        raise LostClaimError(f"sync job {job.job_id} was claimed by another run")
    return row


async def release_claim(sessions: SessionFactory, job: ClaimedJob) -> SyncJob | None:
    """Hands a stopped run's job back to the queue; its resume point stays on the address."""
    async with sessions.begin() as session:
        released = await session.execute(
            update(SyncJob)
            .where(SyncJob.id == job.job_id, SyncJob.claim_token == job.claim_token)
            .values(status=JobStatus.QUEUED, claim_token=None, heartbeat_at=None)
            .returning(SyncJob)
        )
        return released.scalar_one_or_none()


async def finish_failure(sessions: SessionFactory, job: ClaimedJob, *, error: str) -> SyncJob:
    """The job failed: the address keeps the data of earlier syncs and says why this one failed."""
    now = utc_now()
    async with sessions.begin() as session:
        row = await renew_claim(session, job, status=JobStatus.FAILED, finished_at=now, error=error)
        row.claim_token = None
        await session.execute(
            update(TrackedAddress)
            .where(TrackedAddress.id == job.address_id)
            .values(sync_status=SyncStatus.ERROR, last_sync_error=error)
        )
        await outbox.record_sync_failed(
            session, address_id=job.address_id, job_id=job.job_id, error=error, failed_at=now
        )
    return row
