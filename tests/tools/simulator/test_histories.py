"""Histories are deterministic, page consistently and add up the same on both providers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tools.simulator.seeds import (
    BUSY_ADDRESS,
    BUSY_ADDRESS_TRANSACTIONS,
    GENESIS_ADDRESS,
    MEMPOOL_ADDRESS,
    UNUSED_ADDRESS,
)
from tools.simulator.testing import RunningSimulator


def blockchair_history(
    http: httpx.Client, simulator: RunningSimulator, address: str, *, limit: int = 10_000
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The address summary and every transaction, page by page, newest first."""
    url = f"{simulator.blockchair_url}/bitcoin/dashboards/address/{address}"
    transactions: list[dict[str, Any]] = []
    while True:
        params = {
            "limit": str(limit),
            "offset": str(len(transactions)),
            "transaction_details": "true",
        }
        entry = http.get(url, params=params).json()["data"][address]
        transactions += entry["transactions"]
        if len(entry["transactions"]) < limit:
            return entry["address"], transactions


def esplora_history(
    http: httpx.Client, simulator: RunningSimulator, address: str
) -> list[dict[str, Any]]:
    """/txs, then /txs/chain/{last seen txid} until an empty page."""
    url = f"{simulator.esplora_url}/address/{address}/txs"
    transactions: list[dict[str, Any]] = http.get(url).json()
    while True:
        confirmed = [tx for tx in transactions if tx["status"]["confirmed"]]
        if not confirmed:
            return transactions
        page = http.get(f"{url}/chain/{confirmed[-1]['txid']}").json()
        if not page:
            return transactions
        transactions += page


def esplora_net_amount(transaction: dict[str, Any], address: str) -> int:
    """The address's outputs minus its spent prevouts."""
    received: int = sum(
        output["value"]
        for output in transaction["vout"]
        if output.get("scriptpubkey_address") == address
    )
    spent: int = sum(
        entry["prevout"]["value"]
        for entry in transaction["vin"]
        if entry["prevout"] is not None and entry["prevout"].get("scriptpubkey_address") == address
    )
    return received - spent


def test_same_seed_gives_identical_responses(http: httpx.Client) -> None:
    paths = [
        f"/bitcoin/dashboards/address/{MEMPOOL_ADDRESS}?transaction_details=true",
        f"/bitcoin/dashboards/address/{BUSY_ADDRESS}?limit=50,20&offset=30",
        f"/bitcoin/dashboards/address/{UNUSED_ADDRESS}",
        f"/bitcoin/dashboards/addresses/{GENESIS_ADDRESS},{MEMPOOL_ADDRESS}",
        "/bitcoin/stats",
        f"/esplora/address/{MEMPOOL_ADDRESS}",
        f"/esplora/address/{MEMPOOL_ADDRESS}/txs",
        f"/esplora/address/{BUSY_ADDRESS}/utxo",
        "/esplora/blocks/tip/hash",
    ]
    with RunningSimulator(seed=7) as first, RunningSimulator(seed=7) as second:
        for path in paths:
            assert (
                http.get(first.base_url + path).content == http.get(second.base_url + path).content
            )
        with RunningSimulator(seed=8) as other:
            path = f"/esplora/address/{BUSY_ADDRESS}/txs"
            assert http.get(other.base_url + path).json() != http.get(first.base_url + path).json()


@pytest.mark.parametrize("limit", [10_000, 100, 7])
def test_blockchair_pages_cover_the_history_once(
    http: httpx.Client, simulator: RunningSimulator, limit: int
) -> None:
    everything = simulator.admin.transactions(BUSY_ADDRESS)

    summary, transactions = blockchair_history(http, simulator, BUSY_ADDRESS, limit=limit)

    hashes = [transaction["hash"] for transaction in transactions]
    assert summary["transaction_count"] == BUSY_ADDRESS_TRANSACTIONS
    assert len(set(hashes)) == len(hashes) == BUSY_ADDRESS_TRANSACTIONS
    assert hashes == [entry.txid for entry in everything]
    heights = [transaction["block_id"] for transaction in transactions]
    assert heights == sorted(heights, reverse=True)


def test_balances_are_sums_of_amounts(http: httpx.Client, simulator: RunningSimulator) -> None:
    for address in (BUSY_ADDRESS, MEMPOOL_ADDRESS, GENESIS_ADDRESS, UNUSED_ADDRESS):
        summary, transactions = blockchair_history(http, simulator, address)
        stats = http.get(f"{simulator.esplora_url}/address/{address}").json()
        chain, mempool = stats["chain_stats"], stats["mempool_stats"]

        net = sum(transaction["balance_change"] for transaction in transactions)
        assert summary["balance"] == net == summary["received"] - summary["spent"]
        assert summary["balance"] == (
            chain["funded_txo_sum"]
            - chain["spent_txo_sum"]
            + mempool["funded_txo_sum"]
            - mempool["spent_txo_sum"]
        )
        assert summary["output_count"] == chain["funded_txo_count"] + mempool["funded_txo_count"]
        assert summary["transaction_count"] == chain["tx_count"] + mempool["tx_count"]
        utxos = http.get(f"{simulator.esplora_url}/address/{address}/utxo").json()
        assert sum(utxo["value"] for utxo in utxos) == summary["balance"]
        assert len(utxos) == summary["unspent_output_count"]


