"""SQLite statements in one round trip to aiosqlite's thread instead of four.

aiosqlite runs each call on a connection's own thread: SQLAlchemy's adapted cursor makes four
such calls a statement (open a cursor, execute, fetch every row, close). On a virtual machine
where waking a thread is dear, a round trip costs 180-200 us of CPU (BENCHMARKS.md, "Latest
figures"), several times the statement itself. `OneTripCursor` runs the four in one call and
keeps what the cursor would have answered (its rows, description, row count, last row id)."""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.util import EMPTY_DICT

Outcome = tuple[Any, list[Any] | None, int, int | None]
"""A statement's description, rows (None when it returns none), row count and last row id."""


def _run_statement(connection: sqlite3.Connection, operation: str, parameters: Any) -> Outcome:
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        # Read after the rows: with RETURNING, SQLite counts rows as they are fetched.
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, parameters: Any) -> Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return cursor.description, None, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor with each statement one call on the connection's thread.
    Everything SQLAlchemy reads of a cursor is kept from that call; errors are translated by
    the base class's `execute` as before."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        # No aiosqlite cursor is opened: each statement opens and closes its own on the thread.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        """Nothing is open on the thread between statements: nothing to close."""

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:
            outcome = await self._connection._execute(
                _run_statement, self._connection._conn, operation, parameters
            )
        self._keep(outcome)
        return None

    async def _executemany_async(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        async with self._adapt_connection._execute_mutex:
            outcome = await self._connection._execute(
                _run_many, self._connection._conn, operation, seq_of_parameters
            )
        self._keep(outcome)
        return None

    def _keep(self, outcome: Outcome) -> None:
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows) if rows is not None else collections.deque()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's adapted aiosqlite connection whose cursors are `OneTripCursor`s (server-side
    cursors stay SQLAlchemy's)."""

    __slots__ = ()

    _cursor_cls = OneTripCursor


def use_one_trip_cursors(dbapi_connection: Any) -> None:
    """Called on each new connection of a SQLite engine (its "connect" event), first."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        # Same layout (no slots of its own), so the instance can change class in place.
        dbapi_connection.__class__ = OneTripConnection
