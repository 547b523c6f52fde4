"""Per-client rate limits: per token, or per IP address without one; shared through Redis by
every server process; over the limit, 429 with Retry-After (HTTP) or a refusal (websocket)."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from db.migrate import upgrade_database
from db.session import create_engine, create_session_factory
from resolvers.accounts import create_account
from tests.conftest import LiveServer, StartServer
from tests.utils.graphql import GraphQLClient
from tools.processes import ServerProcess
from workers.redis_server import RedisServer

QUERY = {"query": "{ viewer { account { name } } }"}
BURST = 5


# One request a minute after the burst: nothing refills while a test runs.
LIMITS = {"rate_limit_per_minute": 1, "rate_limit_burst": BURST}


@pytest.fixture
def limited_server(start_live_server: StartServer) -> LiveServer:
    return start_live_server(**LIMITS)


@pytest.fixture
def limited_token_server(start_live_server: StartServer) -> LiveServer:
    return start_live_server(**LIMITS, auth="token", allow_signup=True)


def post(server_url: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{server_url}/graphql", json=QUERY, headers=headers)


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["retry-after"]) >= 1
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert "retry after" in error["message"]


def test_a_client_over_its_burst_gets_429_with_retry_after(limited_server: LiveServer) -> None:
    for _ in range(BURST):
        assert post(limited_server.base_url).status_code == 200
    assert_refused(post(limited_server.base_url))
    # Health and metrics are not rate-limited: monitoring keeps working.
    assert httpx.get(f"{limited_server.base_url}/healthz").status_code == 200
    assert httpx.get(f"{limited_server.base_url}/metrics").status_code == 200


def test_each_token_has_its_own_limit(limited_token_server: LiveServer) -> None:
    url = limited_token_server.base_url
    # Sign-ups come from this one IP address (no token): they share its limit.
    tokens = []
    for name in ("alice", "bob"):
        response = httpx.post(
            f"{url}/graphql",
            json={
                "query": "mutation($n: String!) { createAccount(input: {name: $n}) { token } }",
                "variables": {"n": name},
            },
        )
        tokens.append(response.json()["data"]["createAccount"]["token"])
    alice, bob = tokens
    for _ in range(BURST):
        assert post(url, alice).status_code == 200
    assert_refused(post(url, alice))
    assert post(url, bob).status_code == 200


def test_guessing_tokens_is_limited_per_ip_address(limited_token_server: LiveServer) -> None:
    url = limited_token_server.base_url
    statuses = [post(url, f"wt_{secrets.token_urlsafe(32)}").status_code for _ in range(BURST)]
    assert statuses == [401] * BURST
    assert_refused(post(url, f"wt_{secrets.token_urlsafe(32)}"))


async def test_subscriptions_count_against_the_same_limit(limited_server: LiveServer) -> None:
    url = limited_server.base_url
    async with GraphQLClient(url).socket() as socket:  # the handshake is request 1
        for number in range(2, BURST + 1):
            await socket.subscribe(str(number), "query { viewer { account { name } } }")
            messages = await socket.messages_until_complete(str(number), within_seconds=10)
            assert messages[-1]["type"] == "complete"
        await socket.subscribe("over", "query { viewer { account { name } } }")
        [refusal] = await socket.messages_until_complete("over", within_seconds=10)
    assert refusal["type"] == "error"
    assert refusal["payload"][0]["extensions"]["code"] == "RATE_LIMITED"

    with pytest.raises(InvalidStatus) as refused:
        async with GraphQLClient(url).socket():
            pass
    assert refused.value.response.status_code == 429
    assert int(refused.value.response.headers["retry-after"]) >= 1


QUICK_REQUESTS = 200


def quick_statuses(server_url: str, token: str | None = None) -> list[int]:
    """Statuses of QUICK_REQUESTS requests sent one after another, as a paging script does."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=server_url, headers=headers) as client:
        return [client.post("/graphql", json=QUERY).status_code for _ in range(QUICK_REQUESTS)]


def test_with_auth_off_the_one_local_user_is_not_throttled(live_server: LiveServer) -> None:
    assert quick_statuses(live_server.base_url) == [200] * QUICK_REQUESTS


def test_with_auth_off_a_limit_that_is_set_still_applies(start_live_server: StartServer) -> None:
    server = start_live_server(rate_limit_per_minute=600)
    statuses = quick_statuses(server.base_url)
    assert server.settings.rate_limit_per_minute == 600
    assert 429 in statuses
    assert statuses[:60] == [200] * 60


def test_with_auth_token_the_default_limit_applies(start_live_server: StartServer) -> None:
    server = start_live_server(auth="token", allow_signup=True)
    assert server.settings.rate_limit_per_minute == 600
    created = httpx.post(
        f"{server.base_url}/graphql",
        json={"query": 'mutation { createAccount(input: {name: "script"}) { token } }'},
    )
    statuses = quick_statuses(server.base_url, created.json()["data"]["createAccount"]["token"])
    # The default burst of 60 goes through, then the pace of 600 a minute holds.
    assert statuses[:60] == [200] * 60
    assert 429 in statuses


def test_the_limit_holds_across_two_server_processes(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path}/limits.db"
    token = asyncio.run(_account_with_token(database_url))
    environment = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server.url,
        "VAR_DIR": str(tmp_path / "var"),
        "RUN_WORKER": "false",
        "AUTH": "token",
        "RATE_LIMIT_PER_MINUTE": "1",
        "RATE_LIMIT_BURST": str(BURST),
    }
    servers = [
        ServerProcess(
            environment, tmp_path / f"server-{name}.log", uvicorn_factory="server:create_app"
        )
        for name in "ab"
    ]
    try:
        for server in servers:
            server.wait_until_ready()
        statuses = [
            post(servers[attempt % 2].base_url, token).status_code for attempt in range(2 * BURST)
        ]
        over = post(servers[1].base_url, token)
    finally:
        for server in servers:
            server.stop()
    # Each process alone would have admitted BURST requests: together they admit BURST.
    assert statuses == [200] * BURST + [429] * BURST
    assert_refused(over)


async def _account_with_token(database_url: str) -> str:
    await upgrade_database(database_url)
    engine = create_engine(database_url)
    try:
        created = await create_account(create_session_factory(engine), name="shared")
    finally:
        await engine.dispose()
    assert created.token is not None
    return created.token.secret
