"""Prices of every chain's coin: read from CoinGecko in one call, kept exact in `coin_prices`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import datetime

import httpx
from redis.asyncio import Redis

from db.models import CoinPrice, PriceSource, utc_now
from db.session import SessionFactory
from db.upsert import dialect_insert
from settings import Settings
from workers.circuit import (
    BLOCKED_SECONDS,
    UNAVAILABLE_SECONDS,
    CircuitBreaker,
)
from workers.constants import PRICE_REFRESH_KEY
from workers.errors import ApiKeyRejectedError, BlockedError, ProviderError
from workers.metrics import SharedMetrics
from workers.providers import provider_client
from workers.providers.coingecko import NAME, CoinGeckoClient, Quote
from workers.providers.http import ProviderHttp, RetryPolicy
from workers.rate_limit import RedisRateLimiter

logger = logging.getLogger(__name__)

PRICE_CURRENCY = "USD"
# A missed refresh costs little (the next one is an interval away): give up sooner than a sync.
PRICE_RETRY = RetryPolicy(
    transient_attempts=3, rate_limited_attempts=2, base_delay_seconds=1.0, max_delay_seconds=10.0
)


class PriceRefresher:
    """Reads every price from CoinGecko and stores it; a failure keeps the last prices."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        redis: Redis,
        client: CoinGeckoClient,
        circuit: CircuitBreaker,
        interval_seconds: int,
    ) -> None:
        self.sessions = sessions
        self.redis = redis
        self.client = client
        self.circuit = circuit
        self.interval_seconds = interval_seconds

    async def refresh_if_due(self) -> int | None:
        """Refreshes unless a worker (this one or another) began a refresh less than
        PRICE_REFRESH_INTERVAL ago; None when it was not due."""
        due = await self.redis.set(PRICE_REFRESH_KEY, "1", nx=True, ex=self.interval_seconds)
        if not due:
            return None
        return await self.refresh()

    async def refresh(self) -> int:
        """How many prices were stored: 0 when CoinGecko could not be read, which is logged
        at WARNING with the reason."""
        # One call serves every chain: one circuit for all of them.
        skipped_because = await self.circuit.open_reason(NAME, None)
        if skipped_because is not None:
            logger.warning(
                "prices not refreshed; the last ones stay: coingecko is skipped for now (%s)",
                skipped_because,
            )
            return 0
        try:
            quotes = await self.client.prices(PRICE_CURRENCY)
        except ProviderError as error:
            blocked = isinstance(error, BlockedError | ApiKeyRejectedError)
            await self.circuit.open(
                NAME,
                str(error),
                seconds=BLOCKED_SECONDS if blocked else UNAVAILABLE_SECONDS,
                chain=None,
            )
            logger.warning("prices not refreshed; the last ones stay: %s", error)
            return 0
        await store_quotes(
            self.sessions, quotes, source=PriceSource.COINGECKO, fetched_at=utc_now()
        )
        return len(quotes)


async def store_quotes(
    sessions: SessionFactory, quotes: Sequence[Quote], *, source: PriceSource, fetched_at: datetime
) -> None:
    """Replaces each quoted coin's price from `source`; coins not quoted keep theirs."""
    if not quotes:
        return
    async with sessions.begin() as session:
        insert = dialect_insert(session, CoinPrice)
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["chain", "currency", "source"],
                set_={
                    "price": insert.excluded.price,
                    "price_at": insert.excluded.price_at,
                    "fetched_at": insert.excluded.fetched_at,
                },
            ),
            [
                {
                    "chain": quote.chain,
                    "currency": quote.currency,
                    "source": source,
                    "price": quote.price,
                    "price_at": quote.price_at or fetched_at,
                    "fetched_at": fetched_at,
                }
                for quote in quotes
            ],
        )


async def build_price_refresher(
    settings: Settings,
    *,
    redis: Redis,
    sessions: SessionFactory,
    exits: AsyncExitStack,
    retry: RetryPolicy | None = None,
) -> PriceRefresher:
    """The refresher a worker runs: CoinGecko at PRICE_URL behind its own shared rate limit
    and circuit, counting its calls into the shared metrics."""
    metrics = SharedMetrics(redis)
    timeout = httpx.Timeout(settings.provider_timeout_seconds)
    client = await exits.enter_async_context(
        provider_client(settings.price_url, NAME, timeout, metrics)
    )
    http = ProviderHttp(
        provider=NAME,
        client=client,
        limiter=RedisRateLimiter(
            redis,
            {NAME: settings.price_rate_limit},
            metrics,
            longest_call_seconds=2 * settings.provider_timeout_seconds,
        ),
        retry=retry or PRICE_RETRY,
        metrics=metrics,
    )
    key = settings.coingecko_api_key.get_secret_value() if settings.coingecko_api_key else None
    return PriceRefresher(
        sessions=sessions,
        redis=redis,
        client=CoinGeckoClient(http, api_key=key),
        circuit=CircuitBreaker.for_settings(redis, settings),
        interval_seconds=settings.price_refresh_interval,
    )
