"""Separate worker processes (`arq workers.WorkerSettings`), as a deployment runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import psutil

if TYPE_CHECKING:
    from tools.simulator.testing import RunningSimulator
    from workers.redis_server import RedisServer

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARQ = Path(sys.executable).with_name("arq")


class WorkerProcess:
    def __init__(self, environment: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [str(ARQ), "workers.WorkerSettings"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **environment},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self) -> WorkerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def peak_rss_bytes(self) -> int:
        """The most resident memory the process has used so far (VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM in /proc status")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a machine dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if not self._log.closed:
            self._log.close()

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def wait_until_gone(pid: int, *, within_seconds: float = 5.0) -> bool:
    """True once the process has exited (a zombie counts as exited)."""
    deadline = time.monotonic() + within_seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


class ServerProcess:
    """`python server.py` (or `python -m tools.demo`) as a user runs it: migrations, embedded Redis,
    in-process worker."""

    def __init__(
        self,
        environment: dict[str, str],
        *,
        arguments: tuple[str, ...] = ("server.py",),
        uvicorn_factory: str | None = None,
    ) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        full_environment = {**os.environ, **environment, "PORT": str(self.port)}
        if "REDIS_URL" not in environment:
            full_environment.pop("REDIS_URL", None)
        command = [sys.executable, *arguments]
        if uvicorn_factory is not None:
            # As deployed at scale: uvicorn serving the app factory, no in-process worker.
            command = [sys.executable, "-m", "uvicorn", "--factory", uvicorn_factory]
            command += ["--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=full_environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_until_ready(self, within_seconds: float = 30.0) -> None:
        import httpx

        deadline = time.monotonic() + within_seconds
        while True:
            try:
                if httpx.get(f"{self.base_url}/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                output = self.stop()
                raise RuntimeError(f"server.py did not become ready:\n{output}")
            time.sleep(0.1)

    def stop(self) -> str:
        """Ctrl-C, then everything it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            output, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output


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
