"""webhooks and their deliveries (the outbox the workers send from)

Revision ID: 0010
Revises: 0009
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

revision: str = '0010'
down_revision: str | None = '0009'

PENDING = "status = 'PENDING'"


def upgrade() -> None:
    op.create_table(
        'webhooks',
        key(),
        key('account_id'),
        key('wallet_id', nullable=True),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('events', sa.String(length=200), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('disabled_reason', sa.Text(), nullable=True),
        sa.Column('secret_sealed', sa.Text(), nullable=False),
        sa.Column('failed_in_a_row', sa.Integer(), nullable=False),
        timestamp('created_at', nullable=False),
        foreign_key('webhooks', 'account_id', 'accounts', ondelete='CASCADE'),
        foreign_key('webhooks', 'wallet_id', 'wallets', ondelete='CASCADE'),
        primary_key('webhooks'),
        sqlite_autoincrement=True,
    )
    create_index('webhooks', 'account_id')
    create_index('webhooks', 'wallet_id')
    op.create_table(
        'webhook_deliveries',
        key(),
        key('webhook_id'),
        sa.Column('message_id', sa.String(length=40), nullable=False),
        sa.Column(
            'event',
            sa.Enum(
                'TRANSACTION_NEW',
                'TRANSACTION_CONFIRMED',
                'TRANSACTION_DROPPED',
                'SYNC_FAILED',
                'PING',
                name='webhookevent',
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column('payload', sa.Text(), nullable=False),
        enum('status', 'deliverystatus', 'PENDING', 'SUCCEEDED', 'FAILED'),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_response', sa.Text(), nullable=True),
        timestamp('created_at', nullable=False),
        timestamp('delivered_at', nullable=True),
        timestamp('next_attempt_at', nullable=True),
        timestamp('locked_until', nullable=True),
        foreign_key('webhook_deliveries', 'webhook_id', 'webhooks', ondelete='CASCADE'),
        primary_key('webhook_deliveries'),
        unique('webhook_deliveries', 'message_id'),
        sqlite_autoincrement=True,
    )
    create_index('webhook_deliveries', 'webhook_id', 'id')
    op.create_index(
        'ix_webhook_deliveries_pending',
        'webhook_deliveries',
        ['webhook_id', 'id'],
        unique=False,
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )


def downgrade() -> None:
    op.drop_index('ix_webhook_deliveries_pending', table_name='webhook_deliveries')
    drop_index('webhook_deliveries', 'webhook_id', 'id')
    op.drop_table('webhook_deliveries')
    drop_index('webhooks', 'wallet_id')
    drop_index('webhooks', 'account_id')
    op.drop_table('webhooks')
