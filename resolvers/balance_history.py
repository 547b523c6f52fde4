"""Balance at the end of each UTC interval, summed in the database from the transactions.

Balances are counted back from the confirmed balance: the balance at a moment is the
confirmed balance less every confirmed amount at or after it. One grouped query sums the
amounts per interval, so the cost grows with the number of points, not of transactions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Integer, and_, column, func, select, values

from db.models import Transaction
from db.session import SessionFactory
from db.types import UTCDateTime
from resolvers.errors import BadRequestError
from resolvers.flows import check_period

MAX_POINTS = 1_000
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
    address_ids: list[int],
    confirmed_balance_sat: int,
    interval: Interval,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
) -> list[BalancePoint]:
    check_period(since, until)
    confirmed = Transaction.block_height.is_not(None)
    async with sessions() as session:
        first = since
        if first is None and address_ids:
            first = await session.scalar(
                select(func.min(Transaction.tx_time)).where(
                    Transaction.address_id.in_(address_ids), confirmed
                )
            )
        starts = interval_starts(interval, first or now, until, now)
        if not starts:
            return []
        # What came at or after the end of interval i is Σ of the sums of buckets i+1...:
        # bucket j covers [starts[j], starts[j+1]); the last one runs to the end of time
        # (absent `until`, the last point is exactly the confirmed balance).
        bounds = (
            [*starts[1:], next_start(starts[-1], interval)] if until is not None else starts[1:]
        )
        bucket_sums: dict[int, int] = {}
        if bounds and address_ids:
            buckets = (
                values(
                    column("idx", Integer),
                    column("lower", UTCDateTime()),
                    column("upper", UTCDateTime()),
                    name="buckets",
                )
                .data(
                    [
                        (
                            index,
                            lower,
                            bounds[index + 1] if index + 1 < len(bounds) else END_OF_TIME,
                        )
                        for index, lower in enumerate(bounds)
                    ]
                )
                .cte("buckets")
            )
            statement = (
                select(buckets.c.idx, func.sum(Transaction.amount_sat))
                .select_from(buckets)
                .join(
                    Transaction,
                    and_(
                        Transaction.address_id.in_(address_ids),
                        confirmed,
                        Transaction.tx_time >= buckets.c.lower,
                        Transaction.tx_time < buckets.c.upper,
                    ),
                )
                .group_by(buckets.c.idx)
            )
            bucket_sums = {int(i): int(total) for i, total in await session.execute(statement)}
    later = sum(bucket_sums.values())
    points = []
    for index, start in enumerate(starts):
        # Bucket `index` of `bounds` begins where interval `index` ends.
        points.append(BalancePoint(at=start, balance_sat=confirmed_balance_sat - later))
        later -= bucket_sums.get(index, 0)
    return points
