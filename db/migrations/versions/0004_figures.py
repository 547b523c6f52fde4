"""market price and time index for portfolio figures

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('chain_tips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('market_price_usd', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('market_price_at', UTCDateTime(), nullable=True))

    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.create_index(
            'ix_transactions_time',
            ['address_id', 'tx_time', 'block_height', 'amount_sat'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_transactions_time')

    with op.batch_alter_table('chain_tips', schema=None) as batch_op:
        batch_op.drop_column('market_price_at')
        batch_op.drop_column('market_price_usd')
