"""A request-rate limit per provider shared by every worker process, kept in Redis.

A rate of r calls a second is kept two ways at once:

- *cadence*: calls leave 1/r seconds apart, so they do not come in bursts;
- *window*: never more than N = ⌈r⌉ calls reach the provider within any N/r seconds (so never
  more than ⌈r⌉ in any one second), however late a call is delivered. A call counts from when
  it takes its slot until its answer is back: it reached the provider somewhere in between, so
  the next call that could make N + 1 within the window waits until the window has passed
  since the *answer*. A call delayed after taking its slot (a busy event loop, a slow network)
  therefore cannot crowd the window, which even spacing alone cannot promise.

Configure a provider's published limit as the rate (10 a second → 10) and it is never
exceeded; the cost is one round trip per N calls, a few per cent at loopback latencies.
"""

from __future__ import annotations

import asyncio
import logging
import math
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from workers.constants import rate_limit_key
from workers.metrics import SharedMetrics

logger = logging.getLogger(__name__)

# KEYS: the next cadence slot, the calls in the window (a sorted set: call -> when its answer
# came back, or when it is taken as lost while still out).
# ARGV: interval, cadence slack, window, calls allowed in a window, this call, how long a call
# may be out, microseconds all. Answers 0 when the call may leave, else microseconds to wait.
# A slot taken only a little late (the slack) keeps the cadence, so the rate achieved stays
# close to the one configured; the window is what keeps the provider's limit.
_TAKE_SLOT = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local next_us = tonumber(redis.call('GET', KEYS[1]) or '0')
if next_us > now_us then
  return next_us - now_us
end
local window_us = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now_us - window_us)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2])
  if oldest > now_us then
    -- Every call in the window is still out: look again soon.
    return math.min(tonumber(ARGV[1]), 10000)
  end
  return oldest + window_us - now_us + 1
end
local from_us = now_us
if now_us - next_us <= tonumber(ARGV[2]) then
  from_us = next_us
end
local ttl_ms = math.floor(60000 + tonumber(ARGV[1]) / 1000)
redis.call('SET', KEYS[1], from_us + tonumber(ARGV[1]), 'PX', ttl_ms)
redis.call('ZADD', KEYS[2], now_us + tonumber(ARGV[6]), ARGV[5])
redis.call('PEXPIRE', KEYS[2], math.floor((tonumber(ARGV[6]) + window_us) / 1000) + 60000)
return 0
"""

# The call's answer is back: it counts in the window from now on.
_ANSWERED = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
redis.call('ZADD', KEYS[1], 'XX', now_us, ARGV[1])
return 0
"""

# A slot taken at most interval / this late still counts from when it was due.
CADENCE_SLACK_DIVISOR = 10

# Added to every window: the provider's clock and Redis's are not the same clock.
WINDOW_MARGIN_SECONDS = 0.002

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


@dataclass(frozen=True, slots=True)
class Window:
    """At most `calls` reach the provider within any `seconds`."""

    calls: int
    seconds: float

    @classmethod
    def for_rate(cls, per_second: float) -> Window:
        calls = max(1, math.ceil(per_second - 1e-9))
        return cls(calls=calls, seconds=calls / per_second)


class RateLimiter(Protocol):
    def slot(self, provider: str) -> AbstractAsyncContextManager[None]: ...

    async def pause(self, provider: str, seconds: float) -> None: ...


class RedisRateLimiter:
    """Keeps each provider's rate across processes: see the module's docstring."""

    def __init__(
        self,
        redis: Redis,
        rates_per_second: dict[str, float],
        metrics: SharedMetrics | None = None,
        *,
        longest_call_seconds: float = 60.0,
    ) -> None:
        """`longest_call_seconds`: a call still out after this long is taken as lost (its
        worker died with it) and stops holding its place in the window."""
        self.redis = redis
        self.rates_per_second = rates_per_second
        self.metrics = metrics or SharedMetrics(None)
        self.longest_call_us = int(longest_call_seconds * 1_000_000)
        self._take = redis.register_script(_TAKE_SLOT)
        self._answered = redis.register_script(_ANSWERED)
        self._pause = redis.register_script(_PAUSE)

    @asynccontextmanager
    async def slot(self, provider: str) -> AsyncIterator[None]:
        """Waits for the provider's next slot; the call is made inside the block."""
        call = uuid.uuid4().hex
        await self._acquire(provider, call)
        try:
            yield
        finally:
            try:
                await self._answered(keys=[_window_key(provider)], args=[call])
            except RedisError as error:
                # The call's own outcome matters more; its place in the window lapses after
                # longest_call_seconds.
                logger.warning("could not mark a %s call answered: %s", provider, error)

    async def _acquire(self, provider: str, call: str) -> None:
        rate = self.rates_per_second[provider]
        interval_us = int(1_000_000 / rate)
        window = Window.for_rate(rate)
        window_us = int((window.seconds + WINDOW_MARGIN_SECONDS) * 1_000_000)
        waited = 0.0
        while True:
            wait_us = int(
                await self._take(
                    keys=[rate_limit_key(provider), _window_key(provider)],
                    args=[
                        interval_us,
                        interval_us // CADENCE_SLACK_DIVISOR,
                        window_us,
                        window.calls,
                        call,
                        self.longest_call_us,
                    ],
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


def _window_key(provider: str) -> str:
    return f"{rate_limit_key(provider)}:window"
