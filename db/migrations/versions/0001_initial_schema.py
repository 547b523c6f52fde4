"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.migrations.columns import (
    create_index,
    drop_index,
    enum,
    foreign_key,
    key,
    primary_key,
    timestamp,
    unique,
)

revision: str = "0001"
down_revision: str | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        key(),
        sa.Column("name", sa.String(length=100), nullable=False),
        timestamp("created_at", nullable=False),
        primary_key("accounts"),
        unique("accounts", "name"),
    )
    op.create_table(
        "addresses",
        key(),
        enum("chain", "chain", "BITCOIN"),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("confirmed_balance_sat", sa.BigInteger(), nullable=False),
        sa.Column("unconfirmed_balance_sat", sa.BigInteger(), nullable=False),
        sa.Column("total_received_sat", sa.BigInteger(), nullable=False),
        sa.Column("total_sent_sat", sa.BigInteger(), nullable=False),
        sa.Column("transaction_count", sa.Integer(), nullable=False),
        enum("sync_status", "syncstatus", "PENDING", "SYNCING", "SYNCED", "ERROR"),
        timestamp("last_synced_at", nullable=True),
        sa.Column("last_sync_error", sa.Text(), nullable=True),
        sa.Column("synced_height", sa.Integer(), nullable=True),
        sa.Column("sync_resume_cursor", sa.Text(), nullable=True),
        timestamp("created_at", nullable=False),
        primary_key("addresses"),
        unique("addresses", "chain", "address"),
    )
    op.create_table(
        "chain_tips",
        enum("chain", "chain", "BITCOIN"),
        sa.Column("height", sa.Integer(), nullable=False),
        timestamp("updated_at", nullable=False),
        primary_key("chain_tips", "chain"),
    )
    op.create_table(
        "sync_jobs",
        key(),
        key("address_id"),
        key("requested_by_account_id", nullable=True),
        enum("status", "jobstatus", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"),
        sa.Column("provider", sa.String(length=32), nullable=True),
        sa.Column("fetched_transactions", sa.Integer(), nullable=False),
        sa.Column("expected_transactions", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        timestamp("queued_at", nullable=False),
        timestamp("started_at", nullable=True),
        timestamp("finished_at", nullable=True),
        foreign_key("sync_jobs", "address_id", "addresses", ondelete="CASCADE"),
        foreign_key("sync_jobs", "requested_by_account_id", "accounts", ondelete="SET NULL"),
        primary_key("sync_jobs"),
    )
    create_index("sync_jobs", "address_id", "id")
    with op.batch_alter_table("sync_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "uq_sync_jobs_active_address",
            ["address_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('QUEUED', 'RUNNING')"),
            postgresql_where=sa.text("status IN ('QUEUED', 'RUNNING')"),
        )

    op.create_table(
        "transactions",
        key(),
        key("address_id"),
        sa.Column("txid", sa.String(length=64), nullable=False),
        sa.Column("block_height", sa.Integer(), nullable=True),
        sa.Column("sort_key", sa.BigInteger(), nullable=False),
        timestamp("tx_time", nullable=True),
        sa.Column("amount_sat", sa.BigInteger(), nullable=False),
        foreign_key("transactions", "address_id", "addresses", ondelete="CASCADE"),
        primary_key("transactions"),
        unique("transactions", "address_id", "txid"),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transactions_page", ["address_id", "sort_key", "id"], unique=False
        )

    op.create_table(
        "wallets",
        key(),
        key("account_id"),
        key("address_id"),
        sa.Column("label", sa.String(length=100), nullable=True),
        timestamp("created_at", nullable=False),
        foreign_key("wallets", "account_id", "accounts", ondelete="CASCADE"),
        foreign_key("wallets", "address_id", "addresses", ondelete="RESTRICT"),
        primary_key("wallets"),
        unique("wallets", "account_id", "address_id"),
    )
    create_index("wallets", "address_id")


def downgrade() -> None:
    drop_index("wallets", "address_id")

    op.drop_table("wallets")
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_transactions_page")

    op.drop_table("transactions")
    with op.batch_alter_table("sync_jobs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_sync_jobs_active_address",
            sqlite_where=sa.text("status IN ('QUEUED', 'RUNNING')"),
            postgresql_where=sa.text("status IN ('QUEUED', 'RUNNING')"),
        )
    drop_index("sync_jobs", "address_id", "id")

    op.drop_table("sync_jobs")
    op.drop_table("chain_tips")
    op.drop_table("addresses")
    op.drop_table("accounts")
