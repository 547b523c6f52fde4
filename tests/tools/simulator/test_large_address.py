"""The 156,000-transaction address: generated on first use, 16 pages at limit=10000."""

from __future__ import annotations

import httpx

from tools.simulator.seeds import LARGE_ADDRESS, LARGE_ADDRESS_TRANSACTIONS
from tools.simulator.testing import RunningSimulator

PAGE = 10_000


def test_sixteen_pages_cover_every_transaction_once(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    url = f"{simulator.blockchair_url}/bitcoin/dashboards/address/{LARGE_ADDRESS}"
    pages = [
        http.get(
            url,
            params={"limit": str(PAGE), "offset": str(offset), "transaction_details": "true"},
        ).json()
        for offset in range(0, LARGE_ADDRESS_TRANSACTIONS, PAGE)
    ]

    summary = pages[0]["data"][LARGE_ADDRESS]["address"]
    transactions = [tx for page in pages for tx in page["data"][LARGE_ADDRESS]["transactions"]]
    hashes = {tx["hash"] for tx in transactions}
    assert len(pages) == 16
    assert summary["transaction_count"] == LARGE_ADDRESS_TRANSACTIONS
    assert len(transactions) == len(hashes) == LARGE_ADDRESS_TRANSACTIONS
    assert len(pages[-1]["data"][LARGE_ADDRESS]["transactions"]) == 6_000
    assert sum(tx["balance_change"] for tx in transactions) == summary["balance"]
    heights = [tx["block_id"] for tx in transactions]
    assert heights == sorted(heights, reverse=True)
    assert len(set(heights)) < len(heights) // 2


def test_esplora_pages_follow_the_same_order(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    newest = simulator.admin.transactions(LARGE_ADDRESS)[:75]
    url = f"{simulator.esplora_url}/address/{LARGE_ADDRESS}/txs"

    first = http.get(url).json()
    second = http.get(f"{url}/chain/{first[-1]['txid']}").json()
    third = http.get(f"{url}/chain/{second[-1]['txid']}").json()

    assert [tx["txid"] for tx in first + second + third] == [entry.txid for entry in newest]
