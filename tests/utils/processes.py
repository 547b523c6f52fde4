"""The environments tests run wallet-tracker processes with (tools/processes.py runs them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tools.processes import ServerProcess, WorkerProcess

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
        "PRICE_URL": "http://127.0.0.1:9",
        "SOLANA_RPC_URLS": "http://127.0.0.1:9",
    }


@dataclass(frozen=True)
class ProcessRig:
    """A test's database, Redis and provider simulator, for the wallet-tracker processes it runs
    as deployed at scale (arq workers, servers under uvicorn), with their logs in log_dir."""

    database_url: str
    redis_server: RedisServer
    simulator: RunningSimulator
    log_dir: Path

    def environment(self, **extra: str) -> dict[str, str]:
        """What the processes run with: this rig's parts, fast limits, then `extra`."""
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_server.url,
            "BLOCKCHAIR_URL": self.simulator.blockchair_url,
            "ESPLORA_URL": self.simulator.esplora_url,
            "PRICE_URL": self.simulator.coingecko_url,
            "SOLANA_RPC_URLS": self.simulator.solana_url,
            "SOLANA_RATE_LIMIT": "1000",
            "BLOCKCHAIR_API_KEY": "test-key",
            "BLOCKCHAIR_RATE_LIMIT": "1000",
            "ESPLORA_RATE_LIMIT": "1000",
            "STALE_JOB_TIMEOUT": "10",
            "LOG_LEVEL": "INFO",
            **extra,
        }

    def worker(self, environment: dict[str, str], name: str) -> WorkerProcess:
        """A worker process (started), logging to `name`.log."""
        return WorkerProcess(environment, self.log_dir / f"{name}.log")

    def server(self, environment: dict[str, str], name: str) -> ServerProcess:
        """A server process (started: wait_until_ready before using it), logging to `name`.log."""
        return ServerProcess(
            environment, self.log_dir / f"{name}.log", uvicorn_factory="server:create_app"
        )
