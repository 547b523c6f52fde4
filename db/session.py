"""Async engines and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.amounts import register_functions

SessionFactory = async_sessionmaker[AsyncSession]


def _sqlite_connection_setup(*, foreign_keys: bool) -> Any:
    def prepare(dbapi_connection: Any, _connection_record: Any) -> None:
        register_functions(dbapi_connection)
        cursor = dbapi_connection.cursor()
        # WAL lets the API read while a worker writes; the busy timeout waits out short locks.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint the WAL at 40 MB instead of 4 MB: a sync's pages each dirty hundreds of
        # pages of the txid index (random keys), and between checkpoints a page rewritten by
        # several commits is copied back to the database once (an Ethereum full sync wrote
        # its pages in 0.6x the time).
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    return prepare


def ensure_sqlite_directory(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(database_url: str, *, foreign_keys: bool = True) -> AsyncEngine:
    """An engine; `foreign_keys=False` only for migrations, whose SQLite table rebuilds would
    otherwise cascade the drop of a parent table to its children's rows."""
    ensure_sqlite_directory(database_url)
    engine = create_async_engine(database_url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        setup = _sqlite_connection_setup(foreign_keys=foreign_keys)
        event.listen(engine.sync_engine, "connect", setup)
    return engine


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)
