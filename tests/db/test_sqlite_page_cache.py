"""A standalone worker's SQLite connections keep a smaller page cache; others keep SQLite's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from db.session import create_engine
from workers.worker import WORKER_SQLITE_CACHE_KIB

SQLITE_DEFAULT_CACHE_SIZE = -2000  # 2,000 KiB


async def cache_size(database_url: str, *, sqlite_cache_kib: int | None = None) -> int:
    engine = create_engine(database_url, sqlite_cache_kib=sqlite_cache_kib)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(text("PRAGMA cache_size"))).scalar_one())
    finally:
        await engine.dispose()


async def test_the_worker_s_cap_is_set_on_each_connection_in_kib(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cache.db'}"
    assert await cache_size(url, sqlite_cache_kib=WORKER_SQLITE_CACHE_KIB) == -1_000
    assert await cache_size(url) == SQLITE_DEFAULT_CACHE_SIZE
