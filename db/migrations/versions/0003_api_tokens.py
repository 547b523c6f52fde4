"""api tokens

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.migrations.columns import (
    create_index,
    drop_index,
    foreign_key,
    key,
    primary_key,
    timestamp,
    unique,
)

revision: str = '0003'
down_revision: str | None = '0002'


def upgrade() -> None:
    op.create_table(
        'api_tokens',
        key(),
        key('account_id'),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        timestamp('created_at', nullable=False),
        timestamp('last_used_at', nullable=True),
        timestamp('revoked_at', nullable=True),
        foreign_key('api_tokens', 'account_id', 'accounts', ondelete='CASCADE'),
        primary_key('api_tokens'),
        unique('api_tokens', 'token_hash'),
    )
    create_index('api_tokens', 'account_id')


def downgrade() -> None:
    drop_index('api_tokens', 'account_id')
    op.drop_table('api_tokens')
