"""The embedded Redis starts on demand and never outlives its stop()."""

from __future__ import annotations

import shutil
from pathlib import Path

import redis

from tools.processes import wait_until_gone
from workers.redis_server import start_redis


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
