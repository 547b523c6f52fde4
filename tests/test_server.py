"""The wiring and the CLI: `python server.py` serves, stops cleanly and refuses unsafe settings."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from server import create_app
from settings import Settings
from tests.utils.processes import offline_server_environment
from tools.processes import ServerProcess, run_python, wait_until_gone


def test_the_app_refuses_to_listen_beyond_loopback_without_auth() -> None:
    with pytest.raises(SystemExit, match="not a loopback address and AUTH=off"):
        create_app(Settings(host="0.0.0.0"))


def test_python_server_py_refuses_a_public_host_and_says_why(tmp_path: Path) -> None:
    environment = {"HOST": "0.0.0.0", "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    finished = run_python(["server.py"], environment=environment)
    assert finished.returncode != 0
    assert "HOST=0.0.0.0 is not a loopback address and AUTH=off" in finished.stderr
    assert not (tmp_path / "x.db").exists()


def test_ctrl_c_stops_python_server_py_cleanly_with_its_embedded_redis(tmp_path: Path) -> None:
    server = ServerProcess(offline_server_environment(tmp_path), tmp_path / "server.log")
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