def test_esplora_chain_walk_matches_blockchair(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    _, from_blockchair = blockchair_history(http, simulator, BUSY_ADDRESS)

    from_esplora = esplora_history(http, simulator, BUSY_ADDRESS)

    assert [tx["txid"] for tx in from_esplora] == [tx["hash"] for tx in from_blockchair]
    amounts = {tx["hash"]: tx["balance_change"] for tx in from_blockchair}
    for transaction in from_esplora:
        assert esplora_net_amount(transaction, BUSY_ADDRESS) == amounts[transaction["txid"]]
        inputs = sum(entry["prevout"]["value"] for entry in transaction["vin"])
        outputs = sum(output["value"] for output in transaction["vout"])
        assert inputs - outputs == transaction["fee"] > 0
    assert any(
        "scriptpubkey_address" not in output and output["scriptpubkey_type"] == "op_return"
        for transaction in from_esplora
        for output in transaction["vout"]
    )


def test_esplora_first_page_puts_the_mempool_first(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    page = http.get(f"{simulator.esplora_url}/address/{MEMPOOL_ADDRESS}/txs").json()
    mempool = http.get(f"{simulator.esplora_url}/address/{MEMPOOL_ADDRESS}/txs/mempool").json()

    assert [tx["status"] for tx in page[:3]] == [{"confirmed": False}] * 3
    assert [tx["txid"] for tx in mempool] == [tx["txid"] for tx in page[:3]]
    assert len(page) == 3 + 25
    assert all(tx["status"]["confirmed"] for tx in page[3:])


def test_esplora_paging_edge_cases(http: httpx.Client, simulator: RunningSimulator) -> None:
    url = f"{simulator.esplora_url}/address/{BUSY_ADDRESS}/txs/chain"
    newest = http.get(url).json()

    unknown = http.get(f"{url}/{'ab' * 32}")
    not_a_txid = http.get(f"{url}/not-a-txid")

    assert len(newest) == 25
    assert unknown.json() == []
    assert not_a_txid.json() == newest


def test_one_transaction_in_two_histories(http: httpx.Client, simulator: RunningSimulator) -> None:
    _, genesis = blockchair_history(http, simulator, GENESIS_ADDRESS)
    _, busy = blockchair_history(http, simulator, MEMPOOL_ADDRESS)
    shared = {tx["hash"] for tx in genesis} & {tx["hash"] for tx in busy}

    assert len(shared) == 1
    (txid,) = shared
    transaction = http.get(f"{simulator.esplora_url}/tx/{txid}").json()
    genesis_amount = next(tx["balance_change"] for tx in genesis if tx["hash"] == txid)
    busy_amount = next(tx["balance_change"] for tx in busy if tx["hash"] == txid)
    assert busy_amount > 0 > genesis_amount
    assert genesis_amount == -(busy_amount + transaction["fee"])
    assert esplora_net_amount(transaction, GENESIS_ADDRESS) == genesis_amount
    assert esplora_net_amount(transaction, MEMPOOL_ADDRESS) == busy_amount


def test_genesis_address_received_a_block_reward(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    transactions = esplora_history(http, simulator, GENESIS_ADDRESS)

    coinbase = [tx for tx in transactions if tx["vin"][0]["is_coinbase"]]
    assert len(coinbase) == 1
    assert coinbase[0]["vin"][0]["prevout"] is None
    assert coinbase[0]["fee"] == 0
    assert esplora_net_amount(coinbase[0], GENESIS_ADDRESS) > 0


def test_mempool_address_counts(http: httpx.Client, simulator: RunningSimulator) -> None:
    summary, transactions = blockchair_history(http, simulator, MEMPOOL_ADDRESS)

    assert [tx["block_id"] for tx in transactions[:3]] == [-1, -1, -1]
    assert all(tx["block_id"] > 0 for tx in transactions[3:])
    assert len(transactions) == 43 == summary["transaction_count"]


def test_transaction_lookups(http: httpx.Client, simulator: RunningSimulator) -> None:
    missing = http.get(f"{simulator.esplora_url}/tx/{'cd' * 32}")
    malformed = http.get(f"{simulator.esplora_url}/tx/xyz")
    invalid_address = http.get(f"{simulator.esplora_url}/address/bc1qnotvalid/txs")
    tip = http.get(f"{simulator.esplora_url}/blocks/tip/height")

    assert (missing.status_code, missing.text) == (404, "Transaction not found")
    assert (malformed.status_code, malformed.text) == (400, "Invalid hex string")
    assert (invalid_address.status_code, invalid_address.text) == (400, "Invalid Bitcoin address")
    assert tip.text == str(simulator.admin.tip_height)


def test_blockchair_limits(http: httpx.Client, simulator: RunningSimulator) -> None:
    url = f"{simulator.blockchair_url}/bitcoin/dashboards/address/{BUSY_ADDRESS}"

    pair = http.get(url, params={"limit": "10,3", "offset": "5"}).json()
    too_many = http.get(url, params={"limit": "10001"})
    too_far = http.get(url, params={"offset": "1000001"})

    assert pair["context"]["limit"] == "10,3"
    assert pair["context"]["offset"] == "5,5"
    assert len(pair["data"][BUSY_ADDRESS]["transactions"]) == 10
    assert len(pair["data"][BUSY_ADDRESS]["utxo"]) == 3
    assert too_many.status_code == too_far.status_code == 400


def test_stats_report_the_tip(http: httpx.Client, simulator: RunningSimulator) -> None:
    body = http.get(f"{simulator.blockchair_url}/bitcoin/stats").json()

    assert body["data"]["best_block_height"] == simulator.admin.tip_height
    assert body["data"]["best_block_hash"] == simulator.admin.block_hash(simulator.admin.tip_height)
    assert body["context"]["state"] == simulator.admin.tip_height
