"""A first full sync's newest-first pages, written with their running balances known in advance.

Bitcoin-like explorers list an address's history newest first, and the first page's summary
gives its balance. On an address with nothing stored yet, every row's `balance_after_sat` is
then known as it is written: the newest row's is the confirmed balance, and each older one's is
the one after it less that row's amount. Rows go in as plain inserts of ready values (SQLite:
one `json_each` statement a page; PostgreSQL: `COPY`), with no upsert, no stale look-ups and no
recompute of every row at the end.

Exactness is proved, not assumed: the pass carries the balance before its oldest row so far
(`BalanceCarry`), checks that each page sorts wholly before what is stored, and only if the
carry ends at exactly 0 on the last page (every amount accounted for, none twice) does it clear
the address's stale mark. Until then every page marks the balances stale as a general write
does, so readers meanwhile, and any pass that goes wrong, fall back to the recompute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import asyncpg
import orjson
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.amounts import Amount
from db.models import TrackedAddress, Transaction, sort_key_for
from workers import page_append
from workers.providers.base import ProviderTransaction
from workers.running_balances import mark_balances_stale

# What a page's COPY fills, in the order of its records.
_COPY_COLUMNS = (
    "address_id",
    "txid",
    "block_height",
    "sort_key",
    "tx_time",
    "amount_sat",
    "fee",
    "failed",
    "sync_pass",
    "balance_after_sat",
)


class PageOverlapsStoredRows(Exception):
    """A row of the page is stored already (the explorer's pages shifted between two reads):
    the caller rolls the page back and upserts it the general way."""


@dataclass(frozen=True)
class BalanceCarry:
    """Where a first full pass's running balances stand; kept in its resume point."""

    balance_before: int
    """The confirmed balance just before the oldest row written so far (before the first
    page: the provider's balance, unconfirmed amounts included)."""
    exact: bool = True
    """False once a page could not be written with exact balances: the finish recomputes."""
    started: bool = False
    """Whether a page has been written (unconfirmed rows are only expected on the first)."""

    def encode(self) -> dict[str, object]:
        return {"balance_before": self.balance_before, "exact": self.exact, "started": True}

    @classmethod
    def decode(cls, fields: object) -> BalanceCarry | None:
        if not isinstance(fields, dict):
            return None
        balance, exact = fields.get("balance_before"), fields.get("exact")
        if not isinstance(balance, int) or not isinstance(exact, bool):
            return None
        return cls(balance_before=balance, exact=exact, started=bool(fields.get("started")))


async def write_page(
    connection: AsyncConnection,
    address_id: int,
    transactions: Sequence[ProviderTransaction],
    *,
    sync_pass: int,
    carry: BalanceCarry,
    first_seen: datetime,
    last_page: bool,
) -> BalanceCarry:
    """Inserts the page (the next older one of the pass) and returns the carry after it.

    Raises `PageOverlapsStoredRows` when a row of the page is stored already; the rows before
    it may be inserted, so the caller must roll back."""
    times = [
        tx.time if tx.time is not None or tx.block_height is not None else first_seen
        for tx in transactions
    ]
    balances: list[int | None] = [None] * len(transactions)
    if carry.exact and transactions:
        carry, balances = await _balances(connection, address_id, transactions, times, carry)
    page_times = [time for time in times if time is not None]
    if page_times:
        await mark_balances_stale(connection, address_id, min(page_times))
    await _insert(connection, address_id, transactions, times, balances, sync_pass=sync_pass)
    carry = replace(carry, started=carry.started or bool(transactions))
    if last_page and carry.exact and carry.balance_before == 0:
        # Every amount the balance is made of is written, each once: all balances are exact.
        await connection.execute(
            update(TrackedAddress)
            .where(TrackedAddress.id == address_id)
            .values(balances_stale_from=None)
        )
    return carry


async def _balances(
    connection: AsyncConnection,
    address_id: int,
    transactions: Sequence[ProviderTransaction],
    times: list[datetime | None],
    carry: BalanceCarry,
) -> tuple[BalanceCarry, list[int | None]]:
    """Each confirmed row's running balance, counted down from the carry; the carry after
    the page, inexact if the page does not sort wholly before the stored rows."""
    balances: list[int | None] = [None] * len(transactions)
    confirmed = [
        index
        for index, tx in enumerate(transactions)
        if tx.block_height is not None and tx.time is not None
    ]
    unconfirmed_sum = sum(tx.amount_sat for tx in transactions) - sum(
        transactions[index].amount_sat for index in confirmed
    )
    if len(confirmed) < len(transactions) and carry.started:
        # Mempool rows below the top: their amounts were counted in the balances above them.
        return replace(carry, exact=False), balances
    oldest = await _oldest_stored_time(connection, address_id)
    # Running-balance order is (tx_time, id); the page's rows get their ids in page order.
    in_order = sorted(confirmed, key=lambda index: (times[index], index))
    running = carry.balance_before - unconfirmed_sum
    if in_order and oldest is not None:
        newest = times[in_order[-1]]
        assert newest is not None
        if newest > oldest:
            return replace(carry, exact=False), balances
        if newest == oldest:
            # A block split across two pages: the page's rows of that time get higher ids than
            # the stored ones, so they come after them, and the stored ones' balances drop by
            # what this page adds before them.
            tied = [index for index in in_order if times[index] == oldest]
            tied_sum = sum(transactions[index].amount_sat for index in tied)
            stored_sum = await _lower_balances_at(connection, address_id, oldest, tied_sum)
            for index in reversed(tied):
                balances[index] = running + stored_sum
                running -= transactions[index].amount_sat
            in_order = in_order[: -len(tied)]
    for index in reversed(in_order):
        balances[index] = running
        running -= transactions[index].amount_sat
    return replace(carry, balance_before=running), balances


async def _oldest_stored_time(connection: AsyncConnection, address_id: int) -> datetime | None:
    """The earliest time of the address's stored confirmed rows: the first entry of its range
    in the time index."""
    return await connection.scalar(
        select(Transaction.tx_time)
        .where(
            Transaction.address_id == address_id,
            Transaction.block_height.is_not(None),
            Transaction.tx_time.is_not(None),
        )
        .order_by(Transaction.tx_time)
        .limit(1)
    )


async def _lower_balances_at(
    connection: AsyncConnection, address_id: int, time: datetime, amount: int
) -> int:
    """Lowers the balances of the stored confirmed rows at `time` by `amount`; their amounts'
    sum. Summed and written in Python: exact at any size on SQLite too (a block has few rows
    of one address)."""
    rows = (
        await connection.execute(
            select(Transaction.id, Transaction.amount_sat, Transaction.balance_after_sat).where(
                Transaction.address_id == address_id,
                Transaction.block_height.is_not(None),
                Transaction.tx_time == time,
            )
        )
    ).all()
    if amount:
        await connection.execute(
            update(Transaction)
            .where(Transaction.id == bindparam("row_id"))
            .values(balance_after_sat=bindparam("lowered", type_=Amount())),
            [{"row_id": row_id, "lowered": (balance or 0) - amount} for row_id, _, balance in rows],
        )
    return sum(row_amount for _, row_amount, _ in rows)


async def _insert(
    connection: AsyncConnection,
    address_id: int,
    transactions: Sequence[ProviderTransaction],
    times: list[datetime | None],
    balances: list[int | None],
    *,
    sync_pass: int,
) -> None:
    if not transactions:
        return
    if connection.dialect.name == "postgresql":
        await _copy(connection, address_id, transactions, times, balances, sync_pass=sync_pass)
        return
    # Rows of one block share their time: each distinct time is formatted once.
    stored_times = {time: page_append.stored_time(time) for time in set(times) if time}
    stored = page_append.stored_amount_value
    rows = [
        (
            tx.txid,
            tx.block_height,
            sort_key_for(tx.block_height),
            None if time is None else stored_times[time],
            stored(tx.amount_sat),
            None if tx.fee is None else stored(tx.fee),
            tx.failed,
            None if balance is None else stored(balance),
        )
        for tx, time, balance in zip(transactions, times, balances, strict=True)
    ]
    rows_json = orjson.dumps(rows).decode()
    # While the statement runs, the next page is read and decoded: the tuples are not kept.
    del rows
    try:
        await page_append.insert_rows(connection, address_id, rows_json, sync_pass)
    except IntegrityError as error:
        raise PageOverlapsStoredRows(str(error)) from error


async def _copy(
    connection: AsyncConnection,
    address_id: int,
    transactions: Sequence[ProviderTransaction],
    times: list[datetime | None],
    balances: list[int | None],
    *,
    sync_pass: int,
) -> None:
    """The page by `COPY` straight into the table: the rows are new, so nothing to merge."""
    records = [
        (
            address_id,
            tx.txid,
            tx.block_height,
            sort_key_for(tx.block_height),
            time,
            tx.amount_sat,
            tx.fee,
            tx.failed,
            sync_pass,
            balance,
        )
        for tx, time, balance in zip(transactions, times, balances, strict=True)
    ]
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    try:
        await driver.copy_records_to_table(
            Transaction.__tablename__, records=records, columns=_COPY_COLUMNS
        )
    except asyncpg.UniqueViolationError as error:
        raise PageOverlapsStoredRows(str(error)) from error
