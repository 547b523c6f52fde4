"""Fiat value and balance history on wallets synced from the provider simulator, a reorg
included."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.models import TrackedAddress, Transaction
from db.session import SessionFactory
from resolvers.balance_history import Interval, interval_start, next_start
from tests.conftest import LiveServer
from tests.utils.graphql import GraphQLClient
from tests.utils.sync_harness import provider_history
from tools.simulator.testing import RunningSimulator

ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
JOB = "query($id: ID!) { job(id: $id) { status error } }"
SYNC = (
    "mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } errors { message } } }"
)
FIGURES = """
query($a: String!, $interval: Interval!, $since: DateTime) {
  wallet(address: $a) {
    balance confirmedBalance
    fiatValue { currency amount priceAt }
    balanceHistory(interval: $interval, since: $since) { at balance }
  }
}
"""


@pytest.fixture
def syncing_graphql(syncing_server: LiveServer) -> Iterator[GraphQLClient]:
    with GraphQLClient(syncing_server.base_url) as client:
        yield client


def wait_for_job(graphql: GraphQLClient, job_id: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = graphql.data(JOB, {"id": job_id})["job"]
        if job["status"] == "SUCCEEDED":
            return
        assert job["status"] != "FAILED", job["error"]
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def sync(graphql: GraphQLClient, address: str) -> None:
    payload = graphql.data(SYNC, {"a": address})["syncWallet"]
    assert payload["errors"] == []
    wait_for_job(graphql, payload["job"]["id"])


async def stored_confirmed(sessions: SessionFactory, address: str) -> list[tuple[datetime, int]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Transaction.tx_time, Transaction.amount_sat)
            .join(TrackedAddress, TrackedAddress.id == Transaction.address_id)
            .where(TrackedAddress.address == address, Transaction.block_height.is_not(None))
        )
        return [(tx_time, amount) for tx_time, amount in rows if tx_time is not None]


def recomputed(
    confirmed: list[tuple[datetime, int]], interval: Interval, since: datetime
) -> list[tuple[datetime, int]]:
    points = []
    start = interval_start(since, interval)
    now = datetime.now(UTC)
    while start <= now:
        end = next_start(start, interval)
        last = end > now
        points.append(
            (start, sum(amount for tx_time, amount in confirmed if last or tx_time < end))
        )
        start = end
    return points


async def assert_history_matches_the_transactions(
    graphql: GraphQLClient, sessions: SessionFactory
) -> None:
    confirmed = await stored_confirmed(sessions, ADDRESS)
    since = max(tx_time for tx_time, _ in confirmed) - timedelta(days=40)
    for interval in (Interval.DAY, Interval.WEEK, Interval.MONTH):
        wallet = graphql.data(
            FIGURES, {"a": ADDRESS, "interval": interval.value, "since": since.isoformat()}
        )["wallet"]
        served = [
            (datetime.fromisoformat(p["at"]), int(p["balance"])) for p in wallet["balanceHistory"]
        ]
        assert served == recomputed(confirmed, interval, since), interval
        assert wallet["balanceHistory"][-1]["balance"] == wallet["confirmedBalance"]


async def test_fiat_value_comes_from_the_price_quoted_at_the_last_sync(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    simulator.admin.set_market_price(61_234)
    before = datetime.now(UTC)
    wait_for_job(syncing_graphql, syncing_graphql.add_wallet(ADDRESS)["job"]["id"])
    wallet = syncing_graphql.data(FIGURES, {"a": ADDRESS, "interval": "MONTH"})["wallet"]
    expected = (Decimal(wallet["balance"]) * 61_234 / 100_000_000).quantize(Decimal("0.01"))
    assert wallet["fiatValue"]["currency"] == "USD"
    assert wallet["fiatValue"]["amount"] == str(expected)
    assert datetime.fromisoformat(wallet["fiatValue"]["priceAt"]) >= before.replace(microsecond=0)

    simulator.admin.set_market_price(70_000)
    sync(syncing_graphql, ADDRESS)
    wallet = syncing_graphql.data(FIGURES, {"a": ADDRESS, "interval": "MONTH"})["wallet"]
    expected = (Decimal(wallet["balance"]) * 70_000 / 100_000_000).quantize(Decimal("0.01"))
    assert wallet["fiatValue"]["amount"] == str(expected)


async def test_balance_history_follows_a_reorg(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator, sessions: SessionFactory
) -> None:
    for amount in (120_000, -30_000, 45_000):
        simulator.admin.mine_block(address=ADDRESS, amounts_sat=[amount])
    wait_for_job(syncing_graphql, syncing_graphql.add_wallet(ADDRESS)["job"]["id"])
    await assert_history_matches_the_transactions(syncing_graphql, sessions)
    before = await stored_confirmed(sessions, ADDRESS)

    report = simulator.admin.reorg(3)
    sync(syncing_graphql, ADDRESS)

    stored = sorted((txid, height) for txid, height, _ in provider_history(simulator, ADDRESS))
    async with sessions() as session:
        rows = await session.execute(
            select(Transaction.txid, Transaction.block_height)
            .join(TrackedAddress, TrackedAddress.id == Transaction.address_id)
            .where(TrackedAddress.address == ADDRESS)
        )
        assert sorted((txid, height) for txid, height in rows) == stored
    assert report.transactions  # the reorg replaced blocks holding the address's transactions
    assert await stored_confirmed(sessions, ADDRESS) != before
    await assert_history_matches_the_transactions(syncing_graphql, sessions)
