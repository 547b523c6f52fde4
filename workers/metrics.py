"""Counters the workers share through Redis, so any server's /metrics shows all workers' work."""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from workers.constants import SHARED_METRICS_KEY

logger = logging.getLogger(__name__)

JOB_SECONDS_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 1800.0, 7200.0)

# The fields of the shared hash: a figure's name, then its label values, joined by "|".
PROVIDER_CALLS = "provider_calls"
RATE_LIMIT_WAITS = "rate_limit_waits"
RATE_LIMIT_WAIT_SECONDS = "rate_limit_wait_seconds"
SYNC_JOBS = "sync_jobs"
SYNC_JOB_SECONDS_BUCKET = "sync_job_seconds_bucket"
SYNC_JOB_SECONDS_SUM = "sync_job_seconds_sum"
WEBHOOK_ATTEMPTS = "webhook_attempts"
WEBHOOK_DELIVERIES = "webhook_deliveries"
WEBHOOK_LATENCY_BUCKET = "webhook_latency_bucket"
WEBHOOK_LATENCY_SUM = "webhook_latency_sum"
# Seconds from an event to its delivery's end (succeeded, or failed for good).
WEBHOOK_LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 5.0, 60.0, 3600.0, 86400.0)


def figure_field(name: str, *labels: object) -> str:
    return "|".join([name, *map(str, labels)])


def split_figure_field(field: str) -> tuple[str, list[str]]:
    """A field's figure name and label values, as `figure_field` joined them."""
    name, *labels = field.split("|")
    return name, labels


class SharedMetrics:
    """Best effort, like logging: a Redis error never fails the work being counted."""

    def __init__(self, redis: Redis | None) -> None:
        self.redis = redis

    async def provider_call(self, provider: str, status: str) -> None:
        await self._add({figure_field(PROVIDER_CALLS, provider, status): 1})

    async def rate_limit_wait(self, provider: str, seconds: float) -> None:
        await self._add(
            {figure_field(RATE_LIMIT_WAITS, provider): 1},
            {figure_field(RATE_LIMIT_WAIT_SECONDS, provider): seconds},
        )

    async def job_finished(self, outcome: str, seconds: float) -> None:
        counts = {figure_field(SYNC_JOBS, outcome): 1}
        for bound in JOB_SECONDS_BUCKETS:
            if seconds <= bound:
                counts[figure_field(SYNC_JOB_SECONDS_BUCKET, bound)] = 1
        await self._add(counts, {SYNC_JOB_SECONDS_SUM: seconds})

    async def webhook_attempt(self, outcome: str) -> None:
        await self._add({figure_field(WEBHOOK_ATTEMPTS, outcome): 1})

    async def webhooks_delivered(self, latencies: list[float]) -> None:
        """Deliveries that succeeded at their attempt, `latencies` seconds after their events."""
        counts = {
            figure_field(WEBHOOK_ATTEMPTS, "succeeded"): len(latencies),
            figure_field(WEBHOOK_DELIVERIES, "succeeded"): len(latencies),
        }
        for bound in WEBHOOK_LATENCY_BUCKETS:
            within = sum(1 for seconds in latencies if seconds <= bound)
            if within:
                counts[figure_field(WEBHOOK_LATENCY_BUCKET, bound)] = within
        await self._add(counts, {WEBHOOK_LATENCY_SUM: sum(latencies)})

    async def webhook_delivered(self, outcome: str, seconds: float) -> None:
        """A delivery ended: `outcome` succeeded or failed, `seconds` after its event."""
        counts = {figure_field(WEBHOOK_DELIVERIES, outcome): 1}
        for bound in WEBHOOK_LATENCY_BUCKETS:
            if seconds <= bound:
                counts[figure_field(WEBHOOK_LATENCY_BUCKET, bound)] = 1
        await self._add(counts, {WEBHOOK_LATENCY_SUM: seconds})

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
