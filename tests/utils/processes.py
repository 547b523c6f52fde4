"""The environments tests run wallet-tracker processes with (tools/processes.py runs them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.simulator.testing import RunningSimulator
    from workers.redis_server import RedisServer


def offline_server_environment(directory: Path) -> dict[str, str]:
    """`python server.py` with its files in `directory` and no provider reachable."""
    return {
        "VAR_DIR": str(directory / "var"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{directory}/wallet-tracker.db",
        "BLOCKCHAIR_URL": "http://127.0.0.1:9",
        "ESPLORA_URL": "http://127.0.0.1:9",
    }


def worker_environment(
    database_url: str, redis_server: RedisServer, simulator: RunningSimulator, **extra: str
) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server.url,
        "BLOCKCHAIR_URL": simulator.blockchair_url,
        "ESPLORA_URL": simulator.esplora_url,
        "BLOCKCHAIR_API_KEY": "test-key",
        "BLOCKCHAIR_RATE_LIMIT": "1000",
        "ESPLORA_RATE_LIMIT": "1000",
        "STALE_JOB_TIMEOUT": "10",
        "LOG_LEVEL": "INFO",
        **extra,
    }
