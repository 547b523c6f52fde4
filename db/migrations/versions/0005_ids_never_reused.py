"""ids never reused: AUTOINCREMENT on SQLite for the tables whose ids clients see

SQLite gives a new row the highest rowid + 1, so after the newest wallet, token, job or
transaction is deleted its id would name the next one. PostgreSQL's sequences never go back:
nothing changes there.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'

CLIENT_VISIBLE_TABLES = ('api_tokens', 'wallets', 'transactions', 'sync_jobs')


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table in CLIENT_VISIBLE_TABLES:
        with op.batch_alter_table(
            table, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
