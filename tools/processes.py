"""The project's programs as child processes: start, wait until ready, stop, measure."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn, Self

import httpx
import psutil

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ARQ = Path(sys.executable).with_name("arq")
# `python server.py` imports the app in its parent, then in each of its WEB_CONCURRENCY server
# processes at once: on a machine busy with other work that took 30-40 s (2 cores, load 7).
SERVER_READY_SECONDS = 60.0


class ChildProcess:
    """`command` run from the project root with `environment` on top of ours (less `unset`),
    everything it prints appended to `log_path`. `stop()` sends `stop_signal` and kills it if it
    is still there `stop_seconds` later."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        environment: Mapping[str, str],
        log_path: Path,
        unset: Sequence[str] = (),
        stop_signal: signal.Signals = signal.SIGINT,
        stop_seconds: float = 30.0,
    ) -> None:
        self.command = list(command)
        self.log_path = log_path
        self.stop_signal = stop_signal
        self.stop_seconds = stop_seconds
        self._log = log_path.open("ab")
        self._log_start = self._log.tell()
        inherited = {name: value for name, value in os.environ.items() if name not in unset}
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env={**inherited, **environment},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> str:
        """Asks it to stop as Ctrl-C (or SIGTERM) would, kills it if it lingers; its output."""
        if self.running():
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=self.stop_seconds)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()
        return self.output()

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a machine dies."""
        self.process.kill()
        self.process.wait(timeout=10)
        self._log.close()

    def output(self) -> str:
        """Everything it has printed so far."""
        with self.log_path.open("rb") as log:
            log.seek(self._log_start)
            return log.read().decode(errors="replace")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def first_lines(self, count: int, *, within_seconds: float = 20.0) -> list[str]:
        """The first `count` lines it prints, once it has printed them."""
        deadline = time.monotonic() + within_seconds
        while (output := self.output()).count("\n") < count:
            if not self.running() or time.monotonic() > deadline:
                self.fail(f"printed no {count} lines")
            time.sleep(0.02)
        return output.splitlines()[:count]

    def wait_until_answering(self, url: str, *, within_seconds: float) -> None:
        """Returns once GET `url` answers 200."""
        if not answers_ok(url, within_seconds=within_seconds, keep_trying=self.running):
            self.fail(f"did not answer {url}")

    def fail(self, what: str) -> NoReturn:
        """Stops it and raises, with everything it printed."""
        output = self.stop()
        raise RuntimeError(f"`{' '.join(self.command)}` {what}:\n{output}")

    def peak_rss_bytes(self) -> int:
        """The most resident memory the process has used so far (VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM in /proc status")


class WorkerProcess(ChildProcess):
    """`arq workers.WorkerSettings`, as a deployment runs its workers."""

    def __init__(self, environment: Mapping[str, str], log_path: Path) -> None:
        super().__init__(
            [str(ARQ), "workers.WorkerSettings"],
            environment=environment,
            log_path=log_path,
            stop_signal=signal.SIGTERM,
            stop_seconds=15.0,
        )


class ServerProcess(ChildProcess):
    """wallet-tracker on a free loopback port: `python server.py` as a user runs it (migrations,
    embedded Redis unless REDIS_URL is given, in-process worker), or another `python` program
    that serves it (`arguments`), or uvicorn serving `uvicorn_factory`, as deployed at scale."""

    def __init__(
        self,
        environment: Mapping[str, str],
        log_path: Path,
        *,
        arguments: Sequence[str] = ("server.py",),
        uvicorn_factory: str | None = None,
        uvicorn_options: Sequence[str] = (),
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        if uvicorn_factory is not None:
            arguments = ["-m", "uvicorn", "--factory", uvicorn_factory, *uvicorn_options]
            arguments += ["--host", "127.0.0.1", "--port", str(self.port)]
        super().__init__(
            [sys.executable, *arguments],
            environment={**environment, "PORT": str(self.port)},
            log_path=log_path,
            # Only a REDIS_URL given here counts: without one `python server.py` starts its own.
            unset=["REDIS_URL"],
        )

    def wait_until_ready(self, within_seconds: float = SERVER_READY_SECONDS) -> None:
        self.wait_until_answering(f"{self.base_url}/readyz", within_seconds=within_seconds)


class SimulatorProcess(ChildProcess):
    """`python -m tools.simulator` on a free port, started once it has printed its URLs."""

    def __init__(self, log_path: Path, *arguments: str) -> None:
        super().__init__(
            [sys.executable, "-m", "tools.simulator", "--port", "0", *arguments],
            environment={},
            log_path=log_path,
        )
        self.printed_urls = self.first_lines(3)
        if not self.printed_urls[0].startswith("Blockchair:"):
            self.fail("did not start")
        self.base_url = self.printed_urls[0].split(":", 1)[1].strip()
        self.blockchair_url = self.base_url
        self.esplora_url = f"{self.base_url}/esplora"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def answers_ok(
    url: str, *, within_seconds: float, keep_trying: Callable[[], bool] = lambda: True
) -> bool:
    """Whether GET `url` answers 200 within the time, asking again while `keep_trying()`."""
    deadline = time.monotonic() + within_seconds
    while True:
        try:
            if httpx.get(url).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        if not keep_trying() or time.monotonic() > deadline:
            return False
        time.sleep(0.1)


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


def run_python(
    arguments: Sequence[str], *, environment: Mapping[str, str], timeout_seconds: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """`python ARGUMENTS` from the project root to its end, its output captured as text."""
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=timeout_seconds,
        check=False,
    )
