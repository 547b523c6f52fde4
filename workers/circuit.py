"""Per-provider circuit breaker in Redis: a provider that refused us is skipped for a while.

A circuit belongs to a provider as configured (its base URL and a hash of its API key) for one
chain: a new key or URL is tried at once instead of waiting out a refusal that was meant for
the old one. Blockchair has one circuit per chain, although its chains share one rate limit:
each chain is served by its own nodes, and an outage of one must not stop the others (Dogecoin
and Bitcoin Cash have no fallback); a refusal of the key or IP costs one call per chain."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from redis.asyncio import Redis
from redis.exceptions import RedisError

from db.models import Chain
from workers.constants import circuit_key
from workers.providers import provider_routes
from workers.providers.coingecko import NAME as PRICE_SOURCE

if TYPE_CHECKING:
    from settings import Settings

logger = logging.getLogger(__name__)

BLOCKED_SECONDS = 3600
UNAVAILABLE_SECONDS = 60
SKIPPED_LOOKUP_SECONDS = 2.0


class SkippedProvider(TypedDict):
    provider: str
    chain: str
    """The chain whose syncs skip it (BITCOIN, LITECOIN, ...), or ALL for the price source."""
    reason: str
    until: str
    """ISO 8601, UTC: when the circuit closes by itself."""


def configuration_fingerprint(base_url: str, api_key: str | None) -> str:
    """A short SHA-256 of a provider's base URL and API key; the key itself is never stored."""
    material = f"{base_url.rstrip('/')}\n{api_key or ''}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


ProviderOnChain = tuple[str, Chain | None]
"""A provider name and the chain it serves; None for one that serves every chain at once (the
price source)."""
EVERY_CHAIN = "ALL"


def provider_configurations(settings: Settings) -> dict[ProviderOnChain, str]:
    """The fingerprint of each chain's providers (in PROVIDERS order), by name and chain, and
    of the price source."""
    price_key = settings.coingecko_api_key
    return {
        **{
            (route.name, chain): configuration_fingerprint(route.base_url, route.api_key)
            for chain, routes in provider_routes(settings).items()
            for route in routes
        },
        (PRICE_SOURCE, None): configuration_fingerprint(
            settings.price_url, price_key.get_secret_value() if price_key else None
        ),
    }


class CircuitBreaker:
    """Circuits of the providers in `configurations` ((name, chain) to configuration
    fingerprint)."""

    def __init__(self, redis: Redis, configurations: Mapping[ProviderOnChain, str]) -> None:
        self.redis = redis
        self.configurations = configurations

    @classmethod
    def for_settings(cls, redis: Redis, settings: Settings) -> CircuitBreaker:
        return cls(redis, provider_configurations(settings))

    def _key(self, provider: str, chain: Chain | None) -> str:
        return circuit_key(provider, _chain_name(chain), self.configurations[provider, chain])

    async def open(self, provider: str, reason: str, *, seconds: int, chain: Chain | None) -> None:
        await self.redis.set(self._key(provider, chain), reason, ex=seconds)

    async def open_reason(self, provider: str, chain: Chain | None) -> str | None:
        """Why the provider is skipped on `chain` (None: on every chain), or None while its
        circuit is closed."""
        reason = await self.redis.get(self._key(provider, chain))
        return reason.decode() if isinstance(reason, bytes) else reason

    async def skipped(self) -> list[SkippedProvider]:
        """The providers whose circuit is open, with why and until when, by chain in PROVIDERS
        order."""
        async with self.redis.pipeline(transaction=True) as pipeline:
            for provider, chain in self.configurations:
                pipeline.get(self._key(provider, chain))
                pipeline.pttl(self._key(provider, chain))
            replies = await pipeline.execute()
        now = datetime.now(UTC)
        skipped = []
        for (provider, chain), reason, ttl_ms in zip(
            self.configurations, replies[0::2], replies[1::2], strict=True
        ):
            if reason is None or ttl_ms < 0:
                continue
            until = now + timedelta(milliseconds=ttl_ms)
            skipped.append(
                SkippedProvider(
                    provider=provider,
                    chain=_chain_name(chain),
                    reason=reason.decode() if isinstance(reason, bytes) else reason,
                    until=until.isoformat(timespec="seconds"),
                )
            )
        return skipped


def _chain_name(chain: Chain | None) -> str:
    return EVERY_CHAIN if chain is None else chain.value


async def skipped_providers(redis: Redis, settings: Settings) -> list[SkippedProvider] | None:
    """For /readyz: the configured providers syncs skip for now; None when Redis cannot say."""
    try:
        async with asyncio.timeout(SKIPPED_LOOKUP_SECONDS):
            return await CircuitBreaker.for_settings(redis, settings).skipped()
    except (RedisError, OSError, TimeoutError):
        logger.info("skipped providers unknown: Redis did not answer", exc_info=True)
        return None
