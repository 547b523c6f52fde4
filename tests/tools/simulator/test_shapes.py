"""Simulated responses have the keys and JSON types of the recorded real ones."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.tools.simulator.shapes import Shape, load_sample
from tools.simulator.seeds import (
    BUSY_ADDRESS,
    GENESIS_ADDRESS,
    MEMPOOL_ADDRESS,
    UNUSED_ADDRESS,
)
from tools.simulator.testing import RunningSimulator

DASHBOARD_2025 = load_sample("blockchair_address_dashboard_txdetails_2025-06-05.json")
DASHBOARD_DOCS = load_sample("blockchair_address_dashboard_txdetails_docs_example_2019.json")
EMPTY_ADDRESS = load_sample("blockchair_empty_address_fixture_bitgo.json")
ADDRESSES_MAINNET = load_sample("blockchair_addresses_dashboard_mainnet_2020-08-06.json")
ADDRESSES_TESTNET = load_sample("blockchair_addresses_dashboard_tbtc_2022-01-25.json")
ERROR_430 = load_sample("blockchair_error_430_2023-04-20.json")
ESPLORA_TX = load_sample("esplora_tx_tbtc_19c6cd6b.json")
ESPLORA_UTXO = load_sample("esplora_address_utxo_tbtc_2NEhVzd2.json")

# Esplora leaves these out when they do not apply (OP_RETURN outputs, non-witness inputs,
# inputs without redeem or witness scripts, unconfirmed statuses) and sends a null prevout
# for coinbase inputs.
UNCONFIRMED_STATUS = frozenset({"block_height", "block_hash", "block_time"})
ESPLORA_OPTIONAL = UNCONFIRMED_STATUS | {
    "scriptpubkey_address",
    "witness",
    "inner_redeemscript_asm",
    "inner_witnessscript_asm",
}
ESPLORA_NULLABLE = frozenset({"prevout"})


def _entry(body: dict[str, Any]) -> dict[str, Any]:
    """The one `data.{address}` member of a single-address dashboard."""
    (entry,) = body["data"].values()
    assert isinstance(entry, dict)
    return entry


def _without_period(entry: dict[str, Any]) -> dict[str, Any]:
    """`period` only comes with the undocumented `q=time(..)` filter of that recording."""
    return {key: value for key, value in entry.items() if key != "period"}


DASHBOARD_ENTRY = Shape.of(_without_period(_entry(DASHBOARD_2025)), _entry(DASHBOARD_DOCS))
DASHBOARD_CONTEXT = Shape.of(
    DASHBOARD_2025["context"], DASHBOARD_DOCS["context"], EMPTY_ADDRESS["context"]
)
ERROR_BODY = Shape.of(ERROR_430)


def _dashboard(
    http: httpx.Client, simulator: RunningSimulator, address: str, **params: str
) -> httpx.Response:
    return http.get(
        f"{simulator.blockchair_url}/bitcoin/dashboards/address/{address}", params=params
    )


@pytest.mark.parametrize("address", [MEMPOOL_ADDRESS, GENESIS_ADDRESS, BUSY_ADDRESS])
def test_address_dashboard_with_details_matches_the_recordings(
    http: httpx.Client, simulator: RunningSimulator, address: str
) -> None:
    response = _dashboard(http, simulator, address, transaction_details="true")

    assert response.status_code == 200
    body = response.json()
    assert list(body["data"]) == [address]
    assert DASHBOARD_ENTRY.mismatches(_entry(body)) == []
    assert DASHBOARD_CONTEXT.mismatches(body["context"]) == []
    assert body["context"]["limit"] == "100,100"
    assert body["context"]["offset"] == "0,0"
    assert body["context"]["request_cost"] == 2


def test_address_dashboard_without_details_lists_hashes(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    hashes = ADDRESSES_MAINNET["data"]["transactions"]
    recorded = Shape.of(
        {**_without_period(_entry(DASHBOARD_2025)), "transactions": hashes},
        {**_entry(DASHBOARD_DOCS), "transactions": hashes},
    )

    response = _dashboard(http, simulator, MEMPOOL_ADDRESS)

    body = response.json()
    assert recorded.mismatches(_entry(body)) == []
    assert DASHBOARD_CONTEXT.mismatches(body["context"]) == []
    assert all(len(txid) == 64 for txid in _entry(body)["transactions"])
    assert body["context"]["request_cost"] == 1


def test_unused_address_is_the_recorded_empty_object(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    response = _dashboard(http, simulator, UNUSED_ADDRESS, transaction_details="true")

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {UNUSED_ADDRESS: EMPTY_ADDRESS["data"]["<queried address>"]}
    assert DASHBOARD_CONTEXT.mismatches(body["context"]) == []


def test_addresses_dashboard_matches_the_recordings(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    samples = [ADDRESSES_MAINNET, ADDRESSES_TESTNET]
    addresses = f"{GENESIS_ADDRESS},{MEMPOOL_ADDRESS},{UNUSED_ADDRESS}"

    response = http.get(f"{simulator.blockchair_url}/bitcoin/dashboards/addresses/{addresses}")

    body = response.json()
    assert response.status_code == 200
    data = body["data"]
    assert Shape.of(*(sample["data"]["set"] for sample in samples)).mismatches(data["set"]) == []
    address_shape = Shape.of(
        *(member for sample in samples for member in sample["data"]["addresses"].values())
    )
    assert set(data["addresses"]) == {GENESIS_ADDRESS, MEMPOOL_ADDRESS}
    for member in data["addresses"].values():
        assert address_shape.mismatches(member) == []
    assert (
        Shape.of(*(s["data"]["transactions"] for s in samples)).mismatches(data["transactions"])
        == []
    )
    assert Shape.of(*(s["data"]["utxo"] for s in samples)).mismatches(data["utxo"]) == []
    assert Shape.of(*(s["context"] for s in samples)).mismatches(body["context"]) == []
    assert data["set"]["address_count"] == 3


def test_errors_are_the_recorded_body_with_the_status_as_code(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    admin.inject_fault("blockchair", "error_status", status=503)
    url = f"{fresh_simulator.blockchair_url}/bitcoin/dashboards/address/{BUSY_ADDRESS}"
    server_error = http.get(url)
    invalid_address = http.get(
        f"{fresh_simulator.blockchair_url}/bitcoin/dashboards/address/1NotAnAddress"
    )
    admin.require_api_key("secret")
    keyless = http.get(url)
    wrong_key = http.get(url, params={"key": "guess"})

    for response, status in [
        (server_error, 503),
        (invalid_address, 400),
        (keyless, 430),
        (wrong_key, 402),
    ]:
        assert response.status_code == status
        assert ERROR_BODY.mismatches(response.json()) == []
        assert response.json()["context"]["code"] == status
    assert keyless.json()["context"]["error"] == ERROR_430["context"]["error"]
    assert wrong_key.json()["context"]["error"].startswith("Invalid API token")


@pytest.mark.parametrize("address", [BUSY_ADDRESS, MEMPOOL_ADDRESS, GENESIS_ADDRESS])
def test_esplora_transactions_match_the_recording(
    http: httpx.Client, simulator: RunningSimulator, address: str
) -> None:
    response = http.get(f"{simulator.esplora_url}/address/{address}/txs")

    assert response.status_code == 200
    transactions = response.json()
    assert transactions
    shape = Shape.of(ESPLORA_TX)
    for transaction in transactions:
        found = shape.mismatches(transaction, optional=ESPLORA_OPTIONAL, nullable=ESPLORA_NULLABLE)
        assert found == []


def test_esplora_single_transaction_matches_the_recording(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    txid = simulator.admin.transactions(GENESIS_ADDRESS)[-1].txid

    response = http.get(f"{simulator.esplora_url}/tx/{txid}")

    transaction = response.json()
    found = Shape.of(ESPLORA_TX).mismatches(
        transaction, optional=ESPLORA_OPTIONAL, nullable=ESPLORA_NULLABLE
    )
    assert found == []
    assert transaction["vin"][0]["is_coinbase"] is True
    assert transaction["vin"][0]["prevout"] is None


def test_esplora_address_and_utxos(http: httpx.Client, simulator: RunningSimulator) -> None:
    stats_keys = {"funded_txo_count", "funded_txo_sum", "spent_txo_count", "spent_txo_sum"}

    address = http.get(f"{simulator.esplora_url}/address/{MEMPOOL_ADDRESS}").json()
    utxos = http.get(f"{simulator.esplora_url}/address/{MEMPOOL_ADDRESS}/utxo").json()

    assert set(address) == {"address", "chain_stats", "mempool_stats"}
    for stats in (address["chain_stats"], address["mempool_stats"]):
        assert set(stats) == stats_keys | {"tx_count"}
        assert all(type(value) is int for value in stats.values())
    assert utxos
    utxo_shape = Shape.of(ESPLORA_UTXO)
    assert utxo_shape.mismatches(utxos, optional=UNCONFIRMED_STATUS) == []


def test_amounts_are_integers(http: httpx.Client, simulator: RunningSimulator) -> None:
    body = _dashboard(http, simulator, BUSY_ADDRESS, transaction_details="true").json()
    summary = _entry(body)["address"]

    for key in ("balance", "received", "spent", "output_count", "transaction_count"):
        assert type(summary[key]) is int
    for transaction in _entry(body)["transactions"]:
        assert type(transaction["balance_change"]) is int
    for utxo in _entry(body)["utxo"]:
        assert type(utxo["value"]) is int
