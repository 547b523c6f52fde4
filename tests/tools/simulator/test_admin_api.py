"""The HTTP admin API under /_admin/, as `python -m tools.simulator` users drive it."""

from __future__ import annotations

import httpx

from tools.simulator.seeds import MEMPOOL_ADDRESS, SEEDED_ADDRESSES, UNUSED_ADDRESS
from tools.simulator.testing import RunningSimulator


def test_state_mining_and_the_mempool(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin_url = fresh_simulator.admin_url

    state = http.get(f"{admin_url}/state").json()
    added = http.post(f"{admin_url}/mempool", json={"address": UNUSED_ADDRESS, "amount_sat": 5_000})
    dropped = http.post(f"{admin_url}/mempool/drop", json={"txid": state["mempool"][0]})
    mined = http.post(f"{admin_url}/blocks", json={"address": UNUSED_ADDRESS, "amounts_sat": [700]})
    history = http.get(f"{admin_url}/addresses/{UNUSED_ADDRESS}/transactions").json()

    assert state["tip_height"] == fresh_simulator.admin.tip_height - 1
    assert state["seeded_addresses"] == list(SEEDED_ADDRESSES)
    assert len(state["mempool"]) == 3
    assert dropped.json() == {"dropped": [state["mempool"][0]]}
    block = mined.json()
    assert block["height"] == state["tip_height"] + 1
    assert added.json()["txid"] in block["txids"]
    assert [entry["amount_sat"] for entry in history] == [700, 5_000]
    assert {entry["block_height"] for entry in history} == {block["height"]}


def test_reorg(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    response = http.post(f"{fresh_simulator.admin_url}/reorg", json={"depth": 2})

    report = response.json()
    tip = fresh_simulator.admin.tip_height
    assert set(report["new_block_hashes"]) == {str(tip - 1), str(tip)}
    assert (
        http.get(f"{fresh_simulator.esplora_url}/block-height/{tip}").text
        == (report["new_block_hashes"][str(tip)])
    )


def test_faults_limits_keys_and_counters(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin_url = fresh_simulator.admin_url
    stats_url = f"{fresh_simulator.blockchair_url}/bitcoin/stats"
    tip_url = f"{fresh_simulator.esplora_url}/blocks/tip/height"

    http.post(f"{admin_url}/faults", json={"provider": "esplora", "kind": "html_429", "count": 2})
    faulted = [http.get(tip_url).status_code for _ in range(3)]
    http.post(f"{admin_url}/faults", json={"provider": "esplora", "kind": "html_429"})
    http.delete(f"{admin_url}/faults")
    cleared = http.get(tip_url).status_code
    http.post(f"{admin_url}/rate-limit", json={"provider": "blockchair", "requests": 1})
    limited = [http.get(stats_url).status_code for _ in range(2)]
    http.post(f"{admin_url}/rate-limit", json={"provider": "blockchair", "requests": None})
    http.post(f"{admin_url}/api-key", json={"key": "k"})
    keyless = http.get(stats_url).status_code
    http.post(f"{admin_url}/api-key", json={"key": None})
    requests = http.get(f"{admin_url}/requests", params={"provider": "esplora"}).json()
    http.delete(f"{admin_url}/requests")

    assert faulted == [429, 429, 200]
    assert cleared == 200
    assert limited == [200, 435]
    assert keyless == 430
    assert requests["count"] == 4
    assert requests["peak_rate"] >= 1
    assert requests["requests"][0]["kind"] == "tip_height"
    assert requests["requests"][0]["refused_by"] == "html_429"
    assert http.get(f"{admin_url}/requests").json()["count"] == 0


def test_generated_addresses_and_market_price(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin_url = fresh_simulator.admin_url

    generated = http.post(f"{admin_url}/addresses", json={"count": 3, "transactions_each": 2})
    http.post(f"{admin_url}/market-price", json={"usd": 50_000})
    body = http.get(
        f"{fresh_simulator.blockchair_url}/bitcoin/dashboards/address/{MEMPOOL_ADDRESS}"
    ).json()

    assert len(generated.json()["addresses"]) == 3
    assert body["context"]["market_price_usd"] == 50_000


def test_bad_requests_are_explained(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    admin_url = fresh_simulator.admin_url

    responses = [
        http.post(f"{admin_url}/mempool", json={"address": UNUSED_ADDRESS}),
        http.post(f"{admin_url}/mempool", json={"address": "nope", "amount_sat": 1}),
        http.post(f"{admin_url}/mempool", json={"address": UNUSED_ADDRESS, "amount_sat": -9}),
        http.post(f"{admin_url}/faults", json={"provider": "esplora", "kind": "sneeze"}),
        http.post(f"{admin_url}/rate-limit", json={"provider": "neither", "requests": 1}),
        http.post(f"{admin_url}/reorg", content=b"not json"),
    ]

    assert [response.status_code for response in responses] == [400] * 6
    assert all(response.json()["error"] for response in responses)
