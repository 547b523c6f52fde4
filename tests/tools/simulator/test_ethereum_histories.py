"""Ethereum histories read back through the explorers: paging by block range under a cap,
and the admin's truth (net per transaction, PROVIDERS.md's formula) against the balance."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import httpx
import pytest

from tests.tools.simulator.explorers import (
    blockscout,
    etherscan,
    etherscan_from_block,
    page_by_block_range,
)
from tools.simulator.ethereum.seeds import (
    BIG_RECIPIENT_ADDRESS,
    BIG_TRANSFER_WEI,
    BUSY_ADDRESS,
    CROWDED_BLOCK,
    CROWDED_BLOCK_TRANSACTIONS,
    GENESIS_ADDRESS,
    RELAYED_ADDRESS,
    SEEDED_ADDRESSES,
    VALIDATOR_ADDRESS,
    WHALE_ADDRESS,
    WHALE_BALANCE_WEI,
)
from tools.simulator.testing import RunningSimulator

SMALL_ADDRESSES = [address for address in SEEDED_ADDRESSES if address != SEEDED_ADDRESSES[1]]


def rows(http: httpx.Client, simulator: RunningSimulator, action: str, address: str) -> Any:
    result = etherscan(http, simulator, action, address=address).json()["result"]
    return result


def nets_from_the_explorer(
    http: httpx.Client, simulator: RunningSimulator, address: str
) -> dict[str, int]:
    """PROVIDERS.md: value when ok, the fee always, internal calls when ok; plus withdrawals."""
    nets: dict[str, int] = defaultdict(int)
    for row in rows(http, simulator, "txlist", address):
        ok = row["isError"] == "0"
        if row["to"] == address and ok:
            nets[row["hash"]] += int(row["value"])
        if row["from"] == address:
            fee = int(row["gasUsed"]) * int(row["gasPrice"])
            nets[row["hash"]] -= fee + (int(row["value"]) if ok else 0)
    for row in rows(http, simulator, "txlistinternal", address):
        if row["isError"] == "0":
            sign = (row["to"] == address) - (row["from"] == address)
            nets[row["hash"]] += sign * int(row["value"])
    for row in rows(http, simulator, "txsBeaconWithdrawal", address):
        nets[f"withdrawal:{row['withdrawalIndex']}"] += int(row["amount"]) * 10**9
    return dict(nets)


@pytest.mark.parametrize("address", SMALL_ADDRESSES)
def test_the_truth_adds_up_to_the_served_balance(
    http: httpx.Client, simulator: RunningSimulator, address: str
) -> None:
    truth = simulator.admin.ethereum.transactions(address)

    balance = etherscan(http, simulator, "balance", address=address).json()["result"]

    assert sum(entry.amount_wei for entry in truth) == int(balance)
    assert int(balance) >= 0
    assert int(blockscout(http, simulator, "balance", address=address).json()["result"]) == int(
        balance
    )


@pytest.mark.parametrize("address", SMALL_ADDRESSES)
def test_the_formula_on_served_rows_gives_the_truth(
    http: httpx.Client, simulator: RunningSimulator, address: str
) -> None:
    truth = {
        entry.hash if entry.kind != "withdrawal" else f"withdrawal:{entry.withdrawal_index}": (
            entry.amount_wei
        )
        for entry in simulator.admin.ethereum.transactions(address)
    }

    assert nets_from_the_explorer(http, simulator, address) == truth


def test_the_seeded_edge_cases(simulator: RunningSimulator) -> None:
    admin = simulator.admin.ethereum
    busy = admin.transactions(BUSY_ADDRESS)
    crowded = [entry for entry in busy if entry.block_number == CROWDED_BLOCK]

    assert admin.balance_wei(WHALE_ADDRESS) == WHALE_BALANCE_WEI
    assert [e.amount_wei for e in admin.transactions(BIG_RECIPIENT_ADDRESS)] == [BIG_TRANSFER_WEI]
    assert all(entry.amount_wei > 0 for entry in admin.transactions(RELAYED_ADDRESS))
    assert admin.transactions(GENESIS_ADDRESS)[0].kind == "genesis"
    assert {e.kind for e in admin.transactions(VALIDATOR_ADDRESS)} == {"withdrawal", "transaction"}
    assert len(crowded) == CROWDED_BLOCK_TRANSACTIONS
    assert any(entry.amount_wei < 0 for entry in crowded)


@pytest.mark.parametrize("cap", [10, 37])
def test_paging_by_block_range_under_the_cap(
    http: httpx.Client, simulator: RunningSimulator, cap: int
) -> None:
    fetch = etherscan_from_block(http, simulator, "txlist", BUSY_ADDRESS, offset=cap, page=1)
    found, cuts = page_by_block_range(fetch, lambda row: row["hash"], cap)

    everything = rows(http, simulator, "txlist", BUSY_ADDRESS)
    assert [row["hash"] for row in found] == [row["hash"] for row in everything]
    assert cuts >= 1


def test_paging_internal_rows_by_hash_and_trace(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    cap = 5

    fetch = etherscan_from_block(http, simulator, "txlistinternal", BUSY_ADDRESS, offset=cap)
    found, _ = page_by_block_range(fetch, lambda row: (row["hash"], row["traceId"]), cap)

    assert found == rows(http, simulator, "txlistinternal", BUSY_ADDRESS)


def test_a_response_holding_exactly_the_records_cap(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    fresh_simulator.admin.ethereum.set_etherscan_max_records(50)

    fetch = etherscan_from_block(http, fresh_simulator, "txlist", BUSY_ADDRESS, offset=10_000)
    first = fetch(0)
    found, _ = page_by_block_range(fetch, lambda row: row["hash"], 50)

    assert len(first) == 50
    fresh_simulator.admin.ethereum.set_etherscan_max_records(None)
    assert len(found) == len(rows(http, fresh_simulator, "txlist", BUSY_ADDRESS))


def test_the_result_window_is_configurable(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    fresh_simulator.admin.ethereum.set_result_window(1_000)

    refused = etherscan(http, fresh_simulator, "txlist", address=BUSY_ADDRESS, offset=1_001)
    allowed = etherscan(http, fresh_simulator, "txlist", address=BUSY_ADDRESS, page=10, offset=100)
    on_blockscout = blockscout(http, fresh_simulator, "txlist", address=BUSY_ADDRESS, offset=2000)

    assert refused.json()["result"] is None
    assert refused.json()["message"].endswith("less than or equal to 1000")
    assert allowed.json()["message"] == "No transactions found"
    assert on_blockscout.json()["result"] is None


def test_sort_defaults_differ(http: httpx.Client, simulator: RunningSimulator) -> None:
    etherscan_blocks = [
        int(row["blockNumber"])
        for row in etherscan(http, simulator, "txlist", address=BUSY_ADDRESS, offset=5).json()[
            "result"
        ]
    ]
    blockscout_blocks = [
        int(row["blockNumber"])
        for row in blockscout(http, simulator, "txlist", address=BUSY_ADDRESS, offset=5).json()[
            "result"
        ]
    ]

    assert etherscan_blocks == sorted(etherscan_blocks)
    assert blockscout_blocks == sorted(blockscout_blocks, reverse=True)
    assert blockscout_blocks[0] > etherscan_blocks[-1]
