"""A wallet at benchmark scale: 500 receive and 500 change addresses, 50,000 transactions,
read back through eleven 100-address dashboard calls."""

from __future__ import annotations

import time

import httpx

from tests.tools.simulator.wallets import wallet_addresses
from tools.simulator.testing import RunningSimulator

TRANSACTIONS = 50_000
GENERATION_BUDGET_SECONDS = 30
DASHBOARD_BUDGET_SECONDS = 3


def test_a_thousand_address_wallet_generates_and_reads_back_quickly(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    receive = wallet_addresses("large-receive", 520)
    change = wallet_addresses("large-change", 500)
    started = time.perf_counter()
    history = fresh_simulator.admin.add_wallet_history(
        receive, change, used_receive=range(500), transactions=TRANSACTIONS
    )
    generation_seconds = time.perf_counter() - started
    wallet = receive + change
    url = f"{fresh_simulator.blockchair_url}/bitcoin/dashboards/addresses/"

    slowest = 0.0
    found: set[str] = set()
    for start in range(0, len(wallet), 100):
        started = time.perf_counter()
        response = http.get(
            url + ",".join(wallet[start : start + 100]), params={"transaction_details": "true"}
        )
        slowest = max(slowest, time.perf_counter() - started)
        found.update(response.json()["data"]["addresses"])

    assert len(history.txids) == TRANSACTIONS
    assert len(history.used_addresses) == 1_000
    assert found == set(history.used_addresses)
    assert generation_seconds < GENERATION_BUDGET_SECONDS
    assert slowest < DASHBOARD_BUDGET_SECONDS
