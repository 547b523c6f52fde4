"""Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from db.migrate import alembic_config
from db.models import Base
from db.session import create_engine


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _downgrade_and_upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "base")
    command.upgrade(config, "head")


async def test_migrated_database_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_migrations_downgrade_to_nothing_and_upgrade_again(database_url: str) -> None:
    engine = create_engine(database_url, foreign_keys=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_downgrade_and_upgrade)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


def _to_revision(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    if revision == "head":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


async def test_the_exact_amounts_migration_keeps_every_row_of_a_synced_database(
    database_url: str,
) -> None:
    """0006 -> 0007 rebuilds SQLite's `addresses` and `transactions`: nothing may cascade."""
    engine = create_engine(database_url, foreign_keys=False)
    statements = [
        "INSERT INTO accounts (id, name, created_at) VALUES (1, 'a', '2025-01-01 00:00:00')",
        "INSERT INTO addresses (id, chain, address, confirmed_balance_sat,"
        " unconfirmed_balance_sat, total_received_sat, total_sent_sat, transaction_count,"
        " sync_status, created_at) VALUES (1, 'BITCOIN', 'bc1q', 150, -5, 200, 50, 2,"
        " 'SYNCED', '2025-01-01 00:00:00')",
        "INSERT INTO wallets (id, account_id, address_id, label, created_at)"
        " VALUES (1, 1, 1, 'kept', '2025-01-01 00:00:00')",
        "INSERT INTO transactions (id, address_id, txid, block_height, sort_key, tx_time,"
        " amount_sat, balance_after_sat) VALUES (1, 1, 'aa', 1, 1, '2025-01-01 00:00:00', 200,"
        " 200), (2, 1, 'bb', 2, 2, '2025-01-02 00:00:00', -50, 150)",
        "INSERT INTO sync_jobs (id, address_id, status, fetched_transactions, attempts,"
        " queued_at) VALUES (1, 1, 'SUCCEEDED', 2, 1, '2025-01-01 00:00:00')",
    ]
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_to_revision, "0006")
            for statement in statements:
                await connection.exec_driver_sql(statement)
            await connection.run_sync(_to_revision, "head")
        async with engine.connect() as connection:
            counts = [
                (await connection.exec_driver_sql(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("wallets", "transactions", "sync_jobs", "addresses")
            ]
            result = await connection.exec_driver_sql(
                "SELECT amount_sat, balance_after_sat FROM transactions ORDER BY id"
            )
            amounts: list[tuple[object, object]] = [tuple(row) for row in result]
    finally:
        await engine.dispose()
    assert counts == [1, 2, 1, 1]
    assert [(str(amount), str(after)) for amount, after in amounts] == [
        ("200", "200"),
        ("-50", "150"),
    ]
