"""sync engine bookkeeping

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.migrations.columns import timestamp

revision: str = '0002'
down_revision: str | None = '0001'


def upgrade() -> None:
    with op.batch_alter_table('sync_jobs', schema=None) as batch_op:
        batch_op.add_column(timestamp('heartbeat_at', nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))

    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sync_pass', sa.BigInteger(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_column('sync_pass')

    with op.batch_alter_table('sync_jobs', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
        batch_op.drop_column('heartbeat_at')

