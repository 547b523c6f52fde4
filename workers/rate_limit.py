"""A request-rate limit per provider shared by every worker process, kept in Redis."""

from __future__ import annotations

import asyncio
from typing import Protocol

from redis.asyncio import Redis

from workers.constants import rate_limit_key
from workers.metrics import SharedMetrics

# Take the slot if it is due, booking the next one an interval later; otherwise answer how
# long until it is due. Taken when the call is about to leave, not booked ahead: a caller that
# wakes late (a busy event loop) then pushes the calls after it back instead of leaving closer
# to them than the rate allows. A slot taken only a little late (ARGV[2]) keeps the cadence,
# so the rate achieved stays close to the one configured.
_TAKE_SLOT = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local next_us = tonumber(redis.call('GET', KEYS[1]) or '0')
if next_us > now_us then
  return next_us - now_us
end
local from_us = now_us
if now_us - next_us <= tonumber(ARGV[2]) then
  from_us = next_us
end
local ttl_ms = math.floor(60000 + tonumber(ARGV[1]) / 1000)
redis.call('SET', KEYS[1], from_us + tonumber(ARGV[1]), 'PX', ttl_ms)
return 0
"""

# A slot taken at most interval / this late still counts from when it was due.
CADENCE_SLACK_DIVISOR = 10

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
        self._take = redis.register_script(_TAKE_SLOT)
        self._pause = redis.register_script(_PAUSE)

    async def acquire(self, provider: str) -> None:
        interval_us = int(1_000_000 / self.rates_per_second[provider])
        waited = 0.0
        while True:
            wait_us = int(
                await self._take(
                    keys=[rate_limit_key(provider)],
                    args=[interval_us, interval_us // CADENCE_SLACK_DIVISOR],
                )
            )
            if wait_us <= 0:
                break
            waited += wait_us / 1_000_000
            await asyncio.sleep(wait_us / 1_000_000)
        if waited > 0:
            await self.metrics.rate_limit_wait(provider, waited)

    async def pause(self, provider: str, seconds: float) -> None:
        await self._pause(keys=[rate_limit_key(provider)], args=[int(seconds * 1_000_000)])
        await asyncio.sleep(seconds)
