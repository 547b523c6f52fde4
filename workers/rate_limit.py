"""A request-rate limit per provider shared by every worker process, kept in Redis."""

from __future__ import annotations

import asyncio
from typing import Protocol

from redis.asyncio import Redis

from workers.constants import rate_limit_key
from workers.metrics import SharedMetrics

# Reserve the next free slot: slots are spaced 1/rate apart, shared by everyone using the key.
_RESERVE_SLOT = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local next_us = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot_us = math.max(now_us, next_us)
local ttl_ms = math.floor(60000 + tonumber(ARGV[1]) / 1000)
redis.call('SET', KEYS[1], slot_us + tonumber(ARGV[1]), 'PX', ttl_ms)
return slot_us - now_us
"""

# Push the next free slot at least `delay` into the future (a provider asked us to slow down).
_PAUSE = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local until_us = now_us + tonumber(ARGV[1])
local next_us = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_us > next_us then
  redis.call('SET', KEYS[1], until_us, 'PX', math.floor(60000 + tonumber(ARGV[1]) / 1000))
end
return 0
"""


class RateLimiter(Protocol):
    async def acquire(self, provider: str) -> None: ...

    async def pause(self, provider: str, seconds: float) -> None: ...


class RedisRateLimiter:
    """Spaces calls to each provider evenly at its configured rate, across processes."""

    def __init__(
        self,
        redis: Redis,
        rates_per_second: dict[str, float],
        metrics: SharedMetrics | None = None,
    ) -> None:
        self.redis = redis
        self.rates_per_second = rates_per_second
        self.metrics = metrics or SharedMetrics(None)
        self._reserve = redis.register_script(_RESERVE_SLOT)
        self._pause = redis.register_script(_PAUSE)

    async def acquire(self, provider: str) -> None:
        interval_us = int(1_000_000 / self.rates_per_second[provider])
        wait_us = int(await self._reserve(keys=[rate_limit_key(provider)], args=[interval_us]))
        if wait_us > 0:
            await self.metrics.rate_limit_wait(provider, wait_us / 1_000_000)
            await asyncio.sleep(wait_us / 1_000_000)

    async def pause(self, provider: str, seconds: float) -> None:
        await self._pause(keys=[rate_limit_key(provider)], args=[int(seconds * 1_000_000)])
        await asyncio.sleep(seconds)
