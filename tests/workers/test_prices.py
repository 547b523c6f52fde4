"""The price refresh: every chain's coin from CoinGecko (the simulator) in one call, kept exact;
a failed refresh says why and keeps the last prices."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from db.models import Chain, PriceSource
from db.session import SessionFactory
from resolvers.fiat import market_price, market_prices
from tests.conftest import UNREACHABLE_PROVIDER_URL
from tests.utils.sync_harness import SyncHarness
from tools.simulator.testing import RunningSimulator
from workers.prices import PriceRefresher

UPDATED_AT = 1_767_225_600  # 2026-01-01T00:00:00Z


@pytest.fixture
def refresher(harness: SyncHarness) -> PriceRefresher:
    """The worker's price refresher, settings from `harness_overrides` (parametrize it)."""
    return harness.prices


async def failed_refresh(
    refresher: PriceRefresher, caplog: pytest.LogCaptureFixture
) -> logging.LogRecord:
    """Runs a refresh that must store nothing; the one warning it logged."""
    with caplog.at_level(logging.WARNING, logger="workers.prices"):
        assert await refresher.refresh() == 0
    [warning] = [record for record in caplog.records if record.name == "workers.prices"]
    return warning


async def usd_per_coin(sessions: SessionFactory, chain: Chain) -> Decimal | None:
    price = await market_price(sessions, chain=chain, currency="USD")
    return None if price is None else price.per_coin


async def test_one_call_stores_every_chains_price_exactly_with_its_time(
    refresher: PriceRefresher, sessions: SessionFactory, simulator: RunningSimulator
) -> None:
    simulator.prices.set_price("solana", "187.000000000000000000123", last_updated_at=UPDATED_AT)
    simulator.prices.set_price("dogecoin", "0.00000001", last_updated_at=UPDATED_AT)

    assert await refresher.refresh() == 6
    assert simulator.admin.request_count("coingecko") == 1

    prices = await market_prices(sessions, currency="USD")
    assert {chain: price.per_coin for chain, price in prices.items()} == {
        Chain.BITCOIN: Decimal("103978.42"),
        Chain.LITECOIN: Decimal("84.1275"),
        Chain.DOGECOIN: Decimal("0.00000001"),
        Chain.BITCOIN_CASH: Decimal("412.3871"),
        Chain.ETHEREUM: Decimal("3456.7891"),
        Chain.SOLANA: Decimal("187.000000000000000000123"),
    }
    solana = prices[Chain.SOLANA]
    assert solana.at == datetime(2026, 1, 1, tzinfo=UTC)
    assert solana.source is PriceSource.COINGECKO
    assert str(solana.per_coin) == "187.000000000000000000123"


async def test_a_coin_without_a_price_stays_unpriced_and_the_others_are_stored(
    refresher: PriceRefresher, sessions: SessionFactory, simulator: RunningSimulator
) -> None:
    simulator.prices.set_price("dogecoin", None)

    assert await refresher.refresh() == 5
    assert await usd_per_coin(sessions, Chain.DOGECOIN) is None
    assert await usd_per_coin(sessions, Chain.LITECOIN) == Decimal("84.1275")


async def test_a_coin_that_loses_its_price_keeps_the_last_one(
    refresher: PriceRefresher, sessions: SessionFactory, simulator: RunningSimulator
) -> None:
    assert await refresher.refresh() == 6
    simulator.prices.set_price("litecoin", None)
    simulator.prices.set_price("bitcoin", "104000.01")

    assert await refresher.refresh() == 5
    assert await usd_per_coin(sessions, Chain.LITECOIN) == Decimal("84.1275")
    assert await usd_per_coin(sessions, Chain.BITCOIN) == Decimal("104000.01")


async def test_a_rate_limited_refresh_keeps_the_last_prices_and_says_why(
    refresher: PriceRefresher,
    sessions: SessionFactory,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert await refresher.refresh() == 6
    simulator.prices.set_price("bitcoin", "1.00")
    simulator.admin.inject_fault("coingecko", "error_status", status=429, count=10)

    warning = await failed_refresh(refresher, caplog)
    assert warning.levelno == logging.WARNING
    assert warning.getMessage() == (
        "prices not refreshed; the last ones stay: coingecko: HTTP 429: over CoinGecko's rate limit"
    )
    assert await usd_per_coin(sessions, Chain.BITCOIN) == Decimal("103978.42")

    # The refusal holds for a while: the next refresh does not call CoinGecko at all.
    simulator.admin.clear_faults()
    calls = simulator.admin.request_count("coingecko")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="workers.prices"):
        assert await refresher.refresh() == 0
    assert simulator.admin.request_count("coingecko") == calls
    assert "coingecko is skipped for now" in caplog.records[0].getMessage()


@pytest.mark.parametrize("harness_overrides", [{"price_url": UNREACHABLE_PROVIDER_URL}])
async def test_an_unreachable_price_url_is_said_in_words(
    refresher: PriceRefresher, caplog: pytest.LogCaptureFixture
) -> None:
    warning = await failed_refresh(refresher, caplog)
    assert warning.getMessage() == (
        "prices not refreshed; the last ones stay: coingecko: simple price: could not connect"
        " to 127.0.0.1:9: connection refused"
    )


@pytest.mark.parametrize("harness_overrides", [{"coingecko_api_key": "cg-key"}])
async def test_the_api_key_is_sent_and_never_logged(
    refresher: PriceRefresher, sessions: SessionFactory, simulator: RunningSimulator
) -> None:
    simulator.prices.require_api_key("cg-key")
    assert await refresher.refresh() == 6
    [request] = simulator.admin.requests("coingecko")
    assert "cg-key" not in str(request)


@pytest.mark.parametrize("harness_overrides", [{"coingecko_api_key": "wrong-key"}])
async def test_a_refused_api_key_is_said_in_words_and_changes_nothing(
    refresher: PriceRefresher,
    sessions: SessionFactory,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulator.prices.require_api_key("cg-key")
    warning = await failed_refresh(refresher, caplog)
    assert warning.getMessage() == (
        "prices not refreshed; the last ones stay: coingecko: CoinGecko refused the API key"
        " (HTTP 401: Invalid API Key)"
    )
    assert "wrong-key" not in caplog.text
    assert await market_prices(sessions, currency="USD") == {}
    # Listed with the providers /readyz shows as skipped, for every chain at once.
    [skipped] = await refresher.circuit.skipped()
    assert (skipped["provider"], skipped["chain"]) == ("coingecko", "ALL")
    assert "refused the API key" in skipped["reason"]


@pytest.mark.parametrize("harness_overrides", [{"price_refresh_interval": "5m"}])
async def test_workers_refresh_once_per_interval_between_them(
    refresher: PriceRefresher, simulator: RunningSimulator
) -> None:
    assert refresher.interval_seconds == 300
    assert await refresher.refresh_if_due() == 6
    assert await refresher.refresh_if_due() is None
    assert simulator.admin.request_count("coingecko") == 1
