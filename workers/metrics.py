"""Counters the workers share through Redis, so any server's /metrics shows all workers' work."""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from workers.constants import SHARED_METRICS_KEY

logger = logging.getLogger(__name__)

JOB_SECONDS_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 1800.0, 7200.0)


class SharedMetrics:
    """Best effort, like logging: a Redis error never fails the work being counted."""

    def __init__(self, redis: Redis | None) -> None:
        self.redis = redis

    async def provider_call(self, provider: str, status: str) -> None:
        await self._add({f"provider_calls|{provider}|{status}": 1})

    async def rate_limit_wait(self, provider: str, seconds: float) -> None:
        await self._add(
            {f"rate_limit_waits|{provider}": 1}, {f"rate_limit_wait_seconds|{provider}": seconds}
        )

    async def job_finished(self, outcome: str, seconds: float) -> None:
        counts = {f"sync_jobs|{outcome}": 1}
        for bound in JOB_SECONDS_BUCKETS:
            if seconds <= bound:
                counts[f"sync_job_seconds_bucket|{bound}"] = 1
        await self._add(counts, {"sync_job_seconds_sum": seconds})

    async def _add(self, counts: dict[str, int], seconds: dict[str, float] | None = None) -> None:
        if self.redis is None:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipeline:
                for field, count in counts.items():
                    pipeline.hincrby(SHARED_METRICS_KEY, field, count)
                for field, total_seconds in (seconds or {}).items():
                    pipeline.hincrbyfloat(SHARED_METRICS_KEY, field, total_seconds)
                await pipeline.execute()
        except (RedisError, OSError):
            logger.warning("could not record metrics", exc_info=True)
