"""`INSERT ... ON CONFLICT` for whichever backend a session is bound to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Base


def dialect_insert(session: AsyncSession, target: type[Base] | Table) -> Any:
    """A dialect-specific insert that offers `on_conflict_do_nothing/do_update`.

    For bulk writes pass the Core table and execute with a list of rows: one cached statement
    run as executemany, instead of a statement compiled with every value in it.
    """
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(target)
    return sqlite.insert(target)
