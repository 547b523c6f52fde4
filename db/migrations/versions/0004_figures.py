"""market price, running balances and time indexes for portfolio figures

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from db.migrations.columns import timestamp
from db.types import UTCDateTime

revision: str = '0004'
down_revision: str | None = '0003'

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def upgrade() -> None:
    with op.batch_alter_table('chain_tips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('market_price_usd', sa.String(length=40), nullable=True))
        batch_op.add_column(timestamp('market_price_at', nullable=True))

    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.add_column(timestamp('balances_stale_from', nullable=True))
    # Stored histories have no running balances yet: the next sync of each computes them.
    op.execute(
        sa.text('UPDATE addresses SET balances_stale_from = :epoch').bindparams(
            sa.bindparam('epoch', EPOCH, type_=UTCDateTime())
        )
    )

    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('balance_after_sat', sa.BigInteger(), nullable=True))
        batch_op.create_index(
            'ix_transactions_time',
            ['address_id', 'tx_time', 'id', 'block_height', 'amount_sat', 'balance_after_sat'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_transactions_time')
        batch_op.drop_column('balance_after_sat')

    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.drop_column('balances_stale_from')

    with op.batch_alter_table('chain_tips', schema=None) as batch_op:
        batch_op.drop_column('market_price_at')
        batch_op.drop_column('market_price_usd')
