"""Apply the Alembic migrations to a database (`python -m db.migrate` or from code)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from db.session import create_engine
from settings import get_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade_on(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    check_foreign_keys(connection)


def check_foreign_keys(connection: Connection) -> None:
    """SQLite migrations run without foreign-key enforcement (table rebuilds need that): make
    sure they left every reference intact."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left broken references: {broken[:5]}")


async def upgrade_database(database_url: str) -> None:
    engine = create_engine(database_url, foreign_keys=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_on)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(upgrade_database(get_settings().database_url))
