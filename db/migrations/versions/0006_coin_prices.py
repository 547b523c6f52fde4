"""coin prices: each chain's coin in a currency, exact, as each source last quoted it

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.migrations.columns import enum, primary_key, timestamp
from db.types import DecimalText

revision: str = '0006'
down_revision: str | None = '0005'

CHAINS = ('BITCOIN', 'LITECOIN', 'DOGECOIN', 'BITCOIN_CASH', 'ETHEREUM', 'SOLANA')


def upgrade() -> None:
    op.create_table(
        'coin_prices',
        enum('chain', 'chain', *CHAINS),
        sa.Column('currency', sa.String(length=8), nullable=False),
        enum('source', 'pricesource', 'COINGECKO', 'BLOCKCHAIR'),
        sa.Column('price', DecimalText(), nullable=False),
        timestamp('price_at', nullable=False),
        timestamp('fetched_at', nullable=False),
        primary_key('coin_prices', 'chain', 'currency', 'source'),
    )


def downgrade() -> None:
    op.drop_table('coin_prices')
