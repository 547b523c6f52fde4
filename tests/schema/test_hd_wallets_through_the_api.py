"""HD wallets through the product: added over GraphQL from an extended key or a descriptor,
scanned and synced by the server's worker from the simulator, read back as one wallet whose
transactions are netted over all its addresses, exactly as the simulator's truth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from db.models import Chain
from hd import HdWallet, ScriptKind, parse_hd_input
from tests.conftest import LiveServer
from tests.schema.test_sync_through_the_api import wait_for_job
from tests.utils.graphql import GraphQLClient
from tools.simulator.chain_admin import ChainAdmin
from tools.simulator.testing import RunningSimulator

# "abandon ... about", m/84'/0'/0' (BIP-84's vector).
ZPUB = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDK"
    "f31mGDtKsAYz2oz2AGutZYs"
)
ADD = """
mutation($a: String!, $gap: Int, $script: ScriptType) {
  addWallet(input: {address: $a, gapLimit: $gap, scriptType: $script}) {
    wallet { address kind descriptor gapLimit }
    job { id }
    errors { code field message }
  }
}
"""
WALLET = """
query($a: String!) {
  wallet(address: $a) {
    address kind descriptor gapLimit receiveAddress balance transactionCount
    transactions(first: 500) { totalCount edges { node { txid amount blockHeight } } }
    addresses(first: 200) {
      totalCount
      edges { node { address keychain index derivationPath used balance transactionCount } }
    }
  }
}
"""
SYNC = """
mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } errors { message } } }
"""
JOB = "query($id: ID!) { job(id: $id) { status error provider addressesScanned } }"


@pytest.fixture
def syncing_graphql(syncing_server: LiveServer) -> Iterator[GraphQLClient]:
    with GraphQLClient(syncing_server.base_url) as client:
        yield client


def bitcoin(simulator: RunningSimulator) -> ChainAdmin:
    return simulator.chain_admin("bitcoin")


def derived(key: str, script: ScriptKind, keychain: int, count: int) -> list[str]:
    wallet: HdWallet = parse_hd_input(key, Chain.BITCOIN).wallet(script)
    return [address.address for address in wallet.derive(keychain, 0, count)]


def add_and_sync(
    graphql: GraphQLClient, key: str, **variables: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    payload: dict[str, Any] = graphql.data(ADD, {"a": key, **variables})["addWallet"]
    assert payload["errors"] == [], payload["errors"]
    finished = wait_for_job(graphql, payload["job"]["id"])
    assert finished["status"] == "SUCCEEDED", finished["error"]
    job: dict[str, Any] = graphql.data(JOB, {"id": payload["job"]["id"]})["job"]
    return payload["wallet"], job


def netted_rows(wallet: dict[str, Any]) -> dict[str, int]:
    return {
        edge["node"]["txid"]: int(edge["node"]["amount"])
        for edge in wallet["transactions"]["edges"]
    }


def test_a_zpub_wallet_is_one_wallet_netted_over_its_receive_and_change_addresses(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    receive = derived(ZPUB, ScriptKind.P2WPKH, 0, 20)
    change = derived(ZPUB, ScriptKind.P2WPKH, 1, 8)
    history = bitcoin(simulator).add_wallet_history(
        receive[:8], change, used_receive=[0, 1, 2, 5], transactions=60
    )
    truth = bitcoin(simulator).net_amounts([*receive, *change])

    added, job = add_and_sync(syncing_graphql, ZPUB)
    wallet = syncing_graphql.data(WALLET, {"a": ZPUB})["wallet"]

    assert added["kind"] == "HD"
    assert added["address"] == ZPUB
    assert added["gapLimit"] == 20
    assert added["descriptor"].startswith("wpkh(xpub6CatWdiZiodm")
    assert "/<0;1>/*)#" in added["descriptor"]
    assert job["addressesScanned"] >= 40
    # One entry per transaction, each the net over every address of the wallet: change that
    # came back cancels, a move between two of its own addresses costs only the fee.
    assert netted_rows(wallet) == truth
    assert wallet["transactions"]["totalCount"] == len(history.txids) == len(truth)
    assert int(wallet["balance"]) == sum(truth.values())
    nodes = [edge["node"] for edge in wallet["addresses"]["edges"]]
    used_change = [
        node["address"] for node in nodes if node["keychain"] == "CHANGE" and node["used"]
    ]
    assert used_change == list(history.used_change)
    assert set(history.used_change) <= set(change)
    used_receive = {
        node["address"] for node in nodes if node["keychain"] == "RECEIVE" and node["used"]
    }
    assert set(history.used_receive) <= used_receive
    # Watched: 20 past the last used address of each keychain.
    last_receive = max(
        node["index"] for node in nodes if node["keychain"] == "RECEIVE" and node["used"]
    )
    receive_nodes = [node for node in nodes if node["keychain"] == "RECEIVE"]
    assert [node["index"] for node in receive_nodes] == list(range(last_receive + 21))
    assert receive_nodes[0]["derivationPath"] == "0/0"
    assert receive_nodes[0]["address"] == "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    first_unused = next(node["address"] for node in receive_nodes if not node["used"])
    assert wallet["receiveAddress"] == first_unused
