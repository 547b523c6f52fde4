"""The other UTXO chains change through the same admin operations as Bitcoin's, from Python
and over HTTP, without touching Bitcoin's chain."""

from __future__ import annotations

import httpx

from tools.simulator.coin_seeds import (
    BITCOIN_CASH_BUSY_LEGACY,
    DOGECOIN_BUSY_ADDRESS,
    LITECOIN_P2SH_ADDRESS,
)
from tools.simulator.testing import RunningSimulator


def test_mining_a_dogecoin_block_shows_on_its_dashboard(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    doge = fresh_simulator.chain_admin("dogecoin")
    bitcoin_tip = fresh_simulator.admin.tip_height
    balance = doge.balance_sat(DOGECOIN_BUSY_ADDRESS)

    block = doge.mine_block(address=DOGECOIN_BUSY_ADDRESS, amounts_sat=[5_000_000, -1_000_000])

    url = f"{fresh_simulator.blockchair_url}/dogecoin/dashboards/address/{DOGECOIN_BUSY_ADDRESS}"
    entry = http.get(url, params={"transaction_details": "true"}).json()["data"][
        DOGECOIN_BUSY_ADDRESS
    ]
    assert entry["address"]["balance"] == balance + 4_000_000
    assert {tx["block_id"] for tx in entry["transactions"][:2]} == {block.height}
    assert fresh_simulator.admin.tip_height == bitcoin_tip


def test_litecoin_reorg_and_mempool_drop(fresh_simulator: RunningSimulator) -> None:
    litecoin = fresh_simulator.chain_admin("litecoin")
    txid = litecoin.add_mempool_transaction(LITECOIN_P2SH_ADDRESS, 70_000)
    tip = litecoin.tip_height
    old_hash = litecoin.block_hash(tip)

    dropped = litecoin.drop_mempool_transaction(txid)
    report = litecoin.reorg(3)

    assert dropped == [txid]
    assert txid not in litecoin.mempool_txids()
    assert report.old_block_hashes[tip] == old_hash
    assert litecoin.block_hash(tip) != old_hash
    assert litecoin.tip_height == tip


def test_chain_admin_over_http(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    base = f"{fresh_simulator.admin_url}/chains/bitcoin-cash"

    state = http.get(f"{base}/state").json()
    added = http.post(
        f"{base}/mempool", json={"address": BITCOIN_CASH_BUSY_LEGACY, "amount_sat": 12_345}
    )
    mined = http.post(f"{base}/blocks", json={})
    history = http.get(f"{base}/addresses/{BITCOIN_CASH_BUSY_LEGACY}/transactions").json()
    unknown = http.get(f"{fresh_simulator.admin_url}/chains/ethereum/state")

    txid = added.json()["txid"]
    assert BITCOIN_CASH_BUSY_LEGACY not in state["seeded_addresses"]
    assert mined.json()["height"] == state["tip_height"] + 1
    assert txid in mined.json()["txids"]
    assert history[0] == {
        "txid": txid,
        "block_height": state["tip_height"] + 1,
        "amount_sat": 12_345,
    }
    assert unknown.status_code == 400
