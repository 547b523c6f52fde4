"""Ethereum wallets through the product: added over GraphQL, synced by the server's worker from
the simulator's Etherscan, read back exactly (amounts beyond 64 bits, fees, failures), shown in
their EIP-55 form, found in any letter case, and exported as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, syncing_settings
from tests.schema.test_sync_through_the_api import wait_for_job
from tests.utils.graphql import GraphQLClient
from tools.simulator.ethereum import seeds
from tools.simulator.testing import RunningSimulator
from workers.redis_server import RedisServer

ADD = """
mutation($a: String!) {
  addWallet(input: {address: $a, chain: ETHEREUM}) {
    wallet { address chain } job { id } errors { code field message }
  }
}
"""
WALLET = """
query($a: String!, $c: Chain) {
  wallet(address: $a, chain: $c) {
    address chain balance transactionCount syncStatus
    transactions(first: 500) { totalCount edges { node { txid blockHeight amount fee failed } } }
  }
}
"""
WHALE = seeds.CHECKSUMMED[seeds.WHALE_ADDRESS]
BUSY = seeds.CHECKSUMMED[seeds.BUSY_ADDRESS]


@pytest.fixture
def ethereum_graphql(
    database_url: str, redis_server: RedisServer, simulator: RunningSimulator, tmp_path: Path
) -> Iterator[tuple[GraphQLClient, LiveServer]]:
    """A server whose worker syncs Ethereum from the simulator (Etherscan with a key first)."""
    settings = syncing_settings(
        database_url,
        redis_server,
        simulator,
        tmp_path,
        etherscan_rate_limit=1000.0,
        blockscout_rate_limit=1000.0,
    )
    server = LiveServer(settings)
    server.start()
    try:
        with GraphQLClient(server.base_url) as client:
            yield client, server
    finally:
        server.stop()


def add(graphql: GraphQLClient, address: str) -> dict[str, Any]:
    payload: dict[str, Any] = graphql.data(ADD, {"a": address})["addWallet"]
    assert payload["errors"] == [], payload["errors"]
    job = wait_for_job(graphql, payload["job"]["id"])
    assert job["status"] == "SUCCEEDED", job["error"]
    assert job["provider"] == "etherscan"
    return payload


def nodes(wallet: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in wallet["transactions"]["edges"]]


def exported(server: LiveServer, address: str) -> list[dict[str, str]]:
    response = httpx.get(
        f"{server.base_url}/export/transactions.csv",
        params={"address": address, "chain": "ETHEREUM"},
    )
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def test_a_whale_s_wallet_shows_its_balance_and_transfer_beyond_64_bits_exactly(
    ethereum_graphql: tuple[GraphQLClient, LiveServer], simulator: RunningSimulator
) -> None:
    graphql, server = ethereum_graphql
    # Added in lower case: stored lower-case, shown in its EIP-55 form.
    added = add(graphql, seeds.WHALE_ADDRESS)
    assert added["wallet"] == {"address": WHALE, "chain": "ETHEREUM"}

    wallets = [
        graphql.data(WALLET, {"a": spelling, "c": chain})["wallet"]
        for spelling in (WHALE, seeds.WHALE_ADDRESS, "0x" + seeds.WHALE_ADDRESS[2:].upper())
        for chain in ("ETHEREUM", None)
    ]
    wallet = wallets[0]
    assert all(other == wallet for other in wallets)
    assert (wallet["address"], wallet["chain"], wallet["syncStatus"]) == (
        WHALE,
        "ETHEREUM",
        "SYNCED",
    )
    assert int(wallet["balance"]) == seeds.WHALE_BALANCE_WEI == 10**24
    assert int(wallet["balance"]) == simulator.admin.ethereum.balance_wei(seeds.WHALE_ADDRESS)
    [sent] = [node for node in nodes(wallet) if node["fee"] is not None]
    fee = int(sent["fee"])
    assert fee > 0
    assert int(sent["amount"]) == -(2**70) - fee == -(seeds.BIG_TRANSFER_WEI + fee)
    assert sent["failed"] is False
    truth = {
        entry.hash: entry.amount_wei
        for entry in simulator.admin.ethereum.transactions(seeds.WHALE_ADDRESS)
    }
    assert {node["txid"]: int(node["amount"]) for node in nodes(wallet)} == truth
    assert wallet["transactionCount"] == wallet["transactions"]["totalCount"] == len(truth)

    rows = exported(server, seeds.WHALE_ADDRESS.upper().replace("0X", "0x"))
    assert list(rows[0]) == [
        "txid",
        "block_height",
        "time",
        "amount_sat",
        "amount_eth",
        "confirmations",
        "fee",
        "failed",
    ]
    [row] = [row for row in rows if row["txid"] == sent["txid"]]
    assert int(row["amount_sat"]) == -(2**70) - fee
    # 2^70 wei = 1180.591620717411303424 ETH, plus the fee: every one of the 18 digits exact.
    whole, fraction = divmod(2**70 + fee, 10**18)
    assert row["amount_eth"] == f"-{whole}.{fraction:018d}"
    assert (row["fee"], row["failed"]) == (str(fee), "false")
    assert {r["txid"]: int(r["amount_sat"]) for r in rows} == truth


def test_a_failed_transaction_shows_as_failed_and_moves_only_its_fee(
    ethereum_graphql: tuple[GraphQLClient, LiveServer],
) -> None:
    graphql, server = ethereum_graphql
    add(graphql, BUSY)

    wallet = graphql.data(WALLET, {"a": seeds.BUSY_ADDRESS, "c": "ETHEREUM"})["wallet"]
    assert wallet["address"] == BUSY
    failed = [node for node in nodes(wallet) if node["failed"]]
    assert failed, "the busy address has failed calls of its own"
    # A failed call the address sent costs it the fee; one it received costs it nothing.
    for node in failed:
        assert int(node["amount"]) == -int(node["fee"] or 0)
    paid = [node for node in failed if node["fee"] is not None]
    assert paid
    assert all(int(node["fee"]) > 0 for node in paid)
    exported_rows = {row["txid"]: row for row in exported(server, BUSY)}
    for node in paid:
        row = exported_rows[node["txid"]]
        assert row["failed"] == "true"
        assert int(row["amount_sat"]) == -int(row["fee"]) == int(node["amount"])
