"""Balance at the end of each UTC interval, read in the database from the transactions.

Each sync leaves every confirmed transaction with the running balance after it, so the balance
at a moment is one index seek: the cost grows with the number of points, not of transactions.
While a sync is still writing (or for portfolios of many wallets) the balances are summed per
interval in one grouped query instead."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, column, func, select, values
from sqlalchemy.ext.asyncio import AsyncSession

from db.amounts import amount_total, stored_amount
from db.models import BIG_AMOUNT_CHAINS, Chain, TrackedAddress, Transaction
from db.session import SessionFactory
from db.types import UTCDateTime
from resolvers.errors import BadRequestError
from resolvers.flows import check_period

MAX_POINTS = 1_000
# Above this many (wallet, point) pairs, one grouped sum beats a seek per pair.
MAX_SEEKS = 20_000
# The upper bound of the open-ended last interval.
END_OF_TIME = datetime(9999, 1, 1, tzinfo=UTC)


class Interval(enum.Enum):
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@dataclass(frozen=True)
class BalancePoint:
    at: datetime
    """Start of the interval."""
    balance_sat: int
    """Confirmed balance at the end of the interval."""


def interval_start(moment: datetime, interval: Interval) -> datetime:
    """Start (UTC) of the interval holding `moment`; weeks start on Monday."""
    moment = moment.astimezone(UTC)
    hour = moment.replace(minute=0, second=0, microsecond=0)
    if interval is Interval.HOUR:
        return hour
    day = hour.replace(hour=0)
    if interval is Interval.DAY:
        return day
    if interval is Interval.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_start(start: datetime, interval: Interval) -> datetime:
    if interval is Interval.HOUR:
        return start + timedelta(hours=1)
    if interval is Interval.DAY:
        return start + timedelta(days=1)
    if interval is Interval.WEEK:
        return start + timedelta(days=7)
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def interval_starts(
    interval: Interval, first: datetime, until: datetime | None, now: datetime
) -> list[datetime]:
    """Starts of the intervals from the one holding `first` to the last one starting before
    `until` (or the one holding `now`); an error naming the limit past MAX_POINTS."""
    starts: list[datetime] = []
    start = interval_start(first, interval)
    while (start < until) if until is not None else (start <= now):
        if len(starts) == MAX_POINTS:
            raise BadRequestError(
                f"balanceHistory would return more than {MAX_POINTS:,} points at"
                f" {interval.value} intervals from {starts[0].isoformat()}; the limit is"
                f" {MAX_POINTS:,}: choose a coarser interval or a shorter range."
            )
        starts.append(start)
        start = next_start(start, interval)
    return starts


async def balance_history(
    sessions: SessionFactory,
    *,
    chain: Chain,
    address_ids: list[int],
    confirmed_balance_sat: int,
    interval: Interval,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
) -> list[BalancePoint]:
    check_period(since, until)
    async with sessions() as session:
        first = since
        if first is None and address_ids:
            first = await session.scalar(
                select(func.min(Transaction.tx_time)).where(
                    Transaction.address_id.in_(address_ids), Transaction.block_height.is_not(None)
                )
            )
        starts = interval_starts(interval, first or now, until, now)
        if not starts:
            return []
        # Absent `until`, the last interval runs on to the end of time: its point is exactly
        # the confirmed balance.
        ends = [*starts[1:], next_start(starts[-1], interval) if until is not None else END_OF_TIME]
        if not address_ids:
            balances = [0] * len(starts)
        elif len(address_ids) * len(starts) <= MAX_SEEKS and await _all_balanced(
            session, address_ids
        ):
            balances = await _balances_by_seek(session, address_ids, ends)
        else:
            big_amounts = chain in BIG_AMOUNT_CHAINS
            balances = await _balances_by_sums(
                session, address_ids, confirmed_balance_sat, ends, big_amounts=big_amounts
            )
    return [
        BalancePoint(at=start, balance_sat=balance)
        for start, balance in zip(starts, balances, strict=True)
    ]


def _bounds(ends: list[datetime], name: str) -> Any:
    """A CTE of (idx, upper) rows: the end of each interval, to join or correlate against."""
    return (
        values(column("idx", Integer), column("upper", UTCDateTime()), name=name)
        .data(list(enumerate(ends)))
        .cte(name)
    )


async def _all_balanced(session: AsyncSession, address_ids: list[int]) -> bool:
    """Whether every running balance is exact (no sync has written since its last end)."""
    stale = await session.scalar(
        select(func.count())
        .select_from(TrackedAddress)
        .where(TrackedAddress.id.in_(address_ids), TrackedAddress.balances_stale_from.is_not(None))
    )
    return stale == 0


async def _balances_by_seek(
    session: AsyncSession, address_ids: list[int], ends: list[datetime]
) -> list[int]:
    """Per address and interval end, the running balance of the last confirmed transaction
    before it: one index seek each, whatever the size of the history."""
    totals = [0] * len(ends)
    bounds = _bounds(ends, "interval_ends")
    for address_id in address_ids:
        balance_then = (
            select(Transaction.balance_after_sat)
            .where(
                Transaction.address_id == address_id,
                Transaction.tx_time < bounds.c.upper,
                Transaction.balance_after_sat.is_not(None),
            )
            .order_by(Transaction.tx_time.desc(), Transaction.id.desc())
            .limit(1)
            .correlate(bounds)
            .scalar_subquery()
        )
        for index, balance in await session.execute(select(bounds.c.idx, balance_then)):
            totals[index] += stored_amount(balance) or 0
    return totals


async def _balances_by_sums(
    session: AsyncSession,
    address_ids: list[int],
    confirmed_balance_sat: int,
    ends: list[datetime],
    *,
    big_amounts: bool,
) -> list[int]:
    """Counted back from the confirmed balance: the balance at the end of interval i is the
    confirmed balance less every confirmed amount at or after it, summed per interval in one
    grouped query (the fallback while a sync is writing, and for portfolios of many wallets)."""
    # Bucket j holds what came in [ends[j], ends[j + 1]); the last one runs to the end of time.
    buckets = (
        values(
            column("idx", Integer),
            column("lower", UTCDateTime()),
            column("upper", UTCDateTime()),
            name="buckets",
        )
        .data(
            [
                (index, lower, ends[index + 1] if index + 1 < len(ends) else END_OF_TIME)
                for index, lower in enumerate(ends)
                if lower < END_OF_TIME
            ]
        )
        .cte("buckets")
    )
    statement = (
        select(buckets.c.idx, amount_total(Transaction.amount_sat, big_amounts=big_amounts))
        .select_from(buckets)
        .join(
            Transaction,
            and_(
                Transaction.address_id.in_(address_ids),
                Transaction.block_height.is_not(None),
                Transaction.tx_time >= buckets.c.lower,
                Transaction.tx_time < buckets.c.upper,
            ),
        )
        .group_by(buckets.c.idx)
    )
    sums = {
        int(index): stored_amount(total) or 0 for index, total in await session.execute(statement)
    }
    later = sum(sums.values())
    balances = []
    for index in range(len(ends)):
        balances.append(confirmed_balance_sat - later)
        later -= sums.get(index, 0)
    return balances
