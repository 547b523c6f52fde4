"""The running app: health and readiness, GraphiQL, and refusing unsafe settings."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import psutil
import pytest

from server import create_app
from settings import Settings
from tests.conftest import LiveServer, _admin, make_settings
from tests.utils.processes import (
    PROJECT_ROOT,
    ServerProcess,
    offline_server_environment,
    wait_until_gone,
)
from workers.redis_server import RedisServer, start_redis


def test_healthz_and_readyz_report_a_healthy_server(live_server: LiveServer) -> None:
    assert httpx.get(f"{live_server.base_url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{live_server.base_url}/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "ok"},
        "skipped_providers": [],
    }


def test_graphiql_opens_at_graphql_in_a_browser(live_server: LiveServer) -> None:
    page = httpx.get(f"{live_server.base_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_readyz_names_redis_when_it_goes_away(database_url: str, tmp_path: Path) -> None:
    own_redis = start_redis(None, tmp_path / "redis")
    server = LiveServer(make_settings(database_url, own_redis, tmp_path / "var"))
    server.start()
    try:
        own_redis.stop()
        ready = httpx.get(f"{server.base_url}/readyz", timeout=10)
        assert ready.status_code == 503
        checks = ready.json()["checks"]
        assert checks["database"] == "ok"
        assert checks["redis"].startswith("error")
        # Which providers syncs skip is kept in Redis: unknown now, not "none".
        assert ready.json()["skipped_providers"] is None
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_readyz_names_the_database_when_it_goes_away(
    database_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    server = LiveServer(make_settings(database_url, redis_server, tmp_path / "var"))
    server.start()
    try:
        name = database_url.rsplit("/", 1)[1]
        asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))
        ready = httpx.get(f"{server.base_url}/readyz", timeout=10)
        assert ready.status_code == 503
        checks = ready.json()["checks"]
        assert checks["database"].startswith("error")
        assert checks["redis"] == "ok"
    finally:
        server.stop()


def test_the_app_refuses_to_listen_beyond_loopback_without_auth() -> None:
    with pytest.raises(SystemExit, match="not a loopback address and AUTH=off"):
        create_app(Settings(host="0.0.0.0"))


def test_python_server_py_refuses_a_public_host_and_says_why(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "HOST": "0.0.0.0",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
    }
    finished = subprocess.run(
        [sys.executable, "server.py"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert "HOST=0.0.0.0 is not a loopback address and AUTH=off" in finished.stderr
    assert not (tmp_path / "x.db").exists()


def test_ctrl_c_stops_python_server_py_cleanly_with_its_embedded_redis(tmp_path: Path) -> None:
    server = ServerProcess(offline_server_environment(tmp_path))
    server.wait_until_ready()
    redis_pids = _redis_servers_under(tmp_path)
    assert redis_pids, "python server.py starts an embedded redis-server"

    output = server.stop()

    assert server.process.returncode == 0, output
    assert "Traceback" not in output
    assert "Application shutdown complete" in output
    assert all(wait_until_gone(pid) for pid in redis_pids)


def _redis_servers_under(directory: Path) -> list[int]:
    """redis-server daemonizes away from its parent; find it by its files under VAR_DIR."""
    return [
        process.pid
        for process in psutil.process_iter(["name", "cmdline", "cwd"])
        if process.info["name"] == "redis-server" and str(directory) in str(process.info["cwd"])
    ]
