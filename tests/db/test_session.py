"""Pooled PostgreSQL connections the database drops are replaced: after a quiet spell before any
statement fails, while busy after the one statement that met the dropped connection."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.session import create_engine
from tests.conftest import _admin

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_dropped_during_a_quiet_spell_is_replaced_before_use(
    database_url: str,
) -> None:
    engine = create_engine(database_url, ping_after_idle_seconds=0.0)
    try:
        dropped = await backend_pid(engine)
        await _admin(f"SELECT pg_terminate_backend({dropped})")

        assert await backend_pid(engine) != dropped
    finally:
        await engine.dispose()


async def test_a_connection_dropped_while_busy_fails_one_statement_then_the_pool_reconnects(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        dropped = await backend_pid(engine)
        await _admin(f"SELECT pg_terminate_backend({dropped})")

        with pytest.raises(DBAPIError) as failure:
            await backend_pid(engine)
        assert failure.value.connection_invalidated
        assert await backend_pid(engine) != dropped
    finally:
        await engine.dispose()
