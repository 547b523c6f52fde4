"""A page's rows go to SQLite in one statement that takes them in the page's order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine

from db.models import Base
from workers.page_append import _INSERT_PAGE


def test_the_page_insert_does_not_sort_the_page_again(tmp_path: Path) -> None:
    # json_each yields the array in order: a sorter would only cost a page's worth of memory
    # and time on every page of a full sync.
    path = tmp_path / "schema.db"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    connection = sqlite3.connect(path)
    try:
        plan = connection.execute(f"EXPLAIN {_INSERT_PAGE}", ("[]", 1, 1)).fetchall()
    finally:
        connection.close()
    opcodes = {row[1] for row in plan}
    assert "VFilter" in opcodes
    assert not {opcode for opcode in opcodes if opcode.startswith("Sorter")}
