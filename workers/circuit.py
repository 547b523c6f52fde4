"""Per-provider circuit breaker in Redis: a provider that refused us is skipped for a while."""

from __future__ import annotations

from redis.asyncio import Redis

from workers.constants import circuit_key

BLOCKED_SECONDS = 3600
UNAVAILABLE_SECONDS = 60


class CircuitBreaker:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def open(self, provider: str, reason: str, *, seconds: int) -> None:
        await self.redis.set(circuit_key(provider), reason, ex=seconds)

    async def open_reason(self, provider: str) -> str | None:
        """Why the provider is skipped, or None while its circuit is closed."""
        reason = await self.redis.get(circuit_key(provider))
        return reason.decode() if isinstance(reason, bytes) else reason
