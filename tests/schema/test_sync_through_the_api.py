"""Through the product: add a wallet, its first sync runs, the API shows the exact history."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import UNREACHABLE_PROVIDER_URL, LiveServer, make_settings, syncing_settings
from tests.utils.graphql import GraphQLClient
from tests.utils.sync_harness import provider_history
from tools.simulator.testing import RunningSimulator
from workers.redis_server import RedisServer

ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
JOB = "query($id: ID!) { job(id: $id) { status progress provider error fetchedTransactions } }"
WALLET = """
query($address: String!, $after: String) {
  wallet(address: $address) {
    balance confirmedBalance unconfirmedBalance transactionCount syncStatus lastSyncedAt
    transactions(first: 20, after: $after) {
      totalCount
      edges { node { txid blockHeight amount confirmations } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


@pytest.fixture
def syncing_graphql(syncing_server: LiveServer) -> Iterator[GraphQLClient]:
    with GraphQLClient(syncing_server.base_url) as client:
        yield client


def wait_for_job(graphql: GraphQLClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job: dict[str, Any] = graphql.data(JOB, {"id": job_id})["job"]
        if job["status"] in ("SUCCEEDED", "FAILED"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_new_wallet_is_synced_and_shows_its_exact_balance_and_history(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    added = syncing_graphql.add_wallet(ADDRESS, label="Simulated")
    job = wait_for_job(syncing_graphql, added["job"]["id"])

    assert job["status"] == "SUCCEEDED", job["error"]
    assert job["progress"] == 1.0
    assert job["provider"] == "blockchair"
    history = provider_history(simulator, ADDRESS)
    assert job["fetchedTransactions"] == len(history)
    wallet = syncing_graphql.data(WALLET, {"address": ADDRESS})["wallet"]
    assert wallet["syncStatus"] == "SYNCED"
    assert wallet["lastSyncedAt"] is not None
    assert wallet["balance"] == str(simulator.admin.balance_sat(ADDRESS))
    unconfirmed = sum(amount for _, height, amount in history if height is None)
    assert wallet["unconfirmedBalance"] == str(unconfirmed)
    assert wallet["transactionCount"] == len(history)

    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = syncing_graphql.data(WALLET, {"address": ADDRESS, "after": after})["wallet"]
        nodes.extend(edge["node"] for edge in page["transactions"]["edges"])
        if not page["transactions"]["pageInfo"]["hasNextPage"]:
            break
        after = page["transactions"]["pageInfo"]["endCursor"]
    assert sorted((n["txid"], n["blockHeight"], int(n["amount"])) for n in nodes) == sorted(history)
    tip = simulator.admin.tip_height
    for node in nodes:
        height = node["blockHeight"]
        assert node["confirmations"] == (0 if height is None else tip - height + 1)


def test_sync_now_after_a_new_block_updates_the_wallet(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    wait_for_job(syncing_graphql, syncing_graphql.add_wallet(ADDRESS)["job"]["id"])
    simulator.admin.mine_block(address=ADDRESS, amounts_sat=[1_000_000])

    requested = syncing_graphql.data(
        "mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } errors { code } } }",
        {"a": ADDRESS},
    )["syncWallet"]
    job = wait_for_job(syncing_graphql, requested["job"]["id"])

    assert job["status"] == "SUCCEEDED"
    wallet = syncing_graphql.data(WALLET, {"address": ADDRESS})["wallet"]
    assert wallet["balance"] == str(simulator.admin.balance_sat(ADDRESS))
    assert wallet["unconfirmedBalance"] == "0"
    newest = wallet["transactions"]["edges"][0]["node"]
    assert newest["blockHeight"] == simulator.admin.tip_height
    assert newest["confirmations"] == 1


def test_an_offline_sync_says_in_words_which_host_it_could_not_reach(
    database_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    # Both providers point at a loopback port where nothing listens.
    settings = make_settings(database_url, redis_server, tmp_path / "var", run_worker=True)
    host = UNREACHABLE_PROVIDER_URL.removeprefix("http://")
    server = LiveServer(settings)
    server.start()
    try:
        with GraphQLClient(server.base_url) as graphql:
            job = wait_for_job(graphql, graphql.add_wallet(ADDRESS)["job"]["id"])
            wallet = graphql.data(
                "query($a: String!) { wallet(address: $a) { syncStatus lastSyncError } }",
                {"a": ADDRESS},
            )["wallet"]
    finally:
        server.stop()

    assert job["status"] == "FAILED"
    error = job["error"]
    for provider in ("blockchair", "esplora"):
        assert f"{provider}: " in error
    assert error.count(f"could not connect to {host}: connection refused") == 2, error
    # Words, not exception class names such as ConnectError or ConnectionRefusedError.
    assert re.search(r"[A-Z][a-z]+[A-Z]", error) is None, error
    assert "Errno" not in error
    assert wallet == {"syncStatus": "ERROR", "lastSyncError": error}


def test_a_blockchair_key_added_after_a_keyless_refusal_is_tried_at_once(
    database_url: str, redis_server: RedisServer, simulator: RunningSimulator, tmp_path: Path
) -> None:
    simulator.admin.require_api_key("the-real-key")

    def start(api_key: str | None) -> LiveServer:
        # Each server shares the database and Redis, as one restarted with a new setting does.
        settings = syncing_settings(
            database_url,
            redis_server,
            simulator,
            tmp_path / "var",
            blockchair_api_key=api_key,
            esplora_rate_limit=1000.0,
        )
        server = LiveServer(settings)
        server.start()
        return server

    keyless = start(None)
    try:
        with GraphQLClient(keyless.base_url) as graphql:
            refused_at = datetime.now(UTC)
            first = wait_for_job(graphql, graphql.add_wallet(ADDRESS)["job"]["id"])
        ready = httpx.get(f"{keyless.base_url}/readyz")
    finally:
        keyless.stop()

    assert (first["status"], first["provider"]) == ("SUCCEEDED", "esplora"), first["error"]
    # A skipped provider is information: the server is still ready.
    assert (ready.status_code, ready.json()["status"]) == (200, "ready")
    [skipped] = ready.json()["skipped_providers"]
    assert skipped["provider"] == "blockchair"
    assert "HTTP 430" in skipped["reason"]
    until = datetime.fromisoformat(skipped["until"])
    assert refused_at + timedelta(minutes=59) < until < refused_at + timedelta(minutes=61)

    with_key = start("the-real-key")
    try:
        assert httpx.get(f"{with_key.base_url}/readyz").json()["skipped_providers"] == []
        simulator.admin.reset_counters()
        with GraphQLClient(with_key.base_url) as graphql:
            requested = graphql.data(
                "mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } } }",
                {"a": ADDRESS},
            )["syncWallet"]
            second = wait_for_job(graphql, requested["job"]["id"])
    finally:
        with_key.stop()

    assert (second["status"], second["provider"]) == ("SUCCEEDED", "blockchair"), second["error"]
    assert simulator.admin.request_count("esplora") == 0
