"""The Ethereum admin handle: mining, reorgs, faults, rate limits, keys, Blockscout's
unindexed blocks, in Python and over HTTP, each seen through the explorers."""

from __future__ import annotations

import httpx

from tests.tools.simulator.explorers import API_KEY, blockscout, etherscan
from tests.tools.simulator.shapes import load_sample
from tools.simulator.ethereum.admin import relayed_payment
from tools.simulator.ethereum.model import GWEI, InternalTransfer, Transfer
from tools.simulator.ethereum.seeds import BUSY_ADDRESS, CHECKSUMMED, UNUSED_ADDRESS
from tools.simulator.testing import RunningSimulator

ALICE = "0x1111111111111111111111111111111111111111"
BOB = "0x2222222222222222222222222222222222222222"
ROUTER = "0x3333333333333333333333333333333333333333"


def test_mined_transfers_reach_both_explorers_and_the_truth(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin.ethereum
    transfers = [
        Transfer(ALICE, BOB, value_wei=5 * 10**18),
        Transfer(ALICE, BOB, value_wei=10**18, failed=True, gas_used=30_000),
        Transfer(ALICE, None, gas_used=120_000),
        Transfer(
            ALICE, ROUTER, gas_used=90_000, internal=(InternalTransfer(ROUTER, ALICE, 7 * 10**17),)
        ),
        relayed_payment(CHECKSUMMED[UNUSED_ADDRESS], 3 * 10**16),
    ]

    block = admin.mine_block(transfers, withdrawals=[(BOB, 2 * GWEI)])

    alice = etherscan(http, fresh_simulator, "txlist", address=ALICE).json()["result"]
    unused = etherscan(http, fresh_simulator, "txlistinternal", address=UNUSED_ADDRESS).json()
    on_blockscout = blockscout(http, fresh_simulator, "txlist", address=BOB).json()["result"]
    assert block.height == admin.tip_height
    assert [row["hash"] for row in alice] == list(block.transaction_hashes[:4])
    assert [row["isError"] for row in alice] == ["0", "1", "0", "0"]
    assert alice[2]["to"] == ""
    assert alice[2]["contractAddress"]
    assert [row["nonce"] for row in alice] == ["0", "1", "2", "3"]
    assert {row["confirmations"] for row in alice} == {"1"}
    assert {row["confirmations"] for row in on_blockscout} == {"0"}
    assert unused["result"][0]["to"] == UNUSED_ADDRESS
    fee = 20 * GWEI
    assert [e.amount_wei for e in admin.transactions(ALICE)] == [
        -5 * 10**18 - 21_000 * fee,
        -30_000 * fee,
        -120_000 * fee,
        7 * 10**17 - 90_000 * fee,
    ]
    # The failed transfer moved nothing to Bob.
    assert [e.amount_wei for e in admin.transactions(BOB)] == [5 * 10**18, 0, 2 * 10**18]
    assert [e.amount_wei for e in admin.transactions(UNUSED_ADDRESS)] == [3 * 10**16]


def test_reorg_moves_drops_and_replaces_transactions(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin.ethereum
    first = admin.mine_block([Transfer(ALICE, BOB, value_wei=1) for _ in range(3)])
    second = admin.mine_block([Transfer(ALICE, BOB, value_wei=2)])
    hashes = [*first.transaction_hashes, *second.transaction_hashes]

    report = admin.reorg(2, [Transfer(BOB, ALICE, value_wei=9)])

    rows = etherscan(http, fresh_simulator, "txlist", address=BOB).json()["result"]
    listed = {row["hash"]: int(row["blockNumber"]) for row in rows}
    assert report.old_block_hashes[second.height] == second.hash
    assert report.new_block_hashes[second.height] != second.hash
    assert report.transactions == {
        hashes[0]: first.height,
        hashes[1]: second.height,
        hashes[2]: None,
        hashes[3]: second.height,
    }
    assert listed == {
        hashes[0]: first.height,
        hashes[1]: second.height,
        hashes[3]: second.height,
        report.mined[0]: second.height,
    }
    assert {row["blockHash"] for row in rows if row["blockNumber"] == str(second.height)} == {
        report.new_block_hashes[second.height]
    }
    assert sum(e.amount_wei for e in admin.transactions(BOB)) == admin.balance_wei(BOB)
    assert len(admin.transactions(BOB)) == 4


def test_etherscan_keys(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    admin = fresh_simulator.admin
    admin.ethereum.require_etherscan_api_key(API_KEY)

    good = etherscan(http, fresh_simulator, "balance", address=BUSY_ADDRESS)
    bad = [
        etherscan(http, fresh_simulator, "balance", address=BUSY_ADDRESS, apikey="guess").json()
        for _ in range(6)
    ]
    throttled = etherscan(http, fresh_simulator, "balance", address=BUSY_ADDRESS).json()

    assert good.json()["status"] == "1"
    assert bad[0] == load_sample("ethereum/etherscan_error-invalid-api-key_from-docs.json")
    assert throttled["result"] == "Too many invalid api key attempts, please try again later"
    assert {record.refused_by for record in admin.requests("etherscan")[1:]} == {"api_key"}


def test_rate_limits_per_explorer(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    admin = fresh_simulator.admin
    admin.set_rate_limit("etherscan", 2)
    admin.set_rate_limit("blockscout", 2, per_seconds=60)

    etherscan_answers = [
        etherscan(http, fresh_simulator, "balance", address=BUSY_ADDRESS) for _ in range(3)
    ]
    blockscout_answers = [
        blockscout(http, fresh_simulator, "balance", address=BUSY_ADDRESS) for _ in range(3)
    ]

    assert [r.status_code for r in etherscan_answers] == [200, 200, 200]
    assert etherscan_answers[2].json() == load_sample(
        "ethereum/etherscan_error-max-rate-limit_from-docs.json"
    )
    assert [r.status_code for r in blockscout_answers] == [200, 200, 429]
    assert [r.headers["x-ratelimit-remaining"] for r in blockscout_answers] == ["1", "0", "0"]
    assert {r.headers["x-ratelimit-limit"] for r in blockscout_answers} == {"2"}
    assert 0 < int(blockscout_answers[2].headers["x-ratelimit-reset"]) <= 60_000
    assert admin.request_count("etherscan", "balance") == 3


def test_faults_per_explorer(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    admin = fresh_simulator.admin
    admin.inject_fault("etherscan", "notok")
    admin.inject_fault("blockscout", "error_status", status=502, path_contains="txlist")

    notok = etherscan(http, fresh_simulator, "txlist", address=BUSY_ADDRESS)
    recovered = etherscan(http, fresh_simulator, "txlist", address=BUSY_ADDRESS)
    balance = blockscout(http, fresh_simulator, "balance", address=BUSY_ADDRESS)
    bad_gateway = blockscout(http, fresh_simulator, "txlist", address=BUSY_ADDRESS)

    assert notok.status_code == 200
    assert notok.json() == load_sample(
        "ethereum/etherscan_v2-error-NOTOK-free-api-temporarily-unavailable-chainid56_"
        "rotki-test-caching-2025-10.json"
    )
    assert recovered.json()["status"] == "1"
    assert balance.status_code == 200
    assert bad_gateway.status_code == 502
    assert bad_gateway.headers["content-type"].startswith("text/html")
    assert [r.kind for r in admin.requests("blockscout")] == ["balance", "txlist"]


def test_blockscout_status_2_while_internal_transactions_are_indexed(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin.ethereum
    internal = etherscan(http, fresh_simulator, "txlistinternal", address=BUSY_ADDRESS).json()
    newest = internal["result"][-1]
    admin.set_blockscout_unprocessed([int(newest["blockNumber"])])

    partial = blockscout(http, fresh_simulator, "txlistinternal", address=BUSY_ADDRESS).json()
    by_hash = blockscout(http, fresh_simulator, "txlistinternal", txhash=newest["hash"]).json()
    earlier = blockscout(
        http,
        fresh_simulator,
        "txlistinternal",
        address=BUSY_ADDRESS,
        endblock=int(newest["blockNumber"]) - 1,
    ).json()
    admin.set_blockscout_unprocessed([])
    complete = blockscout(http, fresh_simulator, "txlistinternal", address=BUSY_ADDRESS).json()

    assert partial["status"] == "2"
    assert partial["message"] == (
        "Some internal transactions within this block range have not yet been processed"
    )
    assert newest["hash"] not in {row["transactionHash"] for row in partial["result"]}
    assert len(partial["result"]) >= 1
    assert by_hash == load_sample(
        "ethereum/blockscout_etherscan-compat-txlistinternal-status2-not-processed-yet_"
        "rotki-test-caching-2026-01.json"
    )
    assert earlier["status"] == "1"
    assert complete["status"] == "1"
    assert len(complete["result"]) == len(internal["result"])


def test_the_admin_over_http(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    admin_url = fresh_simulator.admin_url
    transfer = {
        "from": ALICE,
        "to": ROUTER,
        "value_wei": str(2**70),
        "internal": [{"from": ROUTER, "to": BOB, "value_wei": 5}],
    }

    state = http.get(f"{admin_url}/ethereum/state").json()
    mined = http.post(
        f"{admin_url}/ethereum/blocks",
        json={"transfers": [transfer], "withdrawals": [{"address": BOB, "amount_gwei": 3}]},
    ).json()
    bob = http.get(f"{admin_url}/ethereum/addresses/{BOB}/transactions").json()
    reorg = http.post(f"{admin_url}/ethereum/reorg", json={"depth": 1}).json()
    http.post(f"{admin_url}/ethereum/etherscan", json={"result_window": 5})
    window = etherscan(http, fresh_simulator, "txlist", address=ALICE, offset=6).json()
    fault = http.post(
        f"{admin_url}/faults",
        json={"provider": "blockscout", "kind": "error_status", "status": 503},
    )
    refused = http.post(f"{admin_url}/faults", json={"provider": "blockscout", "kind": "notok"})
    faulted = blockscout(http, fresh_simulator, "balance", address=BOB)
    http.post(f"{admin_url}/ethereum/blockscout", json={"unprocessed_heights": [mined["height"]]})
    partial = blockscout(http, fresh_simulator, "txlistinternal", address=BOB).json()

    assert mined["height"] == state["tip_height"] + 1
    assert bob["balance_wei"] == str(5 + 3 * GWEI)
    assert [entry["amount_wei"] for entry in bob["transactions"]] == ["5", str(3 * GWEI)]
    assert reorg["transactions"] == {mined["transaction_hashes"][0]: mined["height"]}
    assert window["result"] is None
    assert fault.status_code == 200
    assert refused.status_code == 400
    assert faulted.status_code == 503
    assert (partial["status"], partial["result"]) == ("2", [])
