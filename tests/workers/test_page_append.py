"""A page appended on SQLite stores its times exactly as SQLAlchemy would bind them, with its
running balances, and leaves the worker's connection with the page cache it had."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.models import Chain, TrackedAddress, Transaction
from db.session import create_engine
from workers.page_append import APPEND_CACHE_KIB, append_with_balances, stored_time
from workers.providers.base import ProviderTransaction
from workers.worker import WORKER_SQLITE_CACHE_KIB

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
async def worker_engine(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A SQLite engine whose connections keep a worker's page cache."""
    path = tmp_path / "worker.db"
    shutil.copy(sqlite_template, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}", sqlite_cache_kib=WORKER_SQLITE_CACHE_KIB)
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


async def _cache_size(connection: AsyncConnection) -> int:
    return int((await connection.exec_driver_sql("PRAGMA cache_size")).scalar_one())


async def test_pages_go_in_with_their_balances_and_the_cache_is_set_back(
    worker_engine: AsyncEngine,
) -> None:
    assert APPEND_CACHE_KIB > WORKER_SQLITE_CACHE_KIB
    address_id = await _address_id(worker_engine)
    for first in (0, 50):
        async with worker_engine.begin() as connection:
            assert await append_with_balances(connection, address_id, _page(first, 50), sync_pass=1)
            # What a worker's connection holds between pages is its own cache, not the page's.
            assert await _cache_size(connection) == -WORKER_SQLITE_CACHE_KIB
    async with worker_engine.connect() as connection:
        balances = (
            await connection.execute(select(Transaction.balance_after_sat).order_by(Transaction.id))
        ).scalars()
        amounts = [tx.amount_sat for tx in _page(0, 100)]
        assert list(balances) == [sum(amounts[: n + 1]) for n in range(100)]


async def test_a_page_that_meets_a_stored_row_sets_the_cache_back_too(
    worker_engine: AsyncEngine,
) -> None:
    address_id = await _address_id(worker_engine)
    async with worker_engine.begin() as connection:
        assert await append_with_balances(connection, address_id, _page(0, 10), sync_pass=1)
    async with worker_engine.connect() as connection:
        transaction = await connection.begin()
        # Later than every stored row, but one of its hashes is stored already.
        overlapping = [*_page(10, 5), ProviderTransaction(_page(0, 1)[0].txid, 200, T0, 1)]
        overlapping[-1] = ProviderTransaction(overlapping[-1].txid, 200, T0 + timedelta(days=1), 1)
        with pytest.raises(IntegrityError):
            await append_with_balances(connection, address_id, overlapping, sync_pass=2)
        assert await _cache_size(connection) == -WORKER_SQLITE_CACHE_KIB
        await transaction.rollback()
        stored = (await connection.execute(select(Transaction.txid))).scalars()
        assert sorted(stored) == sorted(tx.txid for tx in _page(0, 10))
