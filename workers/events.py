"""Publishing job and address changes on Redis pub/sub, for the servers' subscribers."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from typing import TypedDict

from redis.asyncio import Redis
from redis.exceptions import RedisError

from db.models import SyncJob
from workers.constants import address_channel, job_channel

logger = logging.getLogger(__name__)

# Progress is published at most this often per job; status changes always go out at once.
MIN_PROGRESS_INTERVAL_SECONDS = 0.1

# The whole message on an address's channel: subscribers re-read the wallet when it comes.
ADDRESS_CHANGED = "changed"
# On an address's channel: one account's wallet of the address was removed.
WALLET_REMOVED_PREFIX = "removed:"


def wallet_removed_message(wallet_id: int) -> str:
    return f"{WALLET_REMOVED_PREFIX}{wallet_id}"


def removed_wallet_id(message: str) -> int | None:
    """The wallet a `wallet_removed_message` names, or None for any other message."""
    if not message.startswith(WALLET_REMOVED_PREFIX):
        return None
    return int(message.removeprefix(WALLET_REMOVED_PREFIX))


class JobState(TypedDict):
    """A sync job as published on its channel (JSON): what a subscriber needs without reading
    the database. Times are ISO 8601 strings, `status` a `JobStatus` value."""

    id: int
    address_id: int
    status: str
    provider: str | None
    fetched_transactions: int
    expected_transactions: int | None
    progress: float | None
    addresses_scanned: int | None
    attempts: int
    error: str | None
    queued_at: str
    started_at: str | None
    finished_at: str | None
    heartbeat_at: str | None


def job_state(job: SyncJob) -> JobState:
    return JobState(
        id=job.id,
        address_id=job.address_id,
        status=job.status.value,
        provider=job.provider,
        fetched_transactions=job.fetched_transactions,
        expected_transactions=job.expected_transactions,
        progress=job.progress,
        addresses_scanned=job.addresses_scanned,
        attempts=job.attempts,
        error=job.error,
        queued_at=job.queued_at.isoformat(),
        started_at=_iso(job.started_at),
        finished_at=_iso(job.finished_at),
        heartbeat_at=_iso(job.heartbeat_at),
    )


def encode_job_state(job: SyncJob) -> str:
    return json.dumps(job_state(job))


def decode_job_state(message: str) -> JobState:
    """A message of a job's channel, as `encode_job_state` wrote it."""
    state: JobState = json.loads(message)
    return state


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


class EventPublisher:
    """Best effort: a Redis hiccup must never fail a sync, so errors are logged and dropped."""

    def __init__(self, redis: Redis | None) -> None:
        self.redis = redis
        self._last_progress_at: dict[int, float] = {}

    async def job_changed(self, job: SyncJob, *, progress_only: bool = False) -> None:
        if self.redis is None:
            return
        now = time.monotonic()
        if (
            progress_only
            and now - self._last_progress_at.get(job.id, 0.0) < MIN_PROGRESS_INTERVAL_SECONDS
        ):
            return
        self._last_progress_at[job.id] = now
        await self._publish(job_channel(job.id), encode_job_state(job))
        await self._publish(address_channel(job.address_id), ADDRESS_CHANGED)

    async def wallet_removed(self, *, address_id: int, wallet_id: int) -> None:
        """Ends the removed wallet's subscriptions (other accounts' wallets of the address stay)."""
        if self.redis is not None:
            await self._publish(address_channel(address_id), wallet_removed_message(wallet_id))

    async def _publish(self, channel: str, message: str) -> None:
        assert self.redis is not None
        try:
            await self.redis.publish(channel, message)
        except (RedisError, OSError):
            logger.warning("could not publish on %s", channel, exc_info=True)
