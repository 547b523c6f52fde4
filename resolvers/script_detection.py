"""Which script a bare extended key pays to: the type whose first receive addresses have
history. A provider call from the API process, paced by the workers' shared rate limits."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass

from redis.asyncio import Redis

from hd import HdInput, ScriptKind
from settings import Settings
from workers.errors import ProviderError
from workers.providers import open_providers, rates_per_second
from workers.providers.base import Provider
from workers.providers.http import RetryPolicy
from workers.rate_limit import RedisRateLimiter

logger = logging.getLogger(__name__)

# First receive addresses looked at per script type where one call answers for many (4 x 20
# = 80: one Blockchair call), and where each address is one call (Esplora).
ADDRESSES_PER_TYPE_BATCHED = 20
ADDRESSES_PER_TYPE_ONE_BY_ONE = 3
# A person is waiting for the mutation's answer: fail over fast.
DETECTION_RETRY = RetryPolicy(transient_attempts=2, rate_limited_attempts=2)


@dataclass(frozen=True)
class Detection:
    with_history: tuple[ScriptKind, ...]
    """The candidate types whose first receive addresses have history, in candidate order."""
    provider: str


class DetectionFailedError(Exception):
    """No provider could answer; the message says why, naming each."""


async def detect_scripts(settings: Settings, redis: Redis, hd_input: HdInput) -> Detection:
    limiter = RedisRateLimiter(
        redis,
        rates_per_second(settings),
        longest_call_seconds=2 * settings.provider_timeout_seconds,
    )
    failures: list[str] = []
    async with AsyncExitStack() as exits:
        providers = await open_providers(
            settings, limiter=limiter, exits=exits, retry=DETECTION_RETRY
        )
        for provider in providers.get(hd_input.chain, []):
            if not hasattr(provider, "activity"):
                continue
            try:
                return await _detect_with(provider, hd_input)  # type: ignore[arg-type]
            except ProviderError as error:
                logger.warning("script detection: %s failed: %s", provider.name, error)
                failures.append(str(error))
    raise DetectionFailedError("; ".join(failures) or f"no provider serves {hd_input.chain.value}")


async def _detect_with(provider: Provider, hd_input: HdInput) -> Detection:
    batched = provider.activity_batch_size > 1
    count = ADDRESSES_PER_TYPE_BATCHED if batched else ADDRESSES_PER_TYPE_ONE_BY_ONE
    addresses = {
        kind: [derived.address for derived in hd_input.wallet(kind).derive(0, 0, count)]
        for kind in hd_input.candidates
    }
    every = [address for listed in addresses.values() for address in listed]
    used: set[str] = set()
    size = provider.activity_batch_size
    for start in range(0, len(every), size):
        batch = await provider.activity(every[start : start + size])
        used.update(address for address, seen in batch.activity.items() if seen.used)
    return Detection(
        with_history=tuple(
            kind for kind in hd_input.candidates if used.intersection(addresses[kind])
        ),
        provider=provider.name,
    )
