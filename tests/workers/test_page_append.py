"""A page appended on SQLite stores its times exactly as SQLAlchemy would bind them, and its
running balances carry on from the pages before it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import Chain, TrackedAddress, Transaction
from db.session import create_engine
from workers.page_append import append_with_balances, stored_time
from workers.providers.base import ProviderTransaction

BIND = sqlite.DATETIME().bind_processor(sqlite.dialect())  # type: ignore[no-untyped-call]


@pytest.mark.parametrize(
    "time",
    [
        datetime.fromtimestamp(1_695_777_985, UTC),
        datetime(2015, 7, 30, 15, 26, 13, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ],
)
def test_a_time_is_stored_as_sqlalchemy_binds_it_in_utc(time: datetime) -> None:
    assert BIND is not None
    assert stored_time(time) == BIND(time.astimezone(UTC).replace(tzinfo=None))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        stored_time(datetime(2024, 1, 1))


T0 = datetime(2030, 1, 1, tzinfo=UTC)
WEI = 10**18


@pytest.fixture
async def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite database's engine (appending pages is SQLite's alone)."""
    path = tmp_path / "appended.db"
    shutil.copy(sqlite_template, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    yield engine
    await engine.dispose()


async def _address_id(engine: AsyncEngine) -> int:
    async with engine.begin() as connection:
        result = await connection.execute(
            insert(TrackedAddress)
            .values(chain=Chain.ETHEREUM, address="0x" + "ab" * 20)
            .returning(TrackedAddress.id)
        )
        return int(result.scalar_one())


def _page(first: int, count: int) -> list[ProviderTransaction]:
    return [
        ProviderTransaction(f"0x{n:064x}", 100 + n, T0 + timedelta(minutes=n), 2**70 - n * WEI)
        for n in range(first, first + count)
    ]


async def test_pages_go_in_with_running_balances_past_64_bits(sqlite_engine: AsyncEngine) -> None:
    address_id = await _address_id(sqlite_engine)
    for first in (0, 50):
        async with sqlite_engine.begin() as connection:
            assert await append_with_balances(connection, address_id, _page(first, 50), sync_pass=1)
    async with sqlite_engine.connect() as connection:
        balances = (
            await connection.execute(select(Transaction.balance_after_sat).order_by(Transaction.id))
        ).scalars()
        amounts = [tx.amount_sat for tx in _page(0, 100)]
        assert list(balances) == [sum(amounts[: n + 1]) for n in range(100)]
