"""The columns, constraints and indexes the migrations in versions/ build again and again.

Each helper spells out what db.models declares once: keys are BIGINT (INTEGER on SQLite, so
that a key is the rowid), enums are strings of 16 characters, constraints and indexes carry the
names of db.models.NAMING_CONVENTION. A migration, once released, must keep building the same
DDL: change a helper only in a way that leaves every existing migration's DDL as it is.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime


def key(name: str = "id", *, nullable: bool = False) -> sa.Column[int]:
    """A primary key, or a column that refers to one."""
    return sa.Column(name, sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=nullable)


def enum(name: str, type_name: str, *values: str) -> sa.Column[str]:
    """A required enum column, stored as a string (no native enum type on PostgreSQL)."""
    return sa.Column(
        name, sa.Enum(*values, name=type_name, native_enum=False, length=16), nullable=False
    )


def timestamp(name: str, *, nullable: bool) -> sa.Column[datetime]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def primary_key(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    """The table's primary key over `columns` (`id` when none are named)."""
    return sa.PrimaryKeyConstraint(*(columns or ("id",)), name=op.f(f"pk_{table}"))


def foreign_key(
    table: str, column: str, referred_table: str, *, ondelete: str
) -> sa.ForeignKeyConstraint:
    """`table.column` refers to `referred_table.id`."""
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred_table}.id"],
        name=op.f(f"fk_{table}_{column}_{referred_table}"),
        ondelete=ondelete,
    )


def unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _index_name(table: str, columns: tuple[str, ...]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def create_index(table: str, *columns: str) -> None:
    """A plain (not unique) index named by the convention."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(_index_name(table, columns)), list(columns), unique=False)


def drop_index(table: str, *columns: str) -> None:
    """Drops what create_index(table, *columns) made."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(_index_name(table, columns)))
