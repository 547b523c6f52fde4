"""The 100,000-transaction Ethereum address: generated on first use, read in ten pages."""

from __future__ import annotations

import httpx

from tests.tools.simulator.explorers import (
    etherscan,
    etherscan_from_block,
    page_by_block_range,
)
from tools.simulator.ethereum.seeds import LARGE_ADDRESS, LARGE_ADDRESS_TRANSACTIONS
from tools.simulator.testing import RunningSimulator

CAP = 10_000


def test_paging_the_whole_history_by_block_range(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    fetch = etherscan_from_block(http, simulator, "txlist", LARGE_ADDRESS, offset=CAP)
    found, _ = page_by_block_range(fetch, lambda row: row["hash"], CAP)
    internal_only = etherscan(http, simulator, "txlistinternal", address=LARGE_ADDRESS).json()

    truth = simulator.admin.ethereum.transactions(LARGE_ADDRESS)
    assert len(truth) == LARGE_ADDRESS_TRANSACTIONS
    listed = {row["hash"] for row in found}
    relayed = {row["hash"] for row in internal_only["result"] if row["hash"] not in listed}
    assert len(listed) == len(found) > 80_000
    assert listed | relayed <= {entry.hash for entry in truth}
    balance = etherscan(http, simulator, "balance", address=LARGE_ADDRESS).json()["result"]
    assert sum(entry.amount_wei for entry in truth) == int(balance) > 0
