"""CoinGecko's simple price: exact decimal prices set by tests, coins without a price left
out, an optional key, and 429 when rate limited."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx

from tools.simulator.prices import COIN_IDS, RATE_LIMITED_MESSAGE
from tools.simulator.testing import RunningSimulator

EVERY_COIN = {"ids": ",".join(COIN_IDS), "vs_currencies": "usd", "include_last_updated_at": "true"}


def _prices(http: httpx.Client, simulator: RunningSimulator, **headers: str) -> httpx.Response:
    return http.get(f"{simulator.coingecko_url}/simple/price", params=EVERY_COIN, headers=headers)


def test_every_coin_has_a_usd_number_with_its_update_time(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    response = _prices(http, simulator)

    body = response.json()
    assert response.status_code == 200
    assert list(body) == list(COIN_IDS)
    for member in body.values():
        assert set(member) == {"usd", "last_updated_at"}
        assert isinstance(member["usd"], float | int)
        assert isinstance(member["last_updated_at"], int)


def test_prices_keep_every_decimal_and_unpriced_coins_are_left_out(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    prices = fresh_simulator.prices
    prices.set_price("litecoin", "84.123456789012345678")
    prices.set_price("dogecoin", None)

    response = _prices(http, fresh_simulator)

    exact = json.loads(response.text, parse_float=Decimal)
    assert exact["litecoin"]["usd"] == Decimal("84.123456789012345678")
    assert "dogecoin" not in exact
    dashboard = http.get(f"{fresh_simulator.blockchair_url}/litecoin/stats").json()
    assert dashboard["context"]["market_price_usd"] == float("84.123456789012345678")


def test_a_required_key_is_checked_in_either_header(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    fresh_simulator.prices.require_api_key("cg-key")

    missing = _prices(http, fresh_simulator)
    wrong = _prices(http, fresh_simulator, **{"x-cg-demo-api-key": "guess"})
    demo = _prices(http, fresh_simulator, **{"x-cg-demo-api-key": "cg-key"})
    pro = _prices(http, fresh_simulator, **{"x-cg-pro-api-key": "cg-key"})

    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert (demo.status_code, pro.status_code) == (200, 200)


def test_rate_limited_and_injected_429(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    admin.inject_fault("coingecko", "error_status", status=429)
    injected = _prices(http, fresh_simulator)
    admin.set_rate_limit("coingecko", 1, per_seconds=60)
    allowed = _prices(http, fresh_simulator)
    limited = _prices(http, fresh_simulator)

    expected = {"status": {"error_code": 429, "error_message": RATE_LIMITED_MESSAGE}}
    assert (injected.status_code, injected.json()) == (429, expected)
    assert allowed.status_code == 200
    assert (limited.status_code, limited.json()) == (429, expected)
    assert limited.headers["retry-after"] == "60"


def test_price_admin_over_http(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    admin_url = f"{fresh_simulator.admin_url}/prices"

    http.post(
        admin_url, json={"coin": "solana", "usd": "201.000001", "last_updated_at": 1_800_000_000}
    )
    http.post(admin_url, json={"coin": "ethereum", "usd": None})
    unknown = http.post(admin_url, json={"coin": "monero", "usd": "1"})
    listed = http.get(admin_url).json()

    body = _prices(http, fresh_simulator).json()
    assert listed["solana"] == {"usd": "201.000001", "last_updated_at": 1_800_000_000}
    assert listed["ethereum"] is None
    assert body["solana"] == {"usd": 201.000001, "last_updated_at": 1_800_000_000}
    assert "ethereum" not in body
    assert unknown.status_code == 400
