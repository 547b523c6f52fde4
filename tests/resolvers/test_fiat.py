"""Fiat values: exact decimal arithmetic from satoshi, one half-even rounding to cents, at the
freshest price known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from db.models import Chain, ChainTip, PriceSource, utc_now
from db.session import SessionFactory
from resolvers.errors import BadRequestError
from resolvers.fiat import MarketPrice, check_currency, fiat_value, market_price
from workers.prices import store_quotes
from workers.providers.coingecko import Quote

PRICED_AT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount_sat", "price", "expected"),
    [
        (0, "103978", "0.00"),
        (100_000_000, "103978", "103978.00"),
        (1, "500000", "0.00"),  # 0.005: a tie rounds to the even cent
        (1, "1500000", "0.02"),  # 0.015
        (1, "2500000", "0.02"),  # 0.025
        (3, "500000", "0.02"),  # 0.015
        (1, "500001", "0.01"),  # just above the tie
        (12_345, "103978", "12.84"),  # 12.8360841
        (754_800, "65432.1", "493.88"),
        # All the bitcoin there will ever be, at a price with many decimals: no float, no
        # intermediate rounding.
        (2_100_000_000_000_000, "123456.789", "2592592569000.00"),
        (2_100_000_000_000_000, "0.123456789012345678901234567", "2592592.57"),
        (1, "99999999.995", "1.00"),  # 0.99999999995
    ],
)
def test_fiat_values_are_exact_then_rounded_half_even(
    amount_sat: int, price: str, expected: str
) -> None:
    value = fiat_value(
        amount_sat, MarketPrice("USD", Decimal(price), PRICED_AT, PriceSource.COINGECKO)
    )
    assert value.amount == expected
    assert value.currency == "USD"
    assert value.price_at == PRICED_AT


@pytest.mark.parametrize("currency", ["EUR", "usd", "", "USD " * 100])
def test_only_usd_is_supported(currency: str) -> None:
    with pytest.raises(BadRequestError, match="USD only") as refused:
        check_currency(currency)
    assert refused.value.extensions == {"code": "INVALID_INPUT"}
    assert len(str(refused.value)) < 120


async def test_coingecko_wins_unless_blockchair_was_read_later(sessions: SessionFactory) -> None:
    synced_at = utc_now()
    async with sessions.begin() as session:
        session.add(
            ChainTip(
                chain=Chain.BITCOIN,
                height=900_000,
                market_price_usd="65000.5",
                market_price_at=synced_at,
            )
        )
    quote = Quote(Chain.BITCOIN, "USD", Decimal("66000.25"), PRICED_AT)

    async def read_at(fetched_at: datetime) -> MarketPrice | None:
        await store_quotes(sessions, [quote], source=PriceSource.COINGECKO, fetched_at=fetched_at)
        return await market_price(sessions, chain=Chain.BITCOIN, currency="USD")

    # The refresh job failed for a while and a sync read Blockchair's price since.
    assert await read_at(synced_at - timedelta(minutes=1)) == MarketPrice(
        "USD", Decimal("65000.5"), synced_at, PriceSource.BLOCKCHAIR
    )
    for fetched_at in (synced_at, synced_at + timedelta(seconds=1)):
        assert await read_at(fetched_at) == MarketPrice(
            "USD", Decimal("66000.25"), PRICED_AT, PriceSource.COINGECKO
        )
    assert await market_price(sessions, chain=Chain.LITECOIN, currency="USD") is None
