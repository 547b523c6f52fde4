"""`python server.py` with WEB_CONCURRENCY > 1: one parent that migrates, starts the embedded
Redis and supervises N server processes, each listening on HOST:PORT with its own socket."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from settings import Settings
from workers.redis_server import start_redis

logger = logging.getLogger("wallet_tracker")

SERVER_SCRIPT = Path(__file__).resolve().with_name("server.py")
# Every process drains its requests, closes its websockets and hands back the worker's job
# (WORKER_STOP_TIMEOUT_SECONDS) well within this; one that has not is killed.
STOP_TIMEOUT_SECONDS = 60.0
POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1


@dataclass
class ServerChild:
    """One `python server.py serve --process INDEX`, started by the parent."""

    index: int
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid


def listening_sockets(host: str, port: int) -> list[socket.socket]:
    """Sockets listening on every address of HOST:PORT with SO_REUSEPORT, so each server
    process accepts its own share of connections.

    The socket is made with the address's protocol (IPPROTO_TCP, as getaddrinfo gives it):
    asyncio sets TCP_NODELAY on an accepted connection only when its listening socket says
    IPPROTO_TCP, and a socket made as `socket(AF_INET, SOCK_STREAM)` says 0. That is how
    `uvicorn --workers` loses TCP_NODELAY (uvicorn issue #3149): every keep-alive request after
    the first then waits about 40 ms for a delayed ACK."""
    sockets = []
    try:
        for family, kind, protocol, _, address in _addresses(host, port):
            listener = socket.socket(family, kind, protocol)
            sockets.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if family == socket.AF_INET6:
                # As asyncio does: `::` should not also take the IPv4 port.
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listener.bind(address)
            listener.listen(2048)
            listener.setblocking(False)
    except OSError:
        for listener in sockets:
            listener.close()
        raise
    return sockets


def port_is_free(host: str, port: int) -> bool:
    """Whether nothing listens on HOST:PORT, another wallet-tracker with SO_REUSEPORT included
    (its sockets would otherwise silently share the port with ours)."""
    for family, kind, protocol, _, address in _addresses(host, port):
        with socket.socket(family, kind, protocol) as probe:
            # SO_REUSEADDR lets the probe past connections in TIME_WAIT, never past a listener.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError:
                return False
    return True


def _addresses(host: str, port: int) -> list[tuple[int, int, int, str, tuple[str, int]]]:
    found = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )
    unique = {
        (family, address[:2]): (family, kind, proto, name, address[:2])
        for family, kind, proto, name, address in found
    }
    return list(unique.values())  # type: ignore[arg-type]


def stop_with_parent() -> None:
    """Linux: this process gets SIGTERM when the parent that started it dies, so a parent killed
    outright (SIGKILL, out of memory) leaves no server process behind holding the port."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def serve_processes(settings: Settings) -> int:
    """Serves with `settings.web_concurrency` processes until Ctrl-C or SIGTERM (0), or until
    one of them dies (1: the others are stopped too, for a service manager to restart it all).
    Migrations have run already, and `port_is_free` said yes."""
    stopping = _StopRequest()
    redis_server = start_redis(settings.redis_url, settings.var_dir)
    # The children's HTTP and GraphQL counters, in files /metrics adds up; this run's only.
    metrics_dir = settings.var_dir / f"metrics-{os.getpid()}"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    children: list[ServerChild] = []
    died: ServerChild | None = None
    try:
        children = [
            _start_child(index, redis_server.url, metrics_dir)
            for index in range(settings.web_concurrency)
        ]
        logger.info(
            "serving from %s processes (pids %s) on %s:%s; the in-process worker runs in "
            "process 0%s",
            len(children),
            ", ".join(str(child.pid) for child in children),
            settings.host,
            settings.port,
            "" if settings.run_worker else " (off: RUN_WORKER=false)",
        )
        died = _supervise(children, stopping)
    finally:
        clean = _stop_children(children, reported=died)
        redis_server.stop()
        shutil.rmtree(metrics_dir, ignore_errors=True)
    if stopping.signal is not None:
        logger.info("stopped on %s", signal.Signals(stopping.signal).name)
    return 1 if died is not None or not clean else 0


class _StopRequest:
    """Ctrl-C or SIGTERM to the parent: remembered, acted on by the supervising loop."""

    def __init__(self) -> None:
        self.signal: int | None = None
        for name in (signal.SIGINT, signal.SIGTERM):
            signal.signal(name, self._handle)

    def _handle(self, number: int, frame: FrameType | None) -> None:
        self.signal = number


def _start_child(index: int, redis_url: str, metrics_dir: Path) -> ServerChild:
    # The children use the parent's Redis (the embedded one's socket when REDIS_URL was unset)
    # and skip migrations: both happened once, here.
    environment = {
        **os.environ,
        "REDIS_URL": redis_url,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir.resolve()),
    }
    command = [sys.executable, str(SERVER_SCRIPT), "serve", "--process", str(index)]
    command += ["--parent", str(os.getpid())]
    return ServerChild(index, subprocess.Popen(command, env=environment))


def _supervise(children: Sequence[ServerChild], stopping: _StopRequest) -> ServerChild | None:
    """Waits for a stop request (None) or a child's death (that child, logged)."""
    while stopping.signal is None:
        for child in children:
            code = child.process.poll()
            if code is not None:
                logger.error(
                    "server process %s (pid %s) exited with %s; stopping the others",
                    child.index,
                    child.pid,
                    _exit_in_words(code),
                )
                return child
        time.sleep(POLL_SECONDS)
    return None


def _stop_children(children: Sequence[ServerChild], *, reported: ServerChild | None) -> bool:
    """SIGTERM to every child still running (a terminal's Ctrl-C reached them already: uvicorn
    takes a SIGTERM after a SIGINT as the same graceful stop), then waits; True when every child
    stopped by itself."""
    for child in children:
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
    clean = True
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        try:
            code = child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            logger.error("server process %s (pid %s) did not stop: killed", child.index, child.pid)
            child.process.kill()
            child.process.wait()
            clean = False
            continue
        # A child still starting up (importing) when asked to stop dies of the SIGTERM itself.
        if code not in (0, -signal.SIGTERM):
            if child is reported:  # `_supervise` said so already
                clean = False
                continue
            logger.error(
                "server process %s (pid %s) exited with %s",
                child.index,
                child.pid,
                _exit_in_words(code),
            )
            clean = False
    return clean


def _exit_in_words(code: int) -> str:
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"code {code}"
