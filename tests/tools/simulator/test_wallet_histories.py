"""HD wallets: generated histories for addresses the caller names, payments from several of a
wallet's addresses, and the net each transaction makes for the whole wallet."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.tools.simulator.wallets import wallet_addresses
from tools.simulator.networks import LITECOIN
from tools.simulator.testing import RunningSimulator

OUTSIDE_ADDRESS = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"


def esplora_transaction(
    http: httpx.Client, simulator: RunningSimulator, txid: str
) -> dict[str, Any]:
    transaction: dict[str, Any] = http.get(f"{simulator.esplora_url}/tx/{txid}").json()
    return transaction


def wallet_side(transaction: dict[str, Any], wallet: set[str]) -> tuple[list[str], list[str]]:
    """The wallet addresses a transaction spends from and pays to, one per input or output."""
    spends = [
        entry["prevout"]["scriptpubkey_address"]
        for entry in transaction["vin"]
        if entry["prevout"] and entry["prevout"].get("scriptpubkey_address") in wallet
    ]
    pays = [
        output["scriptpubkey_address"]
        for output in transaction["vout"]
        if output.get("scriptpubkey_address") in wallet
    ]
    return spends, pays


def test_hand_computed_spend_transfer_and_receive(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    receive_0, receive_1 = wallet_addresses("hand-receive", 2)
    change_0, change_1 = wallet_addresses("hand-change", 2)
    wallet = [receive_0, receive_1, change_0, change_1]
    admin.mine_block(address=receive_0, amounts_sat=[300_000])
    admin.mine_block(address=receive_1, amounts_sat=[200_000])

    spend = admin.pay([receive_0, receive_1], OUTSIDE_ADDRESS, 400_000, change_0, mine=True)
    transfer = admin.pay([change_0], receive_1, 50_000, change_1, mine=False)
    received = admin.mine_block(address=receive_1, amounts_sat=[70_000]).txids

    spend_fee = esplora_transaction(http, fresh_simulator, spend)["fee"]
    transfer_fee = esplora_transaction(http, fresh_simulator, transfer)["fee"]
    net = admin.net_amounts(wallet)
    assert received[0] == transfer
    assert list(net)[:3] == [received[1], transfer, spend]
    assert len(net) == 5
    assert net[spend] == -(400_000 + spend_fee)
    assert net[transfer] == -transfer_fee
    assert net[received[1]] == 70_000
    assert sum(net.values()) == sum(admin.balance_sat(address) for address in wallet)
    assert sum(net.values()) == 500_000 + 70_000 - 400_000 - spend_fee - transfer_fee
    # Each address still sees its own side.
    assert [entry.amount_sat for entry in admin.transactions(receive_0)] == [-300_000, 300_000]
    assert admin.balance_sat(change_0) == 0
    assert admin.balance_sat(change_1) == 100_000 - spend_fee - 50_000 - transfer_fee
    spends, pays = wallet_side(esplora_transaction(http, fresh_simulator, spend), set(wallet))
    assert sorted(spends) == sorted([receive_0, receive_1])
    assert pays == [change_0]


def test_a_payment_the_addresses_cannot_cover_changes_nothing(
    fresh_simulator: RunningSimulator,
) -> None:
    admin = fresh_simulator.admin
    [address] = wallet_addresses("poor", 1)
    admin.mine_block(address=address, amounts_sat=[10_000])
    tip = admin.tip_height

    with pytest.raises(ValueError, match="hold only"):
        admin.pay([address], OUTSIDE_ADDRESS, 10_000, mine=True)

    assert admin.tip_height == tip
    assert admin.balance_sat(address) == 10_000


def test_generated_wallet_history_is_deterministic() -> None:
    receive = wallet_addresses("same-receive", 30)
    change = wallet_addresses("same-change", 30)
    with RunningSimulator() as first, RunningSimulator() as second:
        histories = [
            running.admin.add_wallet_history(
                receive, change, used_receive=[0, 1, 2, 5], transactions=80, mempool=2
            )
            for running in (first, second)
        ]
        nets = [running.admin.net_amounts(receive + change) for running in (first, second)]
        again = first.admin.add_wallet_history(
            receive, change, used_receive=[0, 1, 2, 5], transactions=80, mempool=2
        )
        other = first.admin.add_wallet_history(
            wallet_addresses("other-receive", 5),
            wallet_addresses("other-change", 5),
            used_receive=[0],
            transactions=10,
        )
        assert first.admin.net_amounts(receive + change) == nets[0]

    assert histories[0] == histories[1] == again
    assert nets[0] == nets[1]
    assert len(set(histories[0].txids)) == 80
    assert set(other.txids).isdisjoint(histories[0].txids)


def test_generated_wallet_history_has_what_hd_wallets_do(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    receive = wallet_addresses("kinds-receive", 40)
    change = wallet_addresses("kinds-change", 200)
    wallet = set(receive + change)

    history = admin.add_wallet_history(
        receive, change, used_receive=[0, 1, 2, 3, 7, 30], transactions=120, mempool=3
    )

    net = admin.net_amounts(receive + change)
    assert set(net) == set(history.txids)
    assert set(admin.mempool_txids()) >= set(history.mempool_txids)
    assert len(history.mempool_txids) == 3
    assert history.used_receive == tuple(receive[index] for index in (0, 1, 2, 3, 7, 30))
    assert history.used_change == tuple(change[: len(history.used_change)])
    assert len(history.used_change) >= 10
    used = set(history.used_addresses)
    assert {address for address in wallet if admin.transactions(address)} == used
    assert sum(net.values()) == sum(admin.balance_sat(address) for address in wallet)
    tip = admin.tip_height
    confirmed = [admin.transactions(address) for address in used]
    heights = {entry.block_height for entries in confirmed for entry in entries}
    assert max(height for height in heights if height is not None) < tip

    kinds = {"several_inputs": 0, "transfer": 0, "spend_with_change": 0}
    for txid in history.txids:
        transaction = esplora_transaction(http, fresh_simulator, txid)
        spends, pays = wallet_side(transaction, wallet)
        if len(set(spends)) >= 2:
            kinds["several_inputs"] += 1
        if spends and len(pays) == len(transaction["vout"]):
            kinds["transfer"] += 1
            assert net[txid] == -transaction["fee"]
        if spends and len(pays) < len(transaction["vout"]) and pays:
            kinds["spend_with_change"] += 1
            assert set(pays) <= set(history.used_change)
    assert all(count > 0 for count in kinds.values()), kinds
    reused = [address for address in history.used_receive if admin.transactions(address)]
    dashboard = http.get(
        f"{fresh_simulator.blockchair_url}/bitcoin/dashboards/addresses/{','.join(reused)}"
    ).json()
    assert max(entry["output_count"] for entry in dashboard["data"]["addresses"].values()) >= 2


def dashboard_pages(
    http: httpx.Client, simulator: RunningSimulator, addresses: list[str], *, limit: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The first page's body and every `transaction_details` item, paged by `limit`."""
    url = f"{simulator.blockchair_url}/bitcoin/dashboards/addresses/{','.join(addresses)}"
    first: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        body = http.get(
            url, params={"transaction_details": "true", "limit": limit, "offset": offset}
        ).json()
        first = first or body
        items += body["data"]["transactions"]
        if len(body["data"]["transactions"]) < limit:
            return first, items
        offset += limit


