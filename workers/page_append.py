"""A page written after every stored row, with its running balances, on SQLite.

A sync that reads oldest first (Ethereum) mostly adds rows later than every stored one. Each
row's `balance_after_sat` is then the last stored balance plus the page's amounts so far, known
as the row is written: no stale mark, and nothing left for `refresh_running_balances`. The
rows go to SQLite as one JSON array in one `INSERT … SELECT … FROM json_each(?)`: one statement
step for the whole page, so the driver lets go of the GIL once a page instead of once a row
(with `executemany`, each row's re-take waited for the event loop while it decoded the next
page). A row already stored (an incremental pass, a reorg that moved a transaction) makes it
raise `IntegrityError`, and the caller rolls the whole page back and upserts it the general
way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.amounts import INT64_MAX, INT64_MIN
from db.models import TrackedAddress, Transaction
from workers.providers.base import ProviderTransaction

_COLUMNS = (
    "address_id, txid, block_height, sort_key, tx_time, amount_sat, fee, failed, sync_pass, "
    "balance_after_sat"
)
# JSON keeps each value's SQLite type: integers (64-bit, exact) stay INTEGER, the text of a
# larger amount stays TEXT, true/false become 1/0 as bound booleans do. `ORDER BY key` keeps
# the page's order, which the new rows' ids follow. The address and the pass, the same for
# every row, are bound once: SQLite parses a row's JSON again for each value it extracts.
_INSERT_PAGE = (
    f"INSERT INTO transactions ({_COLUMNS}) SELECT ?2, "
    + ", ".join(f"json_extract(value, '$[{index}]')" for index in range(7))
    + ", ?3, json_extract(value, '$[7]') FROM json_each(?1) ORDER BY key"
)


async def append_with_balances(
    connection: AsyncConnection,
    address_id: int,
    transactions: Sequence[ProviderTransaction],
    *,
    sync_pass: int,
) -> bool:
    """Inserts the page with its running balances when it comes after every stored row of
    the address and their balances are exact; False (nothing written) otherwise.

    Raises `IntegrityError` when a row of the page is stored already: the caller must roll
    back the transaction, since the rows before it are inserted."""
    if connection.dialect.name != "sqlite" or not transactions:
        return False
    if len({tx.txid for tx in transactions}) != len(transactions):
        return False
    times = []
    for tx in transactions:
        if tx.block_height is None or tx.time is None:
            return False
        times.append(tx.time)
    stale_from = await connection.scalar(
        select(TrackedAddress.balances_stale_from).where(TrackedAddress.id == address_id)
    )
    if stale_from is not None:
        return False
    last = (
        await connection.execute(
            select(Transaction.tx_time, Transaction.balance_after_sat)
            .where(
                Transaction.address_id == address_id,
                Transaction.block_height.is_not(None),
                Transaction.tx_time.is_not(None),
            )
            .order_by(Transaction.tx_time.desc(), Transaction.id.desc())
            .limit(1)
        )
    ).first()
    balance = 0
    if last is not None:
        last_time, last_balance = last
        if last_balance is None or last_time is None or min(times) < last_time:
            return False
        balance = last_balance
    rows = _rows_with_balances(transactions, times, balance)
    await insert_rows(connection, address_id, orjson.dumps(rows).decode(), sync_pass)
    return True


def _rows_with_balances(
    transactions: Sequence[ProviderTransaction], times: Sequence[datetime], balance: int
) -> list[tuple[object, ...]]:
    """The page's rows as `_INSERT_PAGE` reads them, each with its running balance after
    `balance`, the last stored one."""
    # New rows get their ids in page order, so (tx_time, id) order is the page's, sorted
    # stably by time.
    balances: list[int] = [0] * len(transactions)
    for index in sorted(range(len(transactions)), key=times.__getitem__):
        balance += transactions[index].amount_sat
        balances[index] = balance
    # Rows of one block share their time: each distinct time is formatted once.
    stored_times = {time: stored_time(time) for time in set(times)}
    # Inline: a function call a value was a third of the page's cost. `sort_key` is the
    # block height (every row here has one); amounts as `Amount` binds them on SQLite:
    # INTEGER within 64 bits, else exact text.
    rows: list[tuple[object, ...]] = [
        (
            tx.txid,
            tx.block_height,
            tx.block_height,
            stored_times[time],
            amount if INT64_MIN <= (amount := tx.amount_sat) <= INT64_MAX else str(amount),
            fee if (fee := tx.fee) is None or INT64_MIN <= fee <= INT64_MAX else str(fee),
            tx.failed,
            after if INT64_MIN <= after <= INT64_MAX else str(after),
        )
        for tx, time, after in zip(transactions, times, balances, strict=True)
    ]
    return rows


def stored_time(time: datetime) -> str:
    """A time as `UTCDateTime` stores it on SQLite: naive UTC text with microseconds, which
    sorts as time does (about a third of the cost of SQLAlchemy's bind processors)."""
    if time.tzinfo is not UTC:
        if time.tzinfo is None:
            raise ValueError(f"naive datetime {time!r}: pass an aware datetime")
        time = time.astimezone(UTC)
    # Its date and its naive time of day, each formatted in C: the aware time's own
    # `isoformat` asks the zone for its offset, which took half of the formatting.
    return f"{time.date()} {time.time().isoformat('microseconds')}"


def stored_amount_value(amount: int) -> int | str:
    """An amount as `Amount` binds it on SQLite: INTEGER within 64 bits, else exact text."""
    return amount if INT64_MIN <= amount <= INT64_MAX else str(amount)


async def insert_rows(
    connection: AsyncConnection, address_id: int, rows_json: str, sync_pass: int
) -> None:
    """Inserts ready rows, given as one JSON array of `[txid, block_height, sort_key, stored
    time, amount, fee, failed, balance_after]` (values as `stored_time`/`stored_amount_value`
    make them), in one statement. Raises `IntegrityError` when a row is stored already."""
    await connection.exec_driver_sql(_INSERT_PAGE, (rows_json, address_id, sync_pass))
