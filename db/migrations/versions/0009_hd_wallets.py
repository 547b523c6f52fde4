"""HD wallets: a wallet of every address derived from an extended key or descriptor

`hd_wallets` (the descriptor and gap limit of an HD wallet, keyed by the tracked address that
stands for the whole wallet and holds its netted history), `hd_wallet_addresses` (the derived
addresses it watches, by keychain and index), `wallets.added_as` (what the account pasted),
`sync_jobs.addresses_scanned` (an HD wallet's scan progress).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'


def upgrade() -> None:
    op.add_column('wallets', sa.Column('added_as', sa.Text(), nullable=True))
    op.add_column('sync_jobs', sa.Column('addresses_scanned', sa.Integer(), nullable=True))
    op.create_table(
        'hd_wallets',
        sa.Column('address_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('descriptor', sa.Text(), nullable=False),
        sa.Column('gap_limit', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['address_id'], ['addresses.id'], name=op.f('fk_hd_wallets_address_id_addresses'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('address_id', name=op.f('pk_hd_wallets')),
    )
    op.create_table(
        'hd_wallet_addresses',
        sa.Column(
            'wallet_address_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False
        ),
        sa.Column('keychain', sa.Integer(), nullable=False),
        sa.Column('index', sa.Integer(), nullable=False),
        sa.Column('address_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.ForeignKeyConstraint(
            ['address_id'], ['addresses.id'],
            name=op.f('fk_hd_wallet_addresses_address_id_addresses'), ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['wallet_address_id'], ['hd_wallets.address_id'],
            name=op.f('fk_hd_wallet_addresses_wallet_address_id_hd_wallets'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'wallet_address_id', 'keychain', 'index', name=op.f('pk_hd_wallet_addresses')
        ),
    )
    op.create_index(
        op.f('ix_hd_wallet_addresses_address_id'), 'hd_wallet_addresses', ['address_id']
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_hd_wallet_addresses_address_id'), table_name='hd_wallet_addresses')
    op.drop_table('hd_wallet_addresses')
    op.drop_table('hd_wallets')
    with op.batch_alter_table('sync_jobs') as batch_op:
        batch_op.drop_column('addresses_scanned')
    with op.batch_alter_table('wallets', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('added_as')
