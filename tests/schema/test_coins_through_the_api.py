"""Litecoin, Dogecoin and Bitcoin Cash wallets through the product: added over GraphQL, synced
by the server's worker from the simulator, read back exactly, exported per chain."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from db.models import Chain
from tests.conftest import LiveServer
from tests.schema.test_sync_through_the_api import wait_for_job
from tests.utils.graphql import GraphQLClient
from tests.utils.sync_harness import SIMULATOR_CHAINS
from tools.simulator import coin_seeds
from tools.simulator.testing import RunningSimulator

ADD = """
mutation($a: String!, $c: Chain) {
  addWallet(input: {address: $a, chain: $c}) {
    wallet { address chain } job { id } errors { code field message }
  }
}
"""
WALLET = """
query($a: String!, $c: Chain) {
  wallet(address: $a, chain: $c) {
    address chain balance confirmedBalance unconfirmedBalance transactionCount syncStatus
    transactions(first: 500) { totalCount edges { node { txid blockHeight amount } } }
  }
}
"""
BY_CHAIN = [
    pytest.param(Chain.LITECOIN, coin_seeds.LITECOIN_P2SH_ADDRESS, id="litecoin"),
    pytest.param(Chain.DOGECOIN, coin_seeds.DOGECOIN_P2SH_ADDRESS, id="dogecoin"),
    pytest.param(Chain.BITCOIN_CASH, coin_seeds.BITCOIN_CASH_P2SH_ADDRESS, id="bitcoin-cash"),
]


@pytest.fixture
def syncing_graphql(syncing_server: LiveServer) -> Iterator[GraphQLClient]:
    with GraphQLClient(syncing_server.base_url) as client:
        yield client


def add(graphql: GraphQLClient, address: str, chain: Chain) -> dict[str, Any]:
    payload: dict[str, Any] = graphql.data(ADD, {"a": address, "c": chain.value})["addWallet"]
    assert payload["errors"] == [], payload["errors"]
    job = wait_for_job(graphql, payload["job"]["id"])
    assert job["status"] == "SUCCEEDED", job["error"]
    assert job["provider"] == "blockchair"
    return payload


def truth(
    simulator: RunningSimulator, chain: Chain, address: str
) -> list[tuple[str, int | None, int]]:
    admin = simulator.chain_admin(SIMULATOR_CHAINS[chain])
    return sorted((tx.txid, tx.block_height, tx.amount_sat) for tx in admin.transactions(address))


@pytest.mark.parametrize(("chain", "address"), BY_CHAIN)
def test_a_wallet_of_each_chain_is_synced_and_shows_its_exact_history_and_export(
    syncing_graphql: GraphQLClient,
    syncing_server: LiveServer,
    simulator: RunningSimulator,
    chain: Chain,
    address: str,
) -> None:
    add(syncing_graphql, address, chain)

    wallet = syncing_graphql.data(WALLET, {"a": address, "c": chain.value})["wallet"]
    expected = truth(simulator, chain, address)
    rows = [edge["node"] for edge in wallet["transactions"]["edges"]]
    assert sorted((r["txid"], r["blockHeight"], int(r["amount"])) for r in rows) == expected
    balance = simulator.chain_admin(SIMULATOR_CHAINS[chain]).balance_sat(address)
    assert (wallet["chain"], wallet["syncStatus"]) == (chain.value, "SYNCED")
    assert int(wallet["balance"]) == balance == sum(amount for _, _, amount in expected)
    assert int(wallet["unconfirmedBalance"]) == sum(a for _, h, a in expected if h is None)
    assert wallet["transactionCount"] == wallet["transactions"]["totalCount"] == len(expected)
    # Without `chain`: the one chain this string is tracked on.
    assert syncing_graphql.data(WALLET, {"a": address, "c": None})["wallet"] == wallet

    exported = httpx.get(
        f"{syncing_server.base_url}/export/transactions.csv",
        params={"address": address, "chain": chain.value},
    )
    assert exported.status_code == 200, exported.text
    header, *lines = list(csv.reader(io.StringIO(exported.text)))
    symbol = {Chain.LITECOIN: "ltc", Chain.DOGECOIN: "doge", Chain.BITCOIN_CASH: "bch"}[chain]
    assert header == [
        "txid",
        "block_height",
        "time",
        "amount_sat",
        f"amount_{symbol}",
        "confirmations",
        "fee",
        "failed",
    ]
    assert sorted((t, int(h) if h else None, int(sat)) for t, h, _, sat, *_ in lines) == expected
    for _, _, _, amount_sat, amount_coin, _, fee, failed in lines:
        assert Decimal(amount_coin) == Decimal(amount_sat) / 10**8
        assert len(amount_coin.split(".")[1]) == 8
        # Bitcoin-like history pages do not say which input paid the fee; nothing fails on chain.
        assert (fee, failed) == ("", "false")


def test_bitcoin_cash_added_by_legacy_address_is_stored_and_shown_as_cashaddr(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    added = add(syncing_graphql, coin_seeds.BITCOIN_CASH_BUSY_LEGACY, Chain.BITCOIN_CASH)

    assert added["wallet"] == {
        "address": coin_seeds.BITCOIN_CASH_BUSY_ADDRESS,
        "chain": "BITCOIN_CASH",
    }
    for spelling in (
        coin_seeds.BITCOIN_CASH_BUSY_LEGACY,
        coin_seeds.BITCOIN_CASH_BUSY_ADDRESS,
        coin_seeds.BITCOIN_CASH_BUSY_ADDRESS.removeprefix("bitcoincash:"),
    ):
        wallet = syncing_graphql.data(WALLET, {"a": spelling, "c": "BITCOIN_CASH"})["wallet"]
        assert wallet["address"] == coin_seeds.BITCOIN_CASH_BUSY_ADDRESS
    expected = truth(simulator, Chain.BITCOIN_CASH, coin_seeds.BITCOIN_CASH_BUSY_ADDRESS)
    assert wallet["transactionCount"] == len(expected) == 300
    again = syncing_graphql.data(
        ADD, {"a": coin_seeds.BITCOIN_CASH_BUSY_ADDRESS, "c": "BITCOIN_CASH"}
    )["addWallet"]
    assert [error["code"] for error in again["errors"]] == ["ALREADY_TRACKED"]


def test_the_same_string_on_bitcoin_and_litecoin_is_two_wallets_and_lookups_need_the_chain(
    syncing_graphql: GraphQLClient, syncing_server: LiveServer, simulator: RunningSimulator
) -> None:
    same = coin_seeds.LITECOIN_OLD_P2SH_ADDRESS  # 3J98…: valid, and seeded, on both
    add(syncing_graphql, same, Chain.BITCOIN)
    add(syncing_graphql, same, Chain.LITECOIN)

    bitcoin = syncing_graphql.data(WALLET, {"a": same, "c": "BITCOIN"})["wallet"]
    litecoin = syncing_graphql.data(WALLET, {"a": same, "c": "LITECOIN"})["wallet"]
    assert (bitcoin["chain"], litecoin["chain"]) == ("BITCOIN", "LITECOIN")
    assert int(bitcoin["balance"]) == simulator.admin.balance_sat(same)
    assert int(litecoin["balance"]) == simulator.chain_admin("litecoin").balance_sat(same)
    assert bitcoin["balance"] != litecoin["balance"]
    listed = syncing_graphql.data("{ wallets { totalCount } }")["wallets"]
    assert listed["totalCount"] == 2

    [ambiguous] = syncing_graphql.execute(WALLET, {"a": same, "c": None})["errors"]
    assert ambiguous["extensions"]["code"] == "INVALID_INPUT"
    assert "Bitcoin and Litecoin" in ambiguous["message"]
    assert "`chain`" in ambiguous["message"]
    relabel = (
        "mutation($a: String!, $c: Chain) { updateWallet(input: {address: $a, chain: $c,"
        ' label: "LTC"}) { wallet { chain label } errors { code field } } }'
    )
    refused = syncing_graphql.data(relabel, {"a": same, "c": None})["updateWallet"]
    assert refused == {"wallet": None, "errors": [{"code": "INVALID_INPUT", "field": ["chain"]}]}
    relabelled = syncing_graphql.data(relabel, {"a": same, "c": "LITECOIN"})["updateWallet"]
    assert relabelled == {"wallet": {"chain": "LITECOIN", "label": "LTC"}, "errors": []}
    export = f"{syncing_server.base_url}/export/transactions.csv"
    unclear = httpx.get(export, params={"address": same})
    assert unclear.status_code == 400
    assert unclear.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert httpx.get(export, params={"address": same, "chain": "LITECOIN"}).status_code == 200

    removed = syncing_graphql.remove_wallet(same, chain="BITCOIN")
    assert removed == {"removedAddress": same, "errors": []}
    # Now the string names one wallet again: no chain needed.
    assert syncing_graphql.data(WALLET, {"a": same, "c": None})["wallet"]["chain"] == "LITECOIN"
