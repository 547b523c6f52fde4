"""Async engines and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.amounts import register_functions
from db.sqlite_cursor import use_one_trip_cursors

SessionFactory = async_sessionmaker[AsyncSession]

# A PostgreSQL connection idle in the pool this long is pinged before use; one back within it
# is not (with `pool_pre_ping` every checkout paid a round trip: 12 of the ~30 of a page of
# transactions, issue 15). A connection that dies while in use fails its statement, and
# SQLAlchemy then invalidates every pooled connection opened before it, so the next checkout
# connects afresh.
PING_AFTER_IDLE_SECONDS = 10.0
# Connections are replaced after an hour, before a server or proxy idle timeout drops them.
RECYCLE_SECONDS = 3600
# The most connections a SQLite engine has open at once (SQLAlchemy's default cap: 5 kept plus
# 10 more), all of them kept once opened. With the default, every connection past the fifth
# was closed when returned: under 16 clients a quarter of the requests opened one afresh, a new
# aiosqlite thread and about ten thread round trips for its pragmas and functions (issue 15).
SQLITE_CONNECTIONS = 15


def _sqlite_connection_setup(*, foreign_keys: bool, cache_kib: int | None) -> Any:
    def prepare(dbapi_connection: Any, _connection_record: Any) -> None:
        use_one_trip_cursors(dbapi_connection)
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
        if cache_kib is not None:
            # A negative size is in KiB (a positive one would count pages).
            cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        cursor.close()

    return prepare


def ensure_sqlite_directory(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(
    database_url: str,
    *,
    foreign_keys: bool = True,
    ping_after_idle_seconds: float = PING_AFTER_IDLE_SECONDS,
    sqlite_cache_kib: int | None = None,
) -> AsyncEngine:
    """An engine; `foreign_keys=False` only for migrations, whose SQLite table rebuilds would
    otherwise cascade the drop of a parent table to its children's rows. `sqlite_cache_kib`
    caps each SQLite connection's page cache (SQLite's default: 2,000 KiB a connection)."""
    ensure_sqlite_directory(database_url)
    if make_url(database_url).get_backend_name() == "sqlite":
        # A SQLite file cannot drop a connection: nothing to ping or recycle.
        engine = create_async_engine(database_url, **_sqlite_pool_options(database_url))
        setup = _sqlite_connection_setup(foreign_keys=foreign_keys, cache_kib=sqlite_cache_kib)
        event.listen(engine.sync_engine, "connect", setup)
        _skip_rollbacks_outside_transactions(engine)
    else:
        engine = create_async_engine(database_url, pool_recycle=RECYCLE_SECONDS)
        _ping_after_idle(engine, idle_seconds=ping_after_idle_seconds)
    return engine


def _sqlite_pool_options(database_url: str) -> dict[str, Any]:
    """A file's pool keeps every connection it opens, up to the same cap as before; an
    in-memory database has one connection (SQLAlchemy's `StaticPool`), nothing to size."""
    if make_url(database_url).database in (None, "", ":memory:"):
        return {}
    return {"pool_size": SQLITE_CONNECTIONS, "max_overflow": 0}


def _skip_rollbacks_outside_transactions(engine: AsyncEngine) -> None:
    """aiosqlite: every call on a connection is a round trip to its thread, and SQLAlchemy
    rolls back each connection it returns to the pool (twice for a session's). sqlite3 opens no
    transaction for a read and its `rollback()` does nothing outside one, so a rollback is
    skipped when SQLite says none is open (`in_transaction`, read without the thread: nothing
    else runs on a connection while it is rolled back)."""
    dialect = engine.sync_engine.dialect
    roll_back = dialect.do_rollback

    def do_rollback(dbapi_connection: Any) -> None:
        # A pooled connection's proxy, or the adapted aiosqlite connection itself.
        adapted = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        driver = getattr(adapted, "_connection", None)
        if driver is not None and driver._connection is not None and not driver.in_transaction:
            return
        roll_back(dbapi_connection)

    dialect.do_rollback = do_rollback  # type: ignore[method-assign]


def _ping_after_idle(engine: AsyncEngine, *, idle_seconds: float) -> None:
    """Pings a connection that sat in the pool longer than `idle_seconds` when it is checked
    out; if the database dropped it, the pool opens a new one (and replaces the others of its
    age), so a request after a quiet spell or a database restart is answered."""
    dialect = engine.dialect

    def note_checkin(_dbapi_connection: Any, connection_record: Any) -> None:
        connection_record.info["checked_in_at"] = time.monotonic()

    def ping_if_idle(dbapi_connection: Any, connection_record: Any, _proxy: Any) -> None:
        checked_in_at = connection_record.info.pop("checked_in_at", None)
        if checked_in_at is None or time.monotonic() - checked_in_at < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.InvalidatePoolError() from error
            raise

    event.listen(engine.sync_engine, "checkin", note_checkin)
    event.listen(engine.sync_engine, "checkout", ping_if_idle)


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


def engine_of(sessions: SessionFactory) -> AsyncEngine:
    """The engine `sessions` are bound to, for statements that need no ORM session."""
    engine = sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    return engine
