"""fees and failures: what a transaction cost the address, whether it failed on chain, and a
job's progress when the provider gives no transaction count

`transactions.fee` (exact, like every amount; NULL when the address paid none or the provider
does not say), `transactions.failed` (Ethereum and Solana transactions can fail and still
cost their fee), `sync_jobs.progress` (0.0 to 1.0, for syncs that page by block or slot).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.amounts import Amount

revision: str = '0008'
down_revision: str | None = '0007'


def upgrade() -> None:
    op.add_column('transactions', sa.Column('fee', Amount(), nullable=True))
    op.add_column(
        'transactions',
        sa.Column('failed', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column('sync_jobs', sa.Column('progress', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sync_jobs') as batch_op:
        batch_op.drop_column('progress')
    with op.batch_alter_table('transactions', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('failed')
        batch_op.drop_column('fee')
