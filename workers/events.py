"""Publishing job and address changes on Redis pub/sub, for the servers' subscribers."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from db.models import SyncJob
from workers.constants import address_channel, job_channel

logger = logging.getLogger(__name__)

# Progress is published at most this often per job; status changes always go out at once.
MIN_PROGRESS_INTERVAL_SECONDS = 0.1

JOB_FIELDS = (
    "id",
    "address_id",
    "status",
    "provider",
    "fetched_transactions",
    "expected_transactions",
    "attempts",
    "error",
    "queued_at",
    "started_at",
    "finished_at",
    "heartbeat_at",
)


def job_state(job: SyncJob) -> dict[str, Any]:
    """The job as a JSON-ready dict: what a subscriber needs without reading the database."""
    state: dict[str, Any] = {}
    for field in JOB_FIELDS:
        value = getattr(job, field)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        state[field] = value
    return state


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
        await self._publish(job_channel(job.id), json.dumps(job_state(job)))
        await self._publish(address_channel(job.address_id), "changed")

    async def _publish(self, channel: str, message: str) -> None:
        assert self.redis is not None
        try:
            await self.redis.publish(channel, message)
        except (RedisError, OSError):
            logger.warning("could not publish on %s", channel, exc_info=True)
