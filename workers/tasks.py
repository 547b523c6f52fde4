"""The arq tasks and periodic jobs the workers run."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from db.models import utc_now
from settings import Settings
from workers import queue
from workers.prices import PriceRefresher
from workers.sync import SyncEngine

logger = logging.getLogger(__name__)

REFRESH_BATCH = 200


async def ping(ctx: dict[str, Any]) -> str:
    """Answers "pong": proves a worker is consuming the queue."""
    return "pong"


async def sync_address(ctx: dict[str, Any], job_id: int) -> None:
    engine: SyncEngine = ctx["sync_engine"]
    await engine.run_job(job_id)


async def requeue_stale_jobs(ctx: dict[str, Any]) -> int:
    """Re-sends jobs whose worker died (no heartbeat) or that Redis lost while queued."""
    settings: Settings = ctx["settings"]
    silent_since = utc_now() - timedelta(seconds=settings.stale_job_timeout)
    stale = await queue.stale_jobs(ctx["sessions"], silent_since=silent_since)
    for job in stale:
        logger.warning("re-queueing stale sync job %s (%s)", job.id, job.status.value)
        await queue.enqueue(ctx["redis"], job.id, run=job.attempts + 1)
    return len(stale)


async def refresh_tracked_addresses(ctx: dict[str, Any]) -> int:
    """Queues a sync for every watched address last synced more than REFRESH_INTERVAL ago."""
    settings: Settings = ctx["settings"]
    synced_before = utc_now() - timedelta(seconds=settings.refresh_interval)
    due = await queue.addresses_due_for_refresh(
        ctx["sessions"], synced_before=synced_before, limit=REFRESH_BATCH
    )
    for address_id in due:
        await queue.request_sync(
            ctx["sessions"], ctx["redis"], address_id=address_id, requested_by_account_id=None
        )
    return len(due)


async def refresh_prices(ctx: dict[str, Any]) -> int | None:
    """Reads every chain's price from CoinGecko once per PRICE_REFRESH_INTERVAL, whichever
    worker gets to it first; None when it was not due."""
    refresher: PriceRefresher = ctx["price_refresher"]
    return await refresher.refresh_if_due()
