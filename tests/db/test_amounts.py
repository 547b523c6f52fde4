"""Amounts are exact up to 2**256 - 1 on both databases: stored, summed, netted into flows,
running balances and balance history (wei outgrows 64 bits; a float near an amount is a bug)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import InstrumentedAttribute

from db.models import Chain, TrackedAddress, Transaction, sort_key_for
from db.session import SessionFactory
from resolvers.balance_history import Interval, balance_history
from resolvers.flows import flows
from resolvers.pagination import PageRequest
from resolvers.transactions import Direction, TransactionFilter, page_with_tip
from workers.running_balances import refresh_running_balances
from workers.transaction_history import stored_flows, stored_totals, stored_totals_and_flows

START = datetime(2025, 1, 1, tzinfo=UTC)
LARGEST = 2**256 - 1
# A 2**70-wei transfer in, a balance of 10**24 wei, one failed transaction's fee out.
AMOUNTS = [10**24, 2**70, -(2**70) - 21_000 * 10**9, 5, -(10**24) + 7]


async def _ethereum_address(sessions: SessionFactory, amounts: list[int]) -> int:
    async with sessions.begin() as session:
        address_id = await session.scalar(
            insert(TrackedAddress)
            .values(chain=Chain.ETHEREUM, address="0x52908400098527886e0f7030069857d2e4169ee7")
            .returning(TrackedAddress.id)
        )
        assert address_id is not None
        await session.execute(
            insert(Transaction),
            [
                {
                    "address_id": address_id,
                    "txid": f"0x{number:064x}",
                    "block_height": 100 + number,
                    "sort_key": sort_key_for(100 + number),
                    "tx_time": START + timedelta(days=number),
                    "amount_sat": amount,
                }
                for number, amount in enumerate(amounts)
            ],
        )
        await session.execute(
            update(TrackedAddress)
            .where(TrackedAddress.id == address_id)
            .values(
                confirmed_balance_sat=sum(amounts),
                balances_stale_from=START - timedelta(days=1),
            )
        )
    return int(address_id)


async def _column(
    sessions: SessionFactory, column: InstrumentedAttribute[Any], address_id: int
) -> list[Any]:
    """`column` of the address's transactions, oldest first."""
    async with sessions() as session:
        return list(
            await session.scalars(
                select(column)
                .where(Transaction.address_id == address_id)
                .order_by(Transaction.tx_time, Transaction.id)
            )
        )


async def test_the_largest_amounts_are_stored_and_read_back_exactly(
    sessions: SessionFactory,
) -> None:
    address_id = await _ethereum_address(sessions, [LARGEST, -LARGEST, 2**64, -(2**63) - 1])
    stored = await _column(sessions, Transaction.amount_sat, address_id)
    assert stored == [LARGEST, -LARGEST, 2**64, -(2**63) - 1]
    assert all(type(amount) is int for amount in stored)


async def test_sums_flows_and_running_balances_of_wei_are_exact(sessions: SessionFactory) -> None:
    address_id = await _ethereum_address(sessions, AMOUNTS)

    totals = await stored_totals(sessions, address_id=address_id, chain=Chain.ETHEREUM)
    assert totals.balance_sat == totals.confirmed_balance_sat == sum(AMOUNTS)

    found = await flows(sessions, chain=Chain.ETHEREUM, address_ids=[address_id])
    received = sum(amount for amount in AMOUNTS if amount > 0)
    assert (found.received_sat, found.net_sat) == (received, sum(AMOUNTS))
    assert found.sent_sat == -sum(amount for amount in AMOUNTS if amount < 0)

    async with sessions.begin() as session:
        await refresh_running_balances(session, address_id, chain=Chain.ETHEREUM)
    running = await _column(sessions, Transaction.balance_after_sat, address_id)
    expected = [sum(AMOUNTS[: index + 1]) for index in range(len(AMOUNTS))]
    assert running == expected


