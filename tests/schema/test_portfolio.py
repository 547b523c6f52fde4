"""Portfolio, flows, balance history and fiat value, against hand-computed figures.

Three wallets: A receives from outside, pays B (fee 1,000), C pays A (fee 700); B spends and
has an unconfirmed receipt. Moves between the viewer's own wallets are no portfolio flows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from resolvers.balance_history import Interval, interval_start, next_start
from tests.utils.factories import SeededTransaction, seed_transactions, set_market_price
from tests.utils.graphql import GraphQLClient

A = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
B = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
C = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
T1, T2, T3, T4, T5, T6 = (f"{n:02x}" * 32 for n in range(1, 7))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


HISTORIES = {
    A: [
        SeededTransaction(T1, 100, at("2025-01-01 00:00:00"), 500_000),  # exactly midnight
        SeededTransaction(T2, 101, at("2025-01-02 12:00:00"), -201_000),  # to B, fee 1,000
        SeededTransaction(T5, 104, at("2025-01-06 00:00:00"), 100_000),  # from C
    ],
    B: [
        SeededTransaction(T2, 101, at("2025-01-02 12:00:00"), 200_000),
        SeededTransaction(T4, 103, at("2025-01-05 23:59:59"), -50_500),
        SeededTransaction(T6, None, at("2025-01-07 10:00:00"), 7_000),  # unconfirmed
    ],
    C: [
        SeededTransaction(T3, 102, at("2025-01-03 08:00:00"), 300_000),
        SeededTransaction(T5, 104, at("2025-01-06 00:00:00"), -100_700),  # to A, fee 700
    ],
}

PORTFOLIO = """
query($since: DateTime, $until: DateTime) {
  portfolio {
    walletCount balance confirmedBalance unconfirmedBalance
    fiatValue { currency amount priceAt }
    flows(since: $since, until: $until) { received sent net transactionCount }
  }
}
"""
WALLET_FIGURES = """
query($a: String!, $since: DateTime, $until: DateTime) {
  wallet(address: $a) {
    balance fiatValue { amount }
    flows(since: $since, until: $until) { received sent net transactionCount }
  }
}
"""
HISTORY = """
query($interval: Interval!, $since: DateTime, $until: DateTime) {
  portfolio { balanceHistory(interval: $interval, since: $since, until: $until) { at balance } }
}
"""
WALLET_HISTORY = """
query($a: String!, $interval: Interval!, $since: DateTime, $until: DateTime) {
  wallet(address: $a) {
    confirmedBalance
    balanceHistory(interval: $interval, since: $since, until: $until) { at balance }
  }
}
"""


@pytest.fixture
def portfolio(graphql: GraphQLClient, database_url: str) -> GraphQLClient:
    """The three wallets as a finished sync leaves them, running balances included."""
    for address, history in HISTORIES.items():
        assert graphql.add_wallet(address)["errors"] == []
        seed_transactions(database_url, address, history, tip_height=110 if address == A else None)
    return graphql


@pytest.fixture(params=["balanced", "mid-sync"])
def any_portfolio(
    request: pytest.FixtureRequest, graphql: GraphQLClient, database_url: str
) -> GraphQLClient:
    """The portfolio with running balances (read by index seeks), and as a sync still writing
    leaves it, without them (summed per interval instead)."""
    for address, history in HISTORIES.items():
        assert graphql.add_wallet(address)["errors"] == []
        seed_transactions(
            database_url,
            address,
            history,
            tip_height=110 if address == A else None,
            running_balances=request.param == "balanced",
        )
    return graphql


def flows(received: int, sent: int, count: int) -> dict[str, Any]:
    return {
        "received": str(received),
        "sent": str(sent),
        "net": str(received - sent),
        "transactionCount": count,
    }


def test_portfolio_totals_and_flows_count_own_transfers_only_as_fees(
    portfolio: GraphQLClient,
) -> None:
    whole = portfolio.data(PORTFOLIO)["portfolio"]
    assert whole == {
        "walletCount": 3,
        "balance": "754800",
        "confirmedBalance": "747800",
        "unconfirmedBalance": "7000",
        "fiatValue": None,  # no price known yet
        # T2 (A to B) nets to -1,000, T5 (C to A) to -700: only the fees left the portfolio.
        "flows": flows(received=807_000, sent=52_200, count=6),
    }
    # Since inclusive, until exclusive: T5 at exactly 2025-01-06 00:00 falls in the second.
    first = {"since": "2025-01-02T00:00:00Z", "until": "2025-01-06T00:00:00Z"}
    second = {"since": "2025-01-06T00:00:00Z"}
    assert portfolio.data(PORTFOLIO, first)["portfolio"]["flows"] == flows(300_000, 51_500, 3)
    # The unconfirmed receipt counts at its first-seen time.
    assert portfolio.data(PORTFOLIO, second)["portfolio"]["flows"] == flows(7_000, 700, 2)


WALLET_FLOWS = [
    (A, {}, flows(received=600_000, sent=201_000, count=3)),
    (B, {}, flows(received=207_000, sent=50_500, count=3)),
    (C, {}, flows(received=300_000, sent=100_700, count=2)),
    (A, {"since": "2025-01-02T00:00:00Z", "until": "2025-01-06T00:00:00Z"}, flows(0, 201_000, 1)),
    (C, {"until": "2025-01-06T00:00:00Z"}, flows(300_000, 0, 1)),
    (B, {"since": "2025-01-05T23:59:59Z", "until": "2025-01-06T00:00:00Z"}, flows(0, 50_500, 1)),
]


def test_wallet_flows_show_each_wallets_own_amounts(portfolio: GraphQLClient) -> None:
    for address, period, expected in WALLET_FLOWS:
        wallet = portfolio.data(WALLET_FIGURES, {"a": address, **period})["wallet"]
        assert wallet["flows"] == expected, (address, period)


def test_balance_history_by_day_matches_hand_computed_figures(
    any_portfolio: GraphQLClient,
) -> None:
    points = any_portfolio.data(
        HISTORY,
        {"interval": "DAY", "since": "2025-01-01T00:00:00Z", "until": "2025-01-08T00:00:00Z"},
    )["portfolio"]["balanceHistory"]
    assert [(point["at"][:10], int(point["balance"])) for point in points] == [
        ("2025-01-01", 500_000),  # T1 at midnight belongs to the day it starts
        ("2025-01-02", 499_000),
        ("2025-01-03", 799_000),
        ("2025-01-04", 799_000),
        ("2025-01-05", 748_500),  # T4 at 23:59:59
        ("2025-01-06", 747_800),  # T5 at 00:00:00 is the next day's
        ("2025-01-07", 747_800),  # the unconfirmed receipt is not in the confirmed balance
    ]


def recomputed(
    history: list[SeededTransaction], interval: Interval, since: datetime, until: datetime
) -> list[tuple[datetime, int]]:
    """Balance at the end of each interval, straight from the transactions, in Python."""
    confirmed = [
        (t.tx_time, t.amount_sat)
        for t in history
        if t.block_height is not None and t.tx_time is not None
    ]
    points = []
    start = interval_start(since, interval)
    while start < until:
        end = next_start(start, interval)
        points.append((start, sum(amount for tx_time, amount in confirmed if tx_time < end)))
        start = end
    return points


def test_balance_history_at_every_interval_matches_a_recomputation(
    any_portfolio: GraphQLClient,
) -> None:
    since, until = at("2024-12-30 00:00:00"), at("2025-01-09 00:00:00")
    for interval in Interval:
        for address in (A, B, C):
            wallet = any_portfolio.data(
                WALLET_HISTORY,
                {
                    "a": address,
                    "interval": interval.value,
                    "since": since.isoformat(),
                    "until": until.isoformat(),
                },
            )["wallet"]
            served = [
                (datetime.fromisoformat(p["at"]), int(p["balance"]))
                for p in wallet["balanceHistory"]
            ]
            expected = recomputed(HISTORIES[address], interval, since, until)
            assert served == expected, (interval, address)


def test_without_until_the_last_point_is_the_confirmed_balance(
    any_portfolio: GraphQLClient,
) -> None:
    for address in (A, B, C):
        wallet = any_portfolio.data(WALLET_HISTORY, {"a": address, "interval": "MONTH"})["wallet"]
        points = wallet["balanceHistory"]
        assert points[0]["at"].startswith("2025-01-01")
        assert points[-1]["balance"] == wallet["confirmedBalance"]
        assert datetime.fromisoformat(points[-1]["at"]) <= datetime.now(UTC)


def test_more_than_a_thousand_points_is_an_error_naming_the_limit(
    portfolio: GraphQLClient,
) -> None:
    body = portfolio.execute(HISTORY, {"interval": "HOUR"})  # 2025-01-01 until now, hourly
    [error] = body["errors"]
    assert "limit is 1,000" in error["message"]
    assert "coarser interval" in error["message"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    reversed_period = {
        "interval": "DAY",
        "since": "2025-01-05T00:00:00Z",
        "until": "2025-01-01T00:00:00Z",
    }
    assert "must be before" in portfolio.error_messages(HISTORY, reversed_period)[0]
    # Exactly 1,000 points is allowed.
    since = at("2025-01-01 00:00:00")
    thousand = {
        "interval": "HOUR",
        "since": since.isoformat(),
        "until": (since + timedelta(hours=1000)).isoformat(),
    }
    assert len(portfolio.data(HISTORY, thousand)["portfolio"]["balanceHistory"]) == 1000


def test_fiat_value_uses_the_stored_price_rounded_half_even_to_cents(
    portfolio: GraphQLClient, database_url: str
) -> None:
    priced_at = at("2025-01-08 09:30:00")
    set_market_price(database_url, "65432.1", priced_at)
    whole = portfolio.data(PORTFOLIO)["portfolio"]["fiatValue"]
    # 754,800 sat x 65,432.10 USD / 10^8 = 493.8814908
    assert whole == {"currency": "USD", "amount": "493.88", "priceAt": "2025-01-08T09:30:00+00:00"}
    wallet = portfolio.data(WALLET_FIGURES, {"a": A})["wallet"]
    assert wallet["fiatValue"] == {"amount": "261.07"}  # 399,000 sat: 261.074079

    for currency in ("EUR", "usd", ""):
        body = portfolio.execute(
            "query($c: String) { portfolio { fiatValue(currency: $c) { amount } } }",
            {"c": currency},
        )
        [error] = body["errors"]
        assert error["extensions"]["code"] == "INVALID_INPUT"
        assert "USD only" in error["message"]


def test_an_empty_portfolio_is_all_zeros(graphql: GraphQLClient) -> None:
    whole = graphql.data(PORTFOLIO)["portfolio"]
    assert whole["walletCount"] == 0
    assert whole["balance"] == "0"
    assert whole["flows"] == flows(0, 0, 0)
    points = graphql.data(HISTORY, {"interval": "DAY"})["portfolio"]["balanceHistory"]
    assert [point["balance"] for point in points] == ["0"]
