"""SQLite statements in one round trip to aiosqlite's thread (`db/sqlite_cursor.py`), with
everything SQLAlchemy reads of a cursor as before: rows, row counts, RETURNING, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import CursorResult, delete, exc, func, insert, select, text, update

from db.models import Account
from db.session import create_engine, create_session_factory


@pytest.fixture
def sqlite_url(sqlite_template: str, tmp_path: Path) -> str:
    path = tmp_path / "wallet-tracker.db"
    path.write_bytes(Path(sqlite_template).read_bytes())
    return f"sqlite+aiosqlite:///{path}"


async def test_a_statement_is_one_round_trip_to_the_connections_thread(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            calls = []
            queue_call = driver._execute

            async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
                calls.append(function)
                return await queue_call(function, *args, **kwargs)

            driver._execute = counted
            rows = (await connection.execute(text("SELECT 1 UNION ALL SELECT 2"))).all()
            assert [row[0] for row in rows] == [1, 2]
            # SQLAlchemy's own cursor made four: cursor, execute, fetchall, close.
            assert len(calls) == 1
    finally:
        await engine.dispose()


async def test_row_counts_returning_and_errors_are_what_sqlalchemy_expects(
    sqlite_url: str,
) -> None:
    engine = create_engine(sqlite_url)
    sessions = create_session_factory(engine)
    try:
        async with sessions.begin() as session:
            created = await session.execute(
                insert(Account).values(name="first").returning(Account.id, Account.name)
            )
            first_id, name = created.one()
            assert name == "first"
            await session.execute(insert(Account), [{"name": "second"}, {"name": "third"}])
            renamed = await session.execute(
                update(Account)
                .where(Account.name.in_(["second", "third"]))
                .values(name=Account.name + "!")
            )
            assert cast("CursorResult[Any]", renamed).rowcount == 2
            # An ORM object flushed on its own gets its id from the cursor.
            account = Account(name="orm")
            session.add(account)
            await session.flush()
            assert account.id > first_id
        async with sessions() as session:
            assert await session.scalar(select(func.count()).where(Account.name.like("%!"))) == 2
            gone = await session.execute(delete(Account).where(Account.name == "nobody"))
            assert cast("CursorResult[Any]", gone).rowcount == 0
            # Errors raised on the thread reach the caller as SQLAlchemy's, as before.
            with pytest.raises(exc.OperationalError, match="no such table"):
                await session.execute(text("SELECT * FROM no_such_table"))
    finally:
        await engine.dispose()
