"""Blockchair for Litecoin, Dogecoin and Bitcoin Cash, and Litecoin's Esplora, answer with the
recorded shapes; Bitcoin Cash dashboards are keyed by the exact string requested."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.tools.simulator.shapes import Shape, load_sample
from tests.tools.simulator.test_shapes import DASHBOARD_ENTRY, ESPLORA_NULLABLE, ESPLORA_OPTIONAL
from tools.simulator.coin_seeds import (
    BITCOIN_CASH_BUSY_ADDRESS,
    BITCOIN_CASH_BUSY_LEGACY,
    BITCOIN_CASH_P2SH_ADDRESS,
    BITCOIN_CASH_P2SH_LEGACY,
    BITCOIN_CASH_UNUSED_LEGACY,
    DOGECOIN_BUSY_ADDRESS,
    DOGECOIN_P2SH_ADDRESS,
    LITECOIN_BUSY_ADDRESS,
    LITECOIN_P2SH_ADDRESS,
    LITECOIN_SEGWIT_ADDRESS,
)
from tools.simulator.testing import RunningSimulator

BCH_CASHADDR = load_sample(
    "litecoin-dogecoin-bitcoin-cash/"
    "blockchair_bch-address-dashboard-cashaddr-no-prefix-transaction_details_2024-07.json"
)
BCH_LEGACY = load_sample(
    "litecoin-dogecoin-bitcoin-cash/"
    "blockchair_bch-address-dashboard-legacy-input-transaction_details-utxo_2024-07.json"
)
ESPLORA_TX = load_sample("esplora_tx_tbtc_19c6cd6b.json")
BCH_ENTRY = Shape.of(
    *(entry for sample in (BCH_CASHADDR, BCH_LEGACY) for entry in sample["data"].values())
)
BCH_CONTEXT = Shape.of(BCH_CASHADDR["context"], BCH_LEGACY["context"])
# The recordings announce a next major update; the simulator's API status has none.
CONTEXT_NULLABLE = frozenset({"next_major_update"})


def _dashboard(
    http: httpx.Client, simulator: RunningSimulator, chain: str, address: str
) -> httpx.Response:
    return http.get(
        f"{simulator.blockchair_url}/{chain}/dashboards/address/{address}",
        params={"transaction_details": "true", "limit": "15"},
    )


def _only_entry(body: dict[str, Any]) -> dict[str, Any]:
    (entry,) = body["data"].values()
    assert isinstance(entry, dict)
    return entry


@pytest.mark.parametrize(
    "requested",
    [
        BITCOIN_CASH_BUSY_LEGACY,
        BITCOIN_CASH_BUSY_ADDRESS,
        BITCOIN_CASH_BUSY_ADDRESS.removeprefix("bitcoincash:"),
    ],
)
def test_bitcoin_cash_dashboard_is_keyed_by_the_string_sent(
    http: httpx.Client, simulator: RunningSimulator, requested: str
) -> None:
    response = _dashboard(http, simulator, "bitcoin-cash", requested)

    assert response.status_code == 200
    body = response.json()
    assert list(body["data"]) == [requested]
    entry = body["data"][requested]
    assert BCH_ENTRY.mismatches(entry) == []
    assert BCH_CONTEXT.mismatches(body["context"], nullable=CONTEXT_NULLABLE) == []
    assert entry["address"]["formats"] == {
        "legacy": BITCOIN_CASH_BUSY_LEGACY,
        "cashaddr": BITCOIN_CASH_BUSY_ADDRESS.removeprefix("bitcoincash:"),
    }
    assert body["context"]["servers"] == "API4,BCH0"
    assert body["context"]["request_cost"] == 2


def test_bitcoin_cash_spellings_give_the_same_history(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    legacy = _only_entry(
        _dashboard(http, simulator, "bitcoin-cash", BITCOIN_CASH_BUSY_LEGACY).json()
    )
    cash = _only_entry(
        _dashboard(http, simulator, "bitcoin-cash", BITCOIN_CASH_BUSY_ADDRESS).json()
    )

    assert legacy == cash
    truth = simulator.chain_admin("bitcoin-cash").transactions(BITCOIN_CASH_BUSY_LEGACY)
    assert [(t["hash"], t["balance_change"]) for t in legacy["transactions"]] == [
        (entry.txid, entry.amount_sat) for entry in truth[:15]
    ]


def test_bitcoin_cash_addresses_dashboard_keys_members_by_request(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    requested = [BITCOIN_CASH_BUSY_LEGACY, BITCOIN_CASH_P2SH_ADDRESS, BITCOIN_CASH_UNUSED_LEGACY]

    response = http.get(
        f"{simulator.blockchair_url}/bitcoin-cash/dashboards/addresses/{','.join(requested)}"
    )

    data = response.json()["data"]
    assert set(data["addresses"]) == {BITCOIN_CASH_BUSY_LEGACY, BITCOIN_CASH_P2SH_ADDRESS}
    assert {utxo["address"] for utxo in data["utxo"]} <= set(requested)
    assert data["addresses"][BITCOIN_CASH_P2SH_ADDRESS]["formats"]["legacy"] == (
        BITCOIN_CASH_P2SH_LEGACY
    )


@pytest.mark.parametrize(
    ("chain", "address"),
    [
        ("litecoin", LITECOIN_BUSY_ADDRESS),
        ("litecoin", LITECOIN_SEGWIT_ADDRESS),
        ("litecoin", LITECOIN_P2SH_ADDRESS),
        ("dogecoin", DOGECOIN_BUSY_ADDRESS),
        ("dogecoin", DOGECOIN_P2SH_ADDRESS),
    ],
)
def test_litecoin_and_dogecoin_dashboards_have_bitcoins_shape(
    http: httpx.Client, simulator: RunningSimulator, chain: str, address: str
) -> None:
    response = _dashboard(http, simulator, chain, address)

    assert response.status_code == 200
    body = response.json()
    assert list(body["data"]) == [address]
    assert DASHBOARD_ENTRY.mismatches(_only_entry(body)) == []
    assert _only_entry(body)["transactions"]
    assert "formats" not in _only_entry(body)["address"]


@pytest.mark.parametrize("chain", ["litecoin", "dogecoin", "bitcoin-cash"])
def test_stats_and_errors_per_chain(
    http: httpx.Client, simulator: RunningSimulator, chain: str
) -> None:
    stats = http.get(f"{simulator.blockchair_url}/{chain}/stats")
    invalid = http.get(f"{simulator.blockchair_url}/{chain}/dashboards/address/bc1qnotvalid")

    assert stats.status_code == 200
    admin = simulator.chain_admin(chain)
    assert stats.json()["data"]["best_block_height"] == admin.tip_height
    assert stats.json()["data"]["best_block_hash"] == admin.block_hash(admin.tip_height)
    assert invalid.status_code == 400
    price = stats.json()["context"]["market_price_usd"]
    assert invalid.json()["context"]["market_price_usd"] == price


def test_a_bitcoin_address_is_not_a_litecoin_one(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    response = _dashboard(http, simulator, "litecoin", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")

    assert response.status_code == 400


def test_litecoin_esplora_serves_the_litecoin_chain(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    base = simulator.litecoin_esplora_url

    transactions = http.get(f"{base}/address/{LITECOIN_SEGWIT_ADDRESS}/txs").json()
    tip = http.get(f"{base}/blocks/tip/height").text
    invalid = http.get(f"{base}/address/1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")

    truth = simulator.chain_admin("litecoin").transactions(LITECOIN_SEGWIT_ADDRESS)
    assert [tx["txid"] for tx in transactions] == [entry.txid for entry in truth[:27]]
    for transaction in transactions:
        found = Shape.of(ESPLORA_TX).mismatches(
            transaction, optional=ESPLORA_OPTIONAL, nullable=ESPLORA_NULLABLE
        )
        assert found == []
    addresses = {
        output.get("scriptpubkey_address", "") for tx in transactions for output in tx["vout"]
    }
    assert all(not address.startswith(("bc1", "1")) for address in addresses)
    assert int(tip) == simulator.chain_admin("litecoin").tip_height
    assert (invalid.status_code, invalid.text) == (400, "Invalid Litecoin address")
