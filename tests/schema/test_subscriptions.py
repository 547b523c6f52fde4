"""Subscriptions over graphql-transport-ws against a running server whose worker syncs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from websockets.exceptions import ConnectionClosed

from schema.node import to_global_id
from tests.conftest import LiveServer, syncing_settings
from tests.utils.graphql import PROTOCOL, GraphQLClient
from tests.utils.processes import offline_server_environment
from tools.processes import ServerProcess
from tools.simulator.testing import RunningSimulator
from workers.constants import address_channel
from workers.redis_server import RedisServer

BIG_ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
SMALL_ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
JOB_UPDATES = """
subscription($id: ID!) {
  jobUpdates(id: $id) { id status provider fetchedTransactions expectedTransactions progress error }
}
"""
WALLET_UPDATES = """
subscription($address: String!) {
  walletUpdates(address: $address) { address label balance syncStatus transactionCount }
}
"""


@pytest.fixture
def live_syncing_server(
    database_url: str, redis_server: RedisServer, simulator: RunningSimulator, tmp_path: Path
) -> Iterator[LiveServer]:
    # Slow enough that a subscriber sees the 156k sync page by page.
    settings = syncing_settings(
        database_url, redis_server, simulator, tmp_path, blockchair_rate_limit=4.0
    )
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


async def test_connection_init_ack_and_ping_pong(live_syncing_server: LiveServer) -> None:
    async with GraphQLClient(live_syncing_server.base_url).socket() as socket:
        assert socket.connection.subprotocol == PROTOCOL
        await socket.send({"type": "ping"})
        assert await socket.receive() == {"type": "pong"}


# What is tested is the event stream, the same on either database; the 156k sync itself is
# tested on both in tests/workers. One backend keeps the suite's time down.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_every_progress_event_of_the_156k_sync_arrives_in_order(
    live_syncing_server: LiveServer, simulator: RunningSimulator
) -> None:
    simulator.admin.transactions(BIG_ADDRESS)  # generate the history before the clock runs
    with GraphQLClient(live_syncing_server.base_url) as graphql:
        job_id = graphql.add_wallet(BIG_ADDRESS)["job"]["id"]
        messages = await graphql.subscribe(JOB_UPDATES, {"id": job_id}, within_seconds=60)

    assert messages[-1] == {"id": "1", "type": "complete"}
    jobs = [message["payload"]["data"]["jobUpdates"] for message in messages[:-1]]
    assert all(message["type"] == "next" for message in messages[:-1])
    fetched = [job["fetchedTransactions"] for job in jobs]
    assert fetched == sorted(fetched), "progress never goes backwards"
    running = [job for job in jobs if job["status"] == "RUNNING"]
    assert len(running) >= 10, "at least one event per page of the 16"
    last = jobs[-1]
    assert last["status"] == "SUCCEEDED"
    assert last["progress"] == 1.0
    assert last["expectedTransactions"] == 156_000
    assert last["fetchedTransactions"] >= 156_000
    assert last["provider"] == "blockchair"


async def test_wallet_updates_start_with_the_state_and_follow_the_sync(
    live_syncing_server: LiveServer, simulator: RunningSimulator
) -> None:
    with GraphQLClient(live_syncing_server.base_url) as graphql:
        job_id = graphql.add_wallet(SMALL_ADDRESS, label="Live")["job"]["id"]
        async with graphql.socket() as socket:
            await socket.subscribe("wallet", WALLET_UPDATES, {"address": SMALL_ADDRESS})
            states: list[dict[str, Any]] = []
            while not states or states[-1]["syncStatus"] != "SYNCED":
                message = await socket.receive(within_seconds=30)
                assert message["type"] == "next", message
                states.append(message["payload"]["data"]["walletUpdates"])
            assert states[0]["label"] == "Live"
            assert states[-1]["balance"] == str(simulator.admin.balance_sat(SMALL_ADDRESS))

            # A later change (a new block, synced on request) arrives too.
            simulator.admin.mine_block(address=SMALL_ADDRESS, amounts_sat=[10_000])
            graphql.data(
                "mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } } }",
                {"a": SMALL_ADDRESS},
            )
            expected_balance = str(simulator.admin.balance_sat(SMALL_ADDRESS))
            while states[-1]["balance"] != expected_balance:
                message = await socket.receive(within_seconds=30)
                states.append(message["payload"]["data"]["walletUpdates"])
            await socket.send({"id": "wallet", "type": "complete"})
    assert job_id


async def test_a_finished_job_sends_its_state_and_completes(
    live_syncing_server: LiveServer,
) -> None:
    with GraphQLClient(live_syncing_server.base_url) as graphql:
        job_id = graphql.add_wallet(SMALL_ADDRESS)["job"]["id"]
        for _ in range(100):
            job = graphql.data("query($id: ID!) { job(id: $id) { status } }", {"id": job_id})
            if job["job"]["status"] == "SUCCEEDED":
                break
            await asyncio.sleep(0.1)

    async with GraphQLClient(live_syncing_server.base_url).socket() as socket:
        await socket.subscribe("done", JOB_UPDATES, {"id": job_id})
        messages = await socket.messages_until_complete("done")

    assert [message["type"] for message in messages] == ["next", "complete"]
    assert messages[0]["payload"]["data"]["jobUpdates"]["status"] == "SUCCEEDED"


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        (JOB_UPDATES, {"id": to_global_id("SyncJob", 999)}, "No sync job"),
        (JOB_UPDATES, {"id": "garbage"}, "Invalid id"),
        (WALLET_UPDATES, {"address": SMALL_ADDRESS}, "You do not track"),
        (WALLET_UPDATES, {"address": "bc1qnope"}, "Not a valid bitcoin address"),
        ("subscription { nope }", {}, "Cannot query field 'nope'"),
    ],
)
async def test_bad_subscriptions_get_a_clear_error_not_a_hang(
    live_syncing_server: LiveServer, query: str, variables: dict[str, Any], expected: str
) -> None:
    async with GraphQLClient(live_syncing_server.base_url).socket() as socket:
        await socket.subscribe("bad", query, variables)
        messages = await socket.messages_until_complete("bad", within_seconds=10)

    if query.startswith("subscription { nope"):
        # An invalid operation: the protocol's `error` message, with the validation errors.
        [error] = messages
        assert error["type"] == "error"
        assert any(expected in item["message"] for item in error["payload"])
    else:
        # A valid operation whose resolver refuses: `next` carrying the error, then `complete`.
        assert [message["type"] for message in messages] == ["next", "complete"]
        [error] = messages[0]["payload"]["errors"]
        assert expected in error["message"]
        assert messages[0]["payload"]["data"] is None


async def test_closing_the_socket_releases_the_redis_subscription(
    live_syncing_server: LiveServer, redis_server: RedisServer
) -> None:
    with GraphQLClient(live_syncing_server.base_url) as graphql:
        graphql.add_wallet(SMALL_ADDRESS)
        address_id = 1
    channel = address_channel(address_id)
    redis = Redis.from_url(redis_server.url)
    try:
        async with GraphQLClient(live_syncing_server.base_url).socket() as socket:
            await socket.subscribe("wallet", WALLET_UPDATES, {"address": SMALL_ADDRESS})
            assert (await socket.receive())["type"] == "next"
            assert await subscribers(redis, channel) == 1
        for _ in range(50):
            if await subscribers(redis, channel) == 0:
                break
            await asyncio.sleep(0.1)
        assert await subscribers(redis, channel) == 0
    finally:
        await redis.aclose()


async def subscribers(redis: Redis, channel: str) -> int:
    [(_, count)] = await redis.pubsub_numsub(channel)
    return int(count)


async def test_stopping_the_server_closes_open_subscriptions_with_a_close_code(
    tmp_path: Path,
) -> None:
    server = ServerProcess(offline_server_environment(tmp_path), tmp_path / "server.log")
    server.wait_until_ready()
    with GraphQLClient(server.base_url) as graphql:
        graphql.add_wallet(SMALL_ADDRESS)
    async with GraphQLClient(server.base_url).socket() as socket:
        await socket.subscribe("wallet", WALLET_UPDATES, {"address": SMALL_ADDRESS})
        assert (await socket.receive())["type"] == "next"

        output = await asyncio.to_thread(server.stop)

        with pytest.raises(ConnectionClosed) as closed:
            await socket.read_until_closed()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code in (1001, 1012)
    assert server.process.returncode == 0, output


def test_a_subscription_over_plain_http_is_a_clear_400(live_server: LiveServer) -> None:
    with GraphQLClient(live_server.base_url) as graphql:
        graphql.add_wallet(SMALL_ADDRESS)
    for body in (
        {"query": WALLET_UPDATES, "variables": {"address": SMALL_ADDRESS}},
        {
            "query": "query Q { __typename } "
            + WALLET_UPDATES.replace("subscription", "subscription W"),
            "operationName": "W",
            "variables": {"address": SMALL_ADDRESS},
        },
    ):
        response = httpx.post(f"{live_server.base_url}/graphql", json=body)
        assert response.status_code == 400, response.text
        [error] = response.json()["errors"]
        assert "over a websocket" in error["message"]
        assert error["extensions"]["code"] == "BAD_REQUEST"
    # A query that merely mentions the word is served as usual.
    ok = httpx.post(
        f"{live_server.base_url}/graphql",
        json={
            "query": "query subscription($a: String!) { wallet(address: $a) { address } }",
            "variables": {"a": SMALL_ADDRESS},
        },
    )
    assert ok.status_code == 200
    assert ok.json()["data"]["wallet"]["address"] == SMALL_ADDRESS


REMOVE_WALLET = "mutation($a: String!) { removeWallet(input: {address: $a}) { removedAddress } }"


async def test_removing_a_wallet_completes_its_subscriptions_and_a_re_add_starts_none(
    live_server: LiveServer,
) -> None:
    with GraphQLClient(live_server.base_url) as graphql:
        graphql.add_wallet(SMALL_ADDRESS, label="Soon gone")
        async with graphql.socket() as socket:
            await socket.subscribe("wallet", WALLET_UPDATES, {"address": SMALL_ADDRESS})
            first = await socket.receive()
            assert first["payload"]["data"]["walletUpdates"]["label"] == "Soon gone"

            removed = graphql.data(REMOVE_WALLET, {"a": SMALL_ADDRESS})["removeWallet"]
            assert removed == {"removedAddress": SMALL_ADDRESS}
            assert await socket.receive(within_seconds=10) == {"id": "wallet", "type": "complete"}

            # Re-added, the address is a new wallet: the completed subscription stays silent.
            graphql.add_wallet(SMALL_ADDRESS, label="Back")
            await socket.send({"type": "ping"})
            assert await socket.receive(within_seconds=10) == {"type": "pong"}
