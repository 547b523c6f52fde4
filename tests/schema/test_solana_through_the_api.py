"""A Solana wallet through the product: added over GraphQL, synced by the server's worker from
the simulator's JSON-RPC, read back with its exact balance, fees and failed transactions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import LiveServer
from tests.schema.test_sync_through_the_api import wait_for_job
from tests.utils.graphql import GraphQLClient
from tools.simulator.solana.seeds import SOLANA_FAILED_ADDRESS
from tools.simulator.testing import RunningSimulator

ADD = """
mutation($a: String!) {
  addWallet(input: {address: $a, chain: SOLANA}) {
    wallet { address chain } job { id } errors { code field message }
  }
}
"""
WALLET = """
query($a: String!) {
  wallet(address: $a, chain: SOLANA) {
    address chain balance transactionCount syncStatus
    transactions(first: 100) { edges { node { txid blockHeight amount fee failed } } }
  }
}
"""


@pytest.fixture
def syncing_graphql(syncing_server: LiveServer) -> Iterator[GraphQLClient]:
    with GraphQLClient(syncing_server.base_url) as client:
        yield client


def test_a_solana_wallet_shows_its_exact_balance_fees_and_failed_transactions(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    address = SOLANA_FAILED_ADDRESS
    payload = syncing_graphql.data(ADD, {"a": address})["addWallet"]
    assert payload["errors"] == [], payload["errors"]
    job = wait_for_job(syncing_graphql, payload["job"]["id"])
    assert job["status"] == "SUCCEEDED", job["error"]
    assert job["provider"] == "solana"
    assert job["progress"] == 1.0

    wallet = syncing_graphql.data(WALLET, {"a": address})["wallet"]
    truth = simulator.solana.transactions(address)
    assert wallet["syncStatus"] == "SYNCED"
    assert int(wallet["balance"]) == simulator.solana.balance_lamports(address)
    assert wallet["transactionCount"] == len(truth)
    rows = sorted(
        (
            node["txid"],
            node["blockHeight"],
            int(node["amount"]),
            None if node["fee"] is None else int(node["fee"]),
            node["failed"],
        )
        for node in (edge["node"] for edge in wallet["transactions"]["edges"])
    )
    assert rows == sorted(
        (tx.signature, tx.slot, tx.lamports, tx.fee if tx.fee_payer else None, tx.failed)
        for tx in truth
    )
    # It paid for some failed transactions (minus the fee) and was only listed in others (0).
    paid = [row for row in rows if row[4] and row[3] is not None]
    assert paid
    assert all(row[2] == -row[3] for row in paid if row[3] is not None)
    assert any(row[4] and row[3] is None and row[2] == 0 for row in rows)
