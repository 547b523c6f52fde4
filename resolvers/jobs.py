"""Reads of sync jobs, limited to what the viewer may see."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from arq import ArqRedis
from sqlalchemy import exists, or_, select

from db.models import Chain, SyncJob, Wallet
from db.session import SessionFactory
from resolvers.errors import ErrorCode, InputError
from resolvers.viewer import Viewer
from resolvers.wallets import find_wallet
from workers.constants import sync_requests_key
from workers.queue import request_sync


@dataclass
class SyncResult:
    job: SyncJob | None = None
    errors: list[InputError] = field(default_factory=list)


async def sync_wallet(
    sessions: SessionFactory,
    redis: ArqRedis,
    *,
    viewer: Viewer,
    chain: Chain | None,
    address: str,
    requests_per_minute: int,
) -> SyncResult:
    """The wallet's active sync job, or a new one: never two at once for an address."""
    view, error = await find_wallet(sessions, viewer=viewer, chain=chain, address=address)
    if view is None:
        return SyncResult(errors=[error] if error is not None else [])
    wait_seconds = await _over_sync_limit(redis, viewer, requests_per_minute)
    if wait_seconds is not None:
        message = (
            f"You asked for more than {requests_per_minute} syncs this minute; "
            f"try again in {wait_seconds} s."
        )
        return SyncResult(errors=[InputError(ErrorCode.LIMIT_EXCEEDED, message, ("address",))])
    job = await request_sync(
        sessions, redis, address_id=view.tracked.id, requested_by_account_id=viewer.account_id
    )
    return SyncResult(job=job)


async def _over_sync_limit(redis: ArqRedis, viewer: Viewer, per_minute: int) -> int | None:
    """Counts this request in the current minute (shared by all servers); seconds to wait."""
    now = time.time()
    key = sync_requests_key(viewer.account_id, int(now // 60))
    async with redis.pipeline(transaction=True) as pipeline:
        pipeline.incr(key)
        pipeline.expire(key, 120)
        count, _ = await pipeline.execute()
    if int(count) <= per_minute:
        return None
    return max(1, 60 - int(now % 60))


async def latest_job(sessions: SessionFactory, *, address_id: int) -> SyncJob | None:
    async with sessions() as session:
        return await session.scalar(
            select(SyncJob)
            .where(SyncJob.address_id == address_id)
            .order_by(SyncJob.id.desc())
            .limit(1)
        )


async def get_job(sessions: SessionFactory, *, viewer: Viewer, job_id: int) -> SyncJob | None:
    """A job the viewer asked for, or one of an address the viewer tracks."""
    viewer_tracks_address = exists().where(
        Wallet.account_id == viewer.account_id, Wallet.address_id == SyncJob.address_id
    )
    async with sessions() as session:
        return await session.scalar(
            select(SyncJob).where(
                SyncJob.id == job_id,
                or_(SyncJob.requested_by_account_id == viewer.account_id, viewer_tracks_address),
            )
        )
