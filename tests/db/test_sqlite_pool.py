"""A SQLite engine keeps the connections it opened for concurrent requests, so the next burst
opens none (each costs a new aiosqlite thread, its pragmas and functions)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.session import SQLITE_CONNECTIONS, create_engine

CONCURRENT_READERS = 12


@pytest.fixture
def sqlite_url(sqlite_template: str, tmp_path: Path) -> str:
    path = tmp_path / "wallet-tracker.db"
    path.write_bytes(Path(sqlite_template).read_bytes())
    return f"sqlite+aiosqlite:///{path}"


async def read_together(engine: AsyncEngine, readers: int) -> list[int]:
    """`readers` reads each holding its connection until all of them have read."""
    everyone_read = asyncio.Barrier(readers)

    async def read() -> int:
        async with engine.connect() as connection:
            answer = int(
                (await connection.execute(text("SELECT count(*) FROM accounts"))).scalar_one()
            )
            await everyone_read.wait()
            return answer

    return await asyncio.gather(*(read() for _ in range(readers)))


async def test_a_second_burst_of_concurrent_reads_opens_no_connection(sqlite_url: str) -> None:
    assert CONCURRENT_READERS <= SQLITE_CONNECTIONS
    engine = create_engine(sqlite_url)
    opened: list[Any] = []
    event.listen(
        engine.sync_engine, "connect", lambda connection, _record: opened.append(connection)
    )
    try:
        first = await read_together(engine, CONCURRENT_READERS)
        assert len(opened) == CONCURRENT_READERS
        second = await read_together(engine, CONCURRENT_READERS)

        assert second == first
        # SQLAlchemy's default kept five: the second burst opened seven afresh.
        assert len(opened) == CONCURRENT_READERS
    finally:
        await engine.dispose()


async def test_an_in_memory_database_still_answers() -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()
