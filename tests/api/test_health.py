"""`/healthz` and `/readyz`: the process answers; its database, Redis and worker work; which
providers syncs skip for now."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, StartServer, _admin, make_settings
from workers.redis_server import RedisServer, start_redis


def test_healthz_and_readyz_report_a_healthy_server(start_live_server: StartServer) -> None:
    server = start_live_server(etherscan_api_key="a-key")
    assert httpx.get(f"{server.base_url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server.base_url}/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "ok"},
        "skipped_providers": [],
    }


def test_readyz_lists_etherscan_as_skipped_without_a_key(live_server: LiveServer) -> None:
    ready = httpx.get(f"{live_server.base_url}/readyz")
    # Information, not unreadiness: Ethereum syncs go to Blockscout.
    assert (ready.status_code, ready.json()["status"]) == (200, "ready")
    assert ready.json()["skipped_providers"] == [
        {
            "provider": "etherscan",
            "chain": "ETHEREUM",
            "reason": "no ETHERSCAN_API_KEY (Etherscan refuses keyless calls)",
            "until": None,
        }
    ]


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
