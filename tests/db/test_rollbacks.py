"""Writes that are not committed are rolled back when their session or connection ends, on
both databases: the next session on the same pooled connection never sees them (SQLite skips
the rollback round trip only when no transaction is open, see `db/session.py`)."""

from __future__ import annotations

from sqlalchemy import func, insert, select, text

from db.models import Account
from db.session import create_engine, create_session_factory


async def accounts_named(sessions_url: str, name: str) -> int:
    engine = create_engine(sessions_url)
    try:
        async with create_session_factory(engine)() as session:
            return await session.scalar(select(func.count()).where(Account.name == name)) or 0
    finally:
        await engine.dispose()


async def test_a_session_closed_without_commit_leaves_nothing_behind(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        async with sessions() as session:
            await session.execute(select(Account.id))
            await session.execute(insert(Account).values(name="never committed"))
        # The pool hands the same connection back: it must not still hold the insert.
        async with sessions() as session:
            seen = await session.scalar(select(func.count()).where(Account.name.like("never%")))
            assert seen == 0
            await session.execute(insert(Account).values(name="committed"))
            await session.commit()
    finally:
        await engine.dispose()
    assert await accounts_named(database_url, "committed") == 1
    assert await accounts_named(database_url, "never committed") == 0


async def test_a_failed_transaction_and_a_plain_connection_are_rolled_back(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        try:
            async with sessions.begin() as session:
                await session.execute(insert(Account).values(name="failed"))
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
        async with engine.connect() as connection:
            await connection.execute(insert(Account).values(name="not committed"))
        async with engine.connect() as connection:
            names = (await connection.execute(text("SELECT name FROM accounts"))).scalars()
            assert {"failed", "not committed"}.isdisjoint(set(names))
    finally:
        await engine.dispose()
    assert await accounts_named(database_url, "failed") == 0
    assert await accounts_named(database_url, "not committed") == 0
