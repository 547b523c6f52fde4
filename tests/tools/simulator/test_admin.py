"""Admin changes to the chain, each observed over HTTP as a sync client would see it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tools.simulator.addresses import parse_address
from tools.simulator.chain import INITIAL_TIP_HEIGHT
from tools.simulator.operations import MAX_REORG_DEPTH
from tools.simulator.seeds import BUSY_ADDRESS, MEMPOOL_ADDRESS, UNUSED_ADDRESS, generated_address
from tools.simulator.testing import RunningSimulator


def dashboard(http: httpx.Client, simulator: RunningSimulator, address: str) -> dict[str, Any]:
    body: dict[str, Any] = http.get(
        f"{simulator.blockchair_url}/bitcoin/dashboards/address/{address}",
        params={"transaction_details": "true", "limit": "10000"},
    ).json()
    return body


def esplora_status(http: httpx.Client, simulator: RunningSimulator, txid: str) -> dict[str, Any]:
    status: dict[str, Any] = http.get(f"{simulator.esplora_url}/tx/{txid}/status").json()
    return status


def test_mining_confirms_the_mempool_at_the_next_height(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    old_tip = admin.tip_height
    mempool = admin.mempool_txids()

    block = admin.mine_block()

    assert block.height == old_tip + 1
    assert list(block.txids) == mempool
    assert admin.mempool_txids() == []
    body = dashboard(http, fresh_simulator, MEMPOOL_ADDRESS)
    assert body["context"]["state"] == block.height
    newest = body["data"][MEMPOOL_ADDRESS]["transactions"][:3]
    assert {tx["block_id"] for tx in newest} == {block.height}
    assert http.get(f"{fresh_simulator.esplora_url}/blocks/tip/height").text == str(block.height)
    assert http.get(f"{fresh_simulator.esplora_url}/blocks/tip/hash").text == block.block_hash
    status = esplora_status(http, fresh_simulator, mempool[0])
    assert status == {
        "confirmed": True,
        "block_height": block.height,
        "block_hash": block.block_hash,
        "block_time": status["block_time"],
    }


def test_mining_can_add_transactions_for_an_address(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    balance = admin.balance_sat(UNUSED_ADDRESS)

    block = admin.mine_block(address=UNUSED_ADDRESS, amounts_sat=[150_000, -40_000])

    entry = dashboard(http, fresh_simulator, UNUSED_ADDRESS)["data"][UNUSED_ADDRESS]
    assert [tx["balance_change"] for tx in entry["transactions"]] == [-40_000, 150_000]
    assert {tx["block_id"] for tx in entry["transactions"]} == {block.height}
    assert entry["address"]["balance"] == balance + 110_000
    assert entry["address"]["type"] == "witness_v0_keyhash"


def test_mempool_transactions_appear_first_and_can_be_dropped(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    before = dashboard(http, fresh_simulator, BUSY_ADDRESS)["data"][BUSY_ADDRESS]["address"]

    received = admin.add_mempool_transaction(BUSY_ADDRESS, 25_000)
    spent = admin.add_mempool_transaction(BUSY_ADDRESS, -1_000_000)

    entry = dashboard(http, fresh_simulator, BUSY_ADDRESS)["data"][BUSY_ADDRESS]
    assert [
        (tx["hash"], tx["block_id"], tx["balance_change"]) for tx in entry["transactions"][:2]
    ] == [
        (spent, -1, -1_000_000),
        (received, -1, 25_000),
    ]
    assert entry["address"]["balance"] == before["balance"] - 975_000
    stats = http.get(f"{fresh_simulator.esplora_url}/address/{BUSY_ADDRESS}").json()
    assert stats["mempool_stats"]["tx_count"] == 2
    first_page = http.get(f"{fresh_simulator.esplora_url}/address/{BUSY_ADDRESS}/txs").json()
    assert [tx["txid"] for tx in first_page[:2]] == [spent, received]
    assert esplora_status(http, fresh_simulator, spent) == {"confirmed": False}

    dropped = admin.drop_mempool_transaction(received)

    assert dropped == [received]
    assert http.get(f"{fresh_simulator.esplora_url}/tx/{received}").status_code == 404
    entry = dashboard(http, fresh_simulator, BUSY_ADDRESS)["data"][BUSY_ADDRESS]
    assert entry["transactions"][0]["hash"] == spent
    assert entry["transactions"][1]["block_id"] > 0


def test_dropping_a_parent_drops_its_mempool_children(fresh_simulator: RunningSimulator) -> None:
    admin = fresh_simulator.admin
    parent = admin.add_mempool_transaction(UNUSED_ADDRESS, 90_000)
    child = admin.add_mempool_transaction(UNUSED_ADDRESS, -50_000)

    assert admin.drop_mempool_transaction(parent) == [parent, child]
    assert admin.transactions(UNUSED_ADDRESS) == []


def test_spending_more_than_the_balance_is_refused(fresh_simulator: RunningSimulator) -> None:
    with pytest.raises(ValueError, match="holds only"):
        fresh_simulator.admin.add_mempool_transaction(UNUSED_ADDRESS, -1_000)
    with pytest.raises(ValueError, match="holds only"):
        fresh_simulator.admin.mine_block(address=UNUSED_ADDRESS, amounts_sat=[5_000, -6_000])
    assert fresh_simulator.admin.tip_height == INITIAL_TIP_HEIGHT
    with pytest.raises(ValueError, match="dust"):
        fresh_simulator.admin.add_mempool_transaction(BUSY_ADDRESS, -500)
    with pytest.raises(ValueError, match="not in the mempool"):
        fresh_simulator.admin.drop_mempool_transaction("00" * 32)


def test_reorg_replaces_blocks_and_moves_transactions(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    tip = admin.tip_height
    before = {
        tx.txid: tx.block_height
        for tx in admin.transactions(MEMPOOL_ADDRESS)
        if tx.block_height is not None and tx.block_height > tip - 6
    }

    report = admin.reorg(6)

    assert admin.tip_height == tip
    assert set(report.old_block_hashes) == set(range(tip - 5, tip + 1))
    for height, new_hash in report.new_block_hashes.items():
        assert new_hash != report.old_block_hashes[height]
        assert http.get(f"{fresh_simulator.esplora_url}/block-height/{height}").text == new_hash
    assert before.keys() <= report.transactions.keys()
    assert None in report.transactions.values()
    entry = dashboard(http, fresh_simulator, MEMPOOL_ADDRESS)["data"][MEMPOOL_ADDRESS]
    block_ids = {tx["hash"]: tx["block_id"] for tx in entry["transactions"]}
    for txid, new_height in report.transactions.items():
        if txid in before:
            assert block_ids[txid] == (-1 if new_height is None else new_height)
            status = esplora_status(http, fresh_simulator, txid)
            assert status.get("block_height") == new_height
            if new_height is not None:
                assert status["block_hash"] == report.new_block_hashes[new_height]
    returned = [txid for txid, new_height in report.transactions.items() if new_height is None]
    assert set(returned) <= set(admin.mempool_txids())


def test_reorg_follows_the_documented_rule(fresh_simulator: RunningSimulator) -> None:
    """At depth 1 every transaction is in the tip block: the 1st, 2nd, 4th, 5th stay there
    (nothing can move above the tip), the 3rd and 6th go back to the mempool."""
    admin = fresh_simulator.admin
    admin.add_mempool_transaction(UNUSED_ADDRESS, 10_000)
    block = admin.mine_block(address=UNUSED_ADDRESS, amounts_sat=[20_000, 30_000])

    report = admin.reorg(1)

    assert len(block.txids) == 6
    assert report.transactions == {
        txid: None if position % 3 == 2 else block.height
        for position, txid in enumerate(block.txids)
    }
    assert admin.mempool_txids() == [block.txids[2], block.txids[5]]


def test_reorg_keeps_spends_after_what_they_spend(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    for amount in (10_000, -5_000, 20_000, -3_000, 7_000, -2_000):
        admin.mine_block(address=UNUSED_ADDRESS, amounts_sat=[amount])

    admin.reorg(6)

    heights = {tx.txid: tx.block_height for tx in admin.transactions(UNUSED_ADDRESS)}
    assert None in heights.values()
    for txid, height in heights.items():
        transaction = http.get(f"{fresh_simulator.esplora_url}/tx/{txid}").json()
        for entry in transaction["vin"]:
            if entry["txid"] in heights and height is not None:
                parent_height = heights[entry["txid"]]
                assert parent_height is not None
                assert parent_height <= height
    amounts = [tx.amount_sat for tx in admin.transactions(UNUSED_ADDRESS)]
    assert sum(amounts) == admin.balance_sat(UNUSED_ADDRESS) == 27_000


def test_reorg_depth_is_bounded(fresh_simulator: RunningSimulator) -> None:
    with pytest.raises(ValueError, match="depth"):
        fresh_simulator.admin.reorg(MAX_REORG_DEPTH + 1)


def test_generated_addresses_are_deterministic_and_valid(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    addresses = fresh_simulator.admin.add_generated_addresses(40, 5)

    assert addresses == [generated_address(0, index) for index in range(40)]
    assert len(set(addresses)) == 40
    for address in addresses[:5]:
        assert parse_address(address).esplora_type == "v0_p2wpkh"
        entry = dashboard(http, fresh_simulator, address)["data"][address]
        assert entry["address"]["transaction_count"] == 5
    with RunningSimulator() as other:
        assert other.admin.add_generated_addresses(40, 5) == addresses
        assert other.admin.transactions(addresses[7]) == fresh_simulator.admin.transactions(
            addresses[7]
        )
