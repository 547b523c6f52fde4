"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_accounts_name")),
    )
    op.create_table(
        "addresses",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "chain",
            sa.Enum("BITCOIN", name="chain", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("confirmed_balance_sat", sa.BigInteger(), nullable=False),
        sa.Column("unconfirmed_balance_sat", sa.BigInteger(), nullable=False),
        sa.Column("total_received_sat", sa.BigInteger(), nullable=False),
        sa.Column("total_sent_sat", sa.BigInteger(), nullable=False),
        sa.Column("transaction_count", sa.Integer(), nullable=False),
        sa.Column(
            "sync_status",
            sa.Enum(
                "PENDING",
                "SYNCING",
                "SYNCED",
                "ERROR",
                name="syncstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("last_synced_at", UTCDateTime(), nullable=True),
        sa.Column("last_sync_error", sa.Text(), nullable=True),
        sa.Column("synced_height", sa.Integer(), nullable=True),
        sa.Column("sync_resume_cursor", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addresses")),
        sa.UniqueConstraint(
            "chain", "address", name=op.f("uq_addresses_chain_address")
        ),
    )
    op.create_table(
        "chain_tips",
        sa.Column(
            "chain",
            sa.Enum("BITCOIN", name="chain", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_chain_tips")),
    )
    op.create_table(
        "sync_jobs",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "address_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "requested_by_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "QUEUED",
                "RUNNING",
                "SUCCEEDED",
                "FAILED",
                "CANCELLED",
                name="jobstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("provider", sa.String(length=32), nullable=True),
        sa.Column("fetched_transactions", sa.Integer(), nullable=False),
        sa.Column("expected_transactions", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("queued_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["address_id"],
            ["addresses.id"],
            name=op.f("fk_sync_jobs_address_id_addresses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_sync_jobs_requested_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_jobs")),
    )
    with op.batch_alter_table("sync_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_jobs_address_id_id"), ["address_id", "id"], unique=False
        )
        batch_op.create_index(
            "uq_sync_jobs_active_address",
            ["address_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('QUEUED', 'RUNNING')"),
            postgresql_where=sa.text("status IN ('QUEUED', 'RUNNING')"),
        )

    op.create_table(
        "transactions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "address_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("txid", sa.String(length=64), nullable=False),
        sa.Column("block_height", sa.Integer(), nullable=True),
        sa.Column("sort_key", sa.BigInteger(), nullable=False),
        sa.Column("tx_time", UTCDateTime(), nullable=True),
        sa.Column("amount_sat", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["address_id"],
            ["addresses.id"],
            name=op.f("fk_transactions_address_id_addresses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transactions")),
        sa.UniqueConstraint(
            "address_id", "txid", name=op.f("uq_transactions_address_id_txid")
        ),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transactions_page", ["address_id", "sort_key", "id"], unique=False
        )

    op.create_table(
        "wallets",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "address_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_wallets_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["address_id"],
            ["addresses.id"],
            name=op.f("fk_wallets_address_id_addresses"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallets")),
        sa.UniqueConstraint(
            "account_id", "address_id", name=op.f("uq_wallets_account_id_address_id")
        ),
    )
    with op.batch_alter_table("wallets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wallets_address_id"), ["address_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("wallets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wallets_address_id"))

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
        batch_op.drop_index(batch_op.f("ix_sync_jobs_address_id_id"))

    op.drop_table("sync_jobs")
    op.drop_table("chain_tips")
    op.drop_table("addresses")
    op.drop_table("accounts")
