"""exact amounts: every amount and balance exact up to 2**256 - 1 (wei outgrows 64 bits),
and transaction ids long enough for Ethereum hashes and Solana signatures

PostgreSQL: NUMERIC(78, 0) instead of BIGINT. SQLite: columns without type affinity, so an
amount past 64 bits is kept as its decimal text instead of being turned into a float.
`transactions.txid` grows from 64 to 128 characters.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.amounts import Amount

revision: str = '0007'
down_revision: str | None = '0006'

AMOUNT_COLUMNS = {
    'addresses': (
        'confirmed_balance_sat',
        'unconfirmed_balance_sat',
        'total_received_sat',
        'total_sent_sat',
    ),
    'transactions': ('amount_sat', 'balance_after_sat'),
}
NULLABLE = {'balance_after_sat'}


def _retype(to_amount: bool) -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, columns in AMOUNT_COLUMNS.items():
        # SQLite changes a column's type only by rebuilding its table (ids stay AUTOINCREMENT).
        with op.batch_alter_table(
            table,
            recreate='always' if sqlite else 'auto',
            table_kwargs={'sqlite_autoincrement': True} if table == 'transactions' else {},
        ) as batch_op:
            for column in columns:
                batch_op.alter_column(
                    column,
                    type_=Amount() if to_amount else sa.BigInteger(),
                    existing_type=sa.BigInteger() if to_amount else Amount(),
                    existing_nullable=column in NULLABLE,
                    postgresql_using=f'{column}::numeric(78, 0)' if to_amount else f'{column}::bigint',
                )
            if table == 'transactions':
                batch_op.alter_column(
                    'txid',
                    type_=sa.String(128 if to_amount else 64),
                    existing_type=sa.String(64 if to_amount else 128),
                    existing_nullable=False,
                )
        if sqlite:
            # The rebuild copies with CAST(... AS <new type>), which turns 200 into the bytes
            # '200'; every stored amount fits 64 bits here, so make it an INTEGER again.
            assignments = ', '.join(f'{column} = CAST({column} AS INTEGER)' for column in columns)
            op.execute(f'UPDATE {table} SET {assignments}')


def upgrade() -> None:
    _retype(to_amount=True)


def downgrade() -> None:
    _retype(to_amount=False)