def test_addresses_dashboard_gives_the_sets_net_once_per_transaction(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    receive = wallet_addresses("dash-receive", 50)
    change = wallet_addresses("dash-change", 50)
    history = admin.add_wallet_history(
        receive, change, used_receive=list(range(0, 40, 2)), transactions=300, mempool=2
    )
    wallet = receive + change
    truth = admin.net_amounts(wallet)

    body, items = dashboard_pages(http, fresh_simulator, wallet, limit=70)

    data = body["data"]
    assert [item["hash"] for item in items] == list(truth)
    assert {item["hash"]: item["balance_change"] for item in items} == truth
    assert {item["block_id"] for item in items if item["hash"] in history.mempool_txids} == {-1}
    assert data["set"]["transaction_count"] == len(truth)
    assert data["set"]["address_count"] == 100
    assert data["set"]["balance"] == sum(truth.values())
    assert set(data["addresses"]) == set(history.used_addresses)
    for address, entry in data["addresses"].items():
        stats = http.get(f"{fresh_simulator.esplora_url}/address/{address}").json()
        chain, mempool = stats["chain_stats"], stats["mempool_stats"]
        utxos = http.get(f"{fresh_simulator.esplora_url}/address/{address}/utxo").json()
        assert entry["received"] == chain["funded_txo_sum"] + mempool["funded_txo_sum"]
        assert entry["spent"] == chain["spent_txo_sum"] + mempool["spent_txo_sum"]
        assert entry["balance"] == admin.balance_sat(address) == sum(u["value"] for u in utxos)
        assert entry["output_count"] == chain["funded_txo_count"] + mempool["funded_txo_count"]
        assert entry["unspent_output_count"] == len(utxos)
    assert body["context"]["request_cost"] == 11.9
    assert body["context"]["results"] == 100


def test_disjoint_address_sets_add_up_to_the_wallets_net(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    receive = wallet_addresses("split-receive", 60)
    change = wallet_addresses("split-change", 60)
    fresh_simulator.admin.add_wallet_history(
        receive, change, used_receive=list(range(60)), transactions=400
    )
    truth = fresh_simulator.admin.net_amounts(receive + change)

    totals: dict[str, int] = {}
    for part in (receive, change):
        _, items = dashboard_pages(http, fresh_simulator, part, limit=10_000)
        for item in items:
            totals[item["hash"]] = totals.get(item["hash"], 0) + item["balance_change"]

    assert totals == truth


def test_more_than_100_addresses_are_refused(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    addresses = wallet_addresses("too-many", 101)
    url = f"{simulator.blockchair_url}/bitcoin/dashboards/addresses/"

    refused = http.get(url + ",".join(addresses))
    accepted = http.get(url + ",".join(addresses[:100]))

    assert refused.status_code == 400
    assert refused.json()["context"]["error"] == "Too many addresses, the maximum is 100"
    assert accepted.status_code == 200
    assert accepted.json()["data"]["addresses"] == {}
    assert accepted.json()["context"]["request_cost"] == 10.9


REAL_ADDRESSES = {
    "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu": ("witness_v0_keyhash", "v0_p2wpkh"),
    "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA": ("pubkeyhash", "p2pkh"),
    "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf": ("scripthash", "p2sh"),
    "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr": (
        "witness_v1_taproot",
        "v1_p2tr",
    ),
}


def test_every_script_form_works_as_a_wallet_address(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    addresses = list(REAL_ADDRESSES)
    history = fresh_simulator.admin.add_wallet_history(
        addresses[:2], addresses[2:], used_receive=[0, 1], transactions=12
    )
    base = fresh_simulator.blockchair_url

    together = http.get(
        f"{base}/bitcoin/dashboards/addresses/{','.join(addresses)}",
        params={"transaction_details": "true"},
    ).json()["data"]

    assert set(history.used_addresses) == set(addresses)
    assert len(together["transactions"]) == 12
    for address, (blockchair_type, esplora_type) in REAL_ADDRESSES.items():
        single = http.get(f"{base}/bitcoin/dashboards/address/{address}").json()["data"]
        assert single[address]["address"]["type"] == blockchair_type
        assert together["addresses"][address]["type"] == blockchair_type
        esplora = http.get(f"{fresh_simulator.esplora_url}/address/{address}/txs").json()
        assert len(esplora) == single[address]["address"]["transaction_count"] > 0
        outputs = [
            output
            for transaction in esplora
            for output in transaction["vout"]
            if output.get("scriptpubkey_address") == address
        ]
        assert {output["scriptpubkey_type"] for output in outputs} == {esplora_type}


def test_wallet_admin_over_http(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    admin_url = fresh_simulator.admin_url
    receive = wallet_addresses("http-receive", 10)
    change = wallet_addresses("http-change", 10)

    created = http.post(
        f"{admin_url}/wallets",
        json={
            "receive": receive,
            "change": change,
            "used_receive": [0, 3],
            "transactions": 20,
            "mempool": 1,
        },
    ).json()
    paid = http.post(
        f"{admin_url}/payments",
        json={
            "from_addresses": created["used_receive"] + created["used_change"],
            "to_address": receive[4],
            "amount_sat": 1_000,
            "change_address": change[9],
            "mine": False,
        },
    ).json()
    net = http.post(f"{admin_url}/net-amounts", json={"addresses": receive + change}).json()
    refused = http.post(f"{admin_url}/payments", json={"from_addresses": [], "mine": True})

    assert len(created["txids"]) == 20
    assert created["mempool_txids"] == created["txids"][-1:]
    assert created["used_receive"] == [receive[0], receive[3]]
    assert next(iter(net["net_amounts"])) == paid["txid"]
    assert net["net_amounts"] == fresh_simulator.admin.net_amounts(receive + change)
    assert paid["txid"] in fresh_simulator.admin.mempool_txids()
    assert refused.status_code == 400


def test_litecoin_wallets_over_http(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    chain_url = f"{fresh_simulator.admin_url}/chains/litecoin"
    receive = wallet_addresses("ltc-receive", 5, LITECOIN)
    change = wallet_addresses("ltc-change", 5, LITECOIN)

    created = http.post(
        f"{chain_url}/wallets",
        json={"receive": receive, "change": change, "used_receive": [0, 1], "transactions": 15},
    ).json()
    net = http.post(f"{chain_url}/net-amounts", json={"addresses": receive + change}).json()
    items = http.get(
        f"{fresh_simulator.blockchair_url}/litecoin/dashboards/addresses/"
        + ",".join(receive + change),
        params={"transaction_details": "true"},
    ).json()["data"]["transactions"]

    assert len(created["txids"]) == 15
    assert {item["hash"]: item["balance_change"] for item in items} == net["net_amounts"]
    assert fresh_simulator.admin.net_amounts(wallet_addresses("ltc-receive", 1)) == {}
