"""Running balances (`balance_after_sat`): marked stale from the earliest row a write touches,
recomputed in chunks from the last balance still exact."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.models import BIG_AMOUNT_CHAINS, Chain, TrackedAddress, Transaction

REFRESH_CHUNK_ROWS = 20_000


async def mark_balances_stale(
    connection: AsyncConnection, address_id: int, stale_from: datetime
) -> None:
    """Running balances from `stale_from` on need recomputing (it only ever moves earlier)."""
    await connection.execute(
        update(TrackedAddress)
        .where(
            TrackedAddress.id == address_id,
            or_(
                TrackedAddress.balances_stale_from.is_(None),
                TrackedAddress.balances_stale_from > stale_from,
            ),
        )
        .values(balances_stale_from=stale_from)
    )


async def refresh_running_balances(session: AsyncSession, address_id: int, *, chain: Chain) -> None:
    """Recomputes `balance_after_sat` from the address's `balances_stale_from` on, with
    windowed UPDATEs that start from the last balance still exact.

    On SQLite they go `REFRESH_CHUNK_ROWS` rows at a time, each carrying on from the balance
    the one before ended with: SQLite holds a windowed UPDATE's rows in the worker's memory,
    and all 156,000 of one address at once took its peak memory from 95 to 174 MB.
    PostgreSQL holds them in its own process (spilling to disk past `work_mem`) and sums
    NUMERIC exactly, so there one UPDATE does it for every chain."""
    stale_from = await session.scalar(
        select(TrackedAddress.balances_stale_from).where(TrackedAddress.id == address_id)
    )
    if stale_from is None:
        return
    if session.get_bind().dialect.name == "postgresql":
        await _refresh_in_one_update(session, address_id, stale_from)
    elif chain in BIG_AMOUNT_CHAINS:
        await _refresh_exactly(session, address_id, stale_from)
    else:
        await _refresh_in_sql(session, address_id, stale_from)
    await session.execute(
        update(TrackedAddress)
        .where(TrackedAddress.id == address_id)
        .values(balances_stale_from=None)
    )


def _confirmed(address_id: int) -> tuple[ColumnElement[bool], ...]:
    return (
        Transaction.address_id == address_id,
        Transaction.block_height.is_not(None),
        Transaction.tx_time.is_not(None),
    )


async def _last_exact_balance(session: AsyncSession, address_id: int, stale_from: datetime) -> int:
    base = await session.scalar(
        select(Transaction.balance_after_sat)
        .where(*_confirmed(address_id), Transaction.tx_time < stale_from)
        .order_by(Transaction.tx_time.desc(), Transaction.id.desc())
        .limit(1)
    )
    return base or 0


async def _refresh_exactly(session: AsyncSession, address_id: int, stale_from: datetime) -> None:
    """Running balances summed in Python, for amounts past 64 bits (wei): SQLite's window SUM
    would turn them into floats. Read and written `REFRESH_CHUNK_ROWS` at a time."""
    balance = await _last_exact_balance(session, address_id, stale_from)
    in_order = (Transaction.tx_time, Transaction.id)
    after: tuple[datetime, int] | None = None
    while True:
        remaining = [*_confirmed(address_id), Transaction.tx_time >= stale_from]
        if after is not None:
            remaining.append(_after(*after))
        rows = (
            await session.execute(
                select(Transaction.id, Transaction.tx_time, Transaction.amount_sat)
                .where(*remaining)
                .order_by(*in_order)
                .limit(REFRESH_CHUNK_ROWS)
            )
        ).all()
        if not rows:
            return
        updates = []
        for row_id, _, amount in rows:
            balance += amount
            updates.append({"id": row_id, "balance_after_sat": balance})
        await session.execute(update(Transaction), updates)
        last_id, last_time, _ = rows[-1]
        assert last_time is not None, "confirmed rows have a time"
        after = (last_time, last_id)


async def _refresh_in_sql(session: AsyncSession, address_id: int, stale_from: datetime) -> None:
    """Running balances by windowed UPDATEs, for amounts that fit 64 bits (the fast path)."""
    confirmed = _confirmed(address_id)
    base: int | None = await _last_exact_balance(session, address_id, stale_from)
    in_order = (Transaction.tx_time, Transaction.id)
    after: tuple[datetime, int] | None = None
    while True:
        remaining = [*confirmed, Transaction.tx_time >= stale_from]
        if after is not None:
            remaining.append(_after(*after))
        last = (
            await session.execute(
                select(*in_order)
                .where(*remaining)
                .order_by(*in_order)
                .offset(REFRESH_CHUNK_ROWS - 1)
                .limit(1)
            )
        ).first()
        end: tuple[datetime, int] | None = None
        if last is not None:
            assert last.tx_time is not None, "confirmed rows have a time"
            end = (last.tx_time, last.id)
        chunk = remaining if end is None else [*remaining, _up_to(*end)]
        running = (
            select(
                Transaction.id.label("id"),
                ((base or 0) + func.sum(Transaction.amount_sat).over(order_by=in_order)).label(
                    "balance"
                ),
            )
            .where(*chunk)
            .subquery()
        )
        await session.execute(
            update(Transaction)
            .where(Transaction.id == running.c.id)
            .values(balance_after_sat=running.c.balance)
        )
        if end is None:
            break
        after = end
        base = await session.scalar(
            select(Transaction.balance_after_sat).where(Transaction.id == end[1])
        )


async def _refresh_in_one_update(
    session: AsyncSession, address_id: int, stale_from: datetime
) -> None:
    """Running balances by one windowed UPDATE, for PostgreSQL: no chunk boundaries to look
    up, and rows whose balance stays the same are not rewritten."""
    base = await _last_exact_balance(session, address_id, stale_from)
    running = (
        select(
            Transaction.id.label("id"),
            (
                base
                + func.sum(Transaction.amount_sat).over(
                    order_by=(Transaction.tx_time, Transaction.id)
                )
            ).label("balance"),
        )
        .where(*_confirmed(address_id), Transaction.tx_time >= stale_from)
        .subquery()
    )
    await session.execute(
        update(Transaction)
        .where(
            Transaction.id == running.c.id,
            Transaction.balance_after_sat.is_distinct_from(running.c.balance),
        )
        .values(balance_after_sat=running.c.balance)
    )


def _after(tx_time: datetime, row_id: int) -> ColumnElement[bool]:
    """Rows after (tx_time, id) in running-balance order, as a range of the time index."""
    return and_(
        Transaction.tx_time >= tx_time,
        or_(Transaction.tx_time > tx_time, Transaction.id > row_id),
    )


def _up_to(tx_time: datetime, row_id: int) -> ColumnElement[bool]:
    """Rows up to (tx_time, id) inclusive in running-balance order."""
    return and_(
        Transaction.tx_time <= tx_time,
        or_(Transaction.tx_time < tx_time, Transaction.id <= row_id),
    )