async def test_a_syncs_final_sums_are_exact_at_the_limits_of_64_and_256_bits(
    sessions: SessionFactory,
) -> None:
    # Amounts at both ends of 64 bits (stored as INTEGER on SQLite) whose sums leave 64 bits,
    # the largest amounts either way (TEXT there), and two unconfirmed rows.
    amounts = [2**63 - 1] * 3 + [-(2**63)] * 2 + [LARGEST, -LARGEST + 1, 2**64, -1, 1]
    amounts += [2**255, -(2**63) - 5]
    address_id = await _ethereum_address(sessions, amounts)
    unconfirmed = {2, len(amounts) - 1}
    async with sessions.begin() as session:
        await session.execute(
            update(Transaction)
            .where(Transaction.txid.in_([f"0x{number:064x}" for number in unconfirmed]))
            .values(block_height=None)
        )
    confirmed = [amount for number, amount in enumerate(amounts) if number not in unconfirmed]
    up_to_height = 100 + 7

    totals = await stored_totals(sessions, address_id=address_id, chain=Chain.ETHEREUM)
    found = await stored_flows(
        sessions, address_id=address_id, chain=Chain.ETHEREUM, up_to_height=up_to_height
    )

    assert (totals.transaction_count, totals.confirmed_transaction_count) == (12, 10)
    assert (totals.balance_sat, totals.confirmed_balance_sat) == (sum(amounts), sum(confirmed))
    assert found.balance_up_to_height == sum(
        amount
        for number, amount in enumerate(amounts)
        if number not in unconfirmed and 100 + number <= up_to_height
    )
    assert found.received_sat == sum(amount for amount in amounts if amount > 0)
    assert found.sent_sat == -sum(amount for amount in amounts if amount < 0)


async def test_totals_and_flows_read_in_one_scan_are_those_read_apart(
    sessions: SessionFactory,
) -> None:
    amounts = [2**63 - 1] * 3 + [-(2**63)] * 2 + [LARGEST, -LARGEST + 1, 2**64, -1, 1, 0]
    address_id = await _ethereum_address(sessions, amounts)
    async with sessions.begin() as session:
        await session.execute(
            update(Transaction).where(Transaction.txid == f"0x{5:064x}").values(block_height=None)
        )

    for up_to_height in (99, 100 + 4, 100 + 7, 10**9):
        totals, found = await stored_totals_and_flows(
            sessions, address_id=address_id, chain=Chain.ETHEREUM, up_to_height=up_to_height
        )
        assert totals == await stored_totals(sessions, address_id=address_id, chain=Chain.ETHEREUM)
        assert found == await stored_flows(
            sessions, address_id=address_id, chain=Chain.ETHEREUM, up_to_height=up_to_height
        )
    assert totals.balance_sat == sum(amounts)
    assert found.received_sat == sum(amount for amount in amounts if amount > 0)
    assert found.sent_sat == -sum(amount for amount in amounts if amount < 0)


async def test_balance_history_of_wei_is_exact_by_seek_and_by_sums(
    sessions: SessionFactory,
) -> None:
    address_id = await _ethereum_address(sessions, AMOUNTS)
    daily = [sum(AMOUNTS[: index + 1]) for index in range(len(AMOUNTS))]

    def points_query() -> dict[str, object]:
        return {
            "chain": Chain.ETHEREUM,
            "address_ids": [address_id],
            "confirmed_balance_sat": sum(AMOUNTS),
            "interval": Interval.DAY,
            "since": START,
            "until": START + timedelta(days=len(AMOUNTS)),
            "now": START + timedelta(days=30),
        }

    # Running balances still stale: the points are summed per interval.
    by_sums = await balance_history(sessions, **points_query())  # type: ignore[arg-type]
    async with sessions.begin() as session:
        await refresh_running_balances(session, address_id, chain=Chain.ETHEREUM)
    by_seek = await balance_history(sessions, **points_query())  # type: ignore[arg-type]
    assert [point.balance_sat for point in by_sums] == daily
    assert [point.balance_sat for point in by_seek] == daily


async def test_directions_of_amounts_past_64_bits(sessions: SessionFactory) -> None:
    address_id = await _ethereum_address(sessions, AMOUNTS)
    request = PageRequest(limit=50, backward=False, after=None, before=None)
    found = {}
    for direction in Direction:
        wanted = replace(TransactionFilter(direction=direction), big_amounts=True)
        page, _ = await page_with_tip(
            sessions,
            address_id=address_id,
            chain=Chain.ETHEREUM,
            request=request,
            transaction_filter=wanted,
        )
        found[direction] = sorted(row.amount_sat for row in page.rows)
    assert found[Direction.RECEIVED] == sorted(amount for amount in AMOUNTS if amount > 0)
    assert found[Direction.SENT] == sorted(amount for amount in AMOUNTS if amount < 0)
    assert found[Direction.SELF] == []
