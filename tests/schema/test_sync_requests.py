"""Asking for syncs: one queued or running job per address, whoever asks and how often."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import StartServer
from tests.utils.graphql import GraphQLClient

ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
SYNC = """
mutation($address: String!) {
  syncWallet(input: {address: $address}) { job { id status } errors { code field message } }
}
"""


def test_duplicate_sync_requests_share_the_queued_job(graphql: GraphQLClient) -> None:
    initial_job = graphql.add_wallet(ADDRESS)["job"]

    first = graphql.data(SYNC, {"address": ADDRESS})["syncWallet"]
    second = graphql.data(SYNC, {"address": ADDRESS.upper()})["syncWallet"]

    assert first["errors"] == second["errors"] == []
    assert first["job"] == second["job"] == {"id": initial_job["id"], "status": "QUEUED"}
    latest = graphql.data(
        "query($a: String!) { wallet(address: $a) { latestJob { id } } }", {"a": ADDRESS}
    )
    assert latest["wallet"]["latestJob"]["id"] == initial_job["id"]


def test_syncing_an_untracked_or_invalid_address_is_an_error(graphql: GraphQLClient) -> None:
    untracked = graphql.data(SYNC, {"address": ADDRESS})["syncWallet"]
    assert untracked["job"] is None
    assert [error["code"] for error in untracked["errors"]] == ["NOT_FOUND"]

    invalid = graphql.data(SYNC, {"address": "bc1qnotanaddress"})["syncWallet"]
    assert invalid["job"] is None
    assert [error["code"] for error in invalid["errors"]] == ["INVALID_ADDRESS"]


@pytest.fixture
def limited_graphql(start_live_server: StartServer) -> Iterator[GraphQLClient]:
    server = start_live_server(max_wallets_per_account=2, sync_requests_per_minute=3)
    with GraphQLClient(server.base_url) as client:
        yield client


def test_an_account_cannot_track_more_than_its_wallet_limit(limited_graphql: GraphQLClient) -> None:
    assert limited_graphql.add_wallet(ADDRESS)["errors"] == []
    assert limited_graphql.add_wallet("12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju")["errors"] == []

    third = limited_graphql.add_wallet("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")

    assert third["wallet"] is None
    [error] = third["errors"]
    assert error["code"] == "LIMIT_EXCEEDED"
    assert "2 wallets" in error["message"]
    assert limited_graphql.data("{ wallets { totalCount } }")["wallets"]["totalCount"] == 2


def test_sync_requests_per_minute_are_limited(limited_graphql: GraphQLClient) -> None:
    limited_graphql.add_wallet(ADDRESS)
    answers = [limited_graphql.data(SYNC, {"address": ADDRESS})["syncWallet"] for _ in range(4)]

    assert all(answer["errors"] == [] for answer in answers[:3])
    [error] = answers[3]["errors"]
    assert answers[3]["job"] is None
    assert error["code"] == "LIMIT_EXCEEDED"
    assert "more than 3 syncs this minute" in error["message"]
