"""Provider HTTP calls: the shared rate limit before each call, retries with jittered backoff."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx

from workers.metrics import SharedMetrics
from workers.providers.base import RateLimitedError, TransientError
from workers.rate_limit import RateLimiter

logger = logging.getLogger(__name__)

ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class RetryPolicy:
    transient_attempts: int = 4
    rate_limited_attempts: int = 8
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (attempt counts from 1)."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)


class ProviderHttp:
    """One pooled httpx client per provider; every call waits its turn on the shared limiter."""

    def __init__(
        self,
        *,
        provider: str,
        client: httpx.AsyncClient,
        limiter: RateLimiter,
        retry: RetryPolicy,
        metrics: SharedMetrics | None = None,
    ) -> None:
        self.provider = provider
        self.client = client
        self.limiter = limiter
        self.retry = retry
        self.metrics = metrics or SharedMetrics(None)

    async def call(
        self, request: Callable[[httpx.AsyncClient], Awaitable[ResultT]], *, what: str
    ) -> ResultT:
        transient_failures = 0
        rate_limited = 0
        while True:
            await self.limiter.acquire(self.provider)
            try:
                return await request(self.client)
            except RateLimitedError:
                rate_limited += 1
                if rate_limited >= self.retry.rate_limited_attempts:
                    raise
                delay = self.retry.backoff(rate_limited)
                # Every worker sharing this provider waits too: the limit is per client.
                await self.limiter.pause(self.provider, delay)
                logger.warning(
                    "%s rate-limited on %s; backing off %.2fs", self.provider, what, delay
                )
            except (httpx.TimeoutException, httpx.TransportError) as error:
                kind = (
                    "timeout" if isinstance(error, httpx.TimeoutException) else "connection_error"
                )
                await self.metrics.provider_call(self.provider, kind)
                transient_failures += 1
                if transient_failures >= self.retry.transient_attempts:
                    raise TransientError(
                        self.provider, f"{what}: {type(error).__name__}"
                    ) from error
                await asyncio.sleep(self.retry.backoff(transient_failures))
            except TransientError:
                transient_failures += 1
                if transient_failures >= self.retry.transient_attempts:
                    raise
                await asyncio.sleep(self.retry.backoff(transient_failures))
