"""Alembic environment: migrates DATABASE_URL, or the connection handed over by db.migrate."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from db.migrate import check_foreign_keys
from db.models import Base
from db.session import create_engine
from settings import get_settings


def _run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_migrations_on_settings_database() -> None:
    engine = create_engine(get_settings().database_url, foreign_keys=False)
    async with engine.begin() as connection:
        await connection.run_sync(_run_migrations)
        await connection.run_sync(check_foreign_keys)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")

shared_connection = context.config.attributes.get("connection")
if shared_connection is None:
    asyncio.run(_run_migrations_on_settings_database())
else:
    _run_migrations(shared_connection)
