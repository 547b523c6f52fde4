"""HD wallets through the product: added over GraphQL from an extended key or a descriptor,
scanned and synced by the server's worker from the simulator, read back as one wallet whose
transactions are netted over all its addresses, exactly as the simulator's truth."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from db.models import Chain
from hd import HdWallet, ScriptKind, parse_hd_input
from tests.conftest import LiveServer
from tests.schema.test_sync_through_the_api import wait_for_job
from tests.utils.graphql import GraphQLClient
from tools.simulator.chain_admin import ChainAdmin
from tools.simulator.testing import RunningSimulator

# "abandon ... about", m/84'/0'/0' (BIP-84's vector).
ZPUB = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDK"
    "f31mGDtKsAYz2oz2AGutZYs"
)
ADD = """
mutation($a: String!, $gap: Int, $script: ScriptType) {
  addWallet(input: {address: $a, gapLimit: $gap, scriptType: $script}) {
    wallet { address kind descriptor gapLimit }
    job { id }
    errors { code field message }
  }
}
"""
WALLET = """
query($a: String!) {
  wallet(address: $a) {
    address kind descriptor gapLimit receiveAddress balance transactionCount
    transactions(first: 500) { totalCount edges { node { txid amount blockHeight } } }
    addresses(first: 200) {
      totalCount
      edges { node { address keychain index derivationPath used balance transactionCount } }
    }
  }
}
"""
SYNC = """
mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } errors { message } } }
"""
JOB = "query($id: ID!) { job(id: $id) { status error provider addressesScanned } }"


@pytest.fixture
def syncing_graphql(syncing_server: LiveServer) -> Iterator[GraphQLClient]:
    with GraphQLClient(syncing_server.base_url) as client:
        yield client


def bitcoin(simulator: RunningSimulator) -> ChainAdmin:
    return simulator.chain_admin("bitcoin")


def derived(key: str, script: ScriptKind, keychain: int, count: int) -> list[str]:
    wallet: HdWallet = parse_hd_input(key, Chain.BITCOIN).wallet(script)
    return [address.address for address in wallet.derive(keychain, 0, count)]


def add_and_sync(
    graphql: GraphQLClient, key: str, **variables: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    payload: dict[str, Any] = graphql.data(ADD, {"a": key, **variables})["addWallet"]
    assert payload["errors"] == [], payload["errors"]
    finished = wait_for_job(graphql, payload["job"]["id"])
    assert finished["status"] == "SUCCEEDED", finished["error"]
    job: dict[str, Any] = graphql.data(JOB, {"id": payload["job"]["id"]})["job"]
    return payload["wallet"], job


def netted_rows(wallet: dict[str, Any]) -> dict[str, int]:
    return {
        edge["node"]["txid"]: int(edge["node"]["amount"])
        for edge in wallet["transactions"]["edges"]
    }


def test_a_zpub_wallet_is_one_wallet_netted_over_its_receive_and_change_addresses(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    receive = derived(ZPUB, ScriptKind.P2WPKH, 0, 20)
    change = derived(ZPUB, ScriptKind.P2WPKH, 1, 8)
    history = bitcoin(simulator).add_wallet_history(
        receive[:8], change, used_receive=[0, 1, 2, 5], transactions=60
    )
    truth = bitcoin(simulator).net_amounts([*receive, *change])

    added, job = add_and_sync(syncing_graphql, ZPUB)
    wallet = syncing_graphql.data(WALLET, {"a": ZPUB})["wallet"]

    assert added["kind"] == "HD"
    assert added["address"] == ZPUB
    assert added["gapLimit"] == 20
    assert added["descriptor"].startswith("wpkh(xpub6CatWdiZiodm")
    assert "/<0;1>/*)#" in added["descriptor"]
    assert job["addressesScanned"] >= 40
    # One entry per transaction, each the net over every address of the wallet: change that
    # came back cancels, a move between two of its own addresses costs only the fee.
    assert netted_rows(wallet) == truth
    assert wallet["transactions"]["totalCount"] == len(history.txids) == len(truth)
    assert int(wallet["balance"]) == sum(truth.values())
    nodes = [edge["node"] for edge in wallet["addresses"]["edges"]]
    used_change = [
        node["address"] for node in nodes if node["keychain"] == "CHANGE" and node["used"]
    ]
    assert used_change == list(history.used_change)
    assert set(history.used_change) <= set(change)
    used_receive = {
        node["address"] for node in nodes if node["keychain"] == "RECEIVE" and node["used"]
    }
    assert set(history.used_receive) <= used_receive
    # Watched: 20 past the last used address of each keychain.
    last_receive = max(
        node["index"] for node in nodes if node["keychain"] == "RECEIVE" and node["used"]
    )
    receive_nodes = [node for node in nodes if node["keychain"] == "RECEIVE"]
    assert [node["index"] for node in receive_nodes] == list(range(last_receive + 21))
    assert receive_nodes[0]["derivationPath"] == "0/0"
    assert receive_nodes[0]["address"] == "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    first_unused = next(node["address"] for node in receive_nodes if not node["used"])
    assert wallet["receiveAddress"] == first_unused


# The m/44'/0'/0' account key of "abandon ... about": a bare xpub, which says nothing of its
# script.
XPUB = (
    "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoek"
    "kudhUd9yLb6qx39T9nMdj"
)
DESCRIPTOR = (
    "wpkh([73c5da0a/84'/0'/0']xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbv"
    "qAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V/0/*)#wc3n3van"
)


def give_history(
    simulator: RunningSimulator, key: str, script: ScriptKind, used: list[int]
) -> None:
    receive = derived(key, script, 0, max(used) + 1)
    change = derived(key, script, 1, 3)
    bitcoin(simulator).add_wallet_history(
        receive, change, used_receive=used, transactions=len(used) + 4
    )


@pytest.mark.parametrize(
    ("with_history", "detected"),
    [
        pytest.param([ScriptKind.P2PKH], "pkh(", id="history-on-one-type"),
        pytest.param([], "wpkh(", id="history-on-none"),
    ],
)
def test_a_bare_xpub_takes_the_script_type_whose_addresses_have_history(
    syncing_graphql: GraphQLClient,
    simulator: RunningSimulator,
    with_history: list[ScriptKind],
    detected: str,
) -> None:
    for script in with_history:
        give_history(simulator, XPUB, script, [0, 3])

    added, _ = add_and_sync(syncing_graphql, XPUB)

    assert added["address"] == XPUB
    assert added["descriptor"].startswith(detected)
    # One batched call looked at 20 receive addresses of each of the four types.
    calls = simulator.admin.requests("blockchair", "addresses_dashboard")
    assert len(calls[0].path.split("/")[-1].split(",")) == 80


def test_a_bare_xpub_with_history_on_two_script_types_asks_which(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    give_history(simulator, XPUB, ScriptKind.P2PKH, [0])
    give_history(simulator, XPUB, ScriptKind.P2TR, [1])

    payload = syncing_graphql.data(ADD, {"a": XPUB})["addWallet"]

    [error] = payload["errors"]
    assert error["code"] == "INVALID_INPUT"
    assert error["field"] == ["scriptType"]
    assert "P2PKH" in error["message"]
    assert "P2TR" in error["message"]
    assert payload["wallet"] is None
    # Told which, it adds that one.
    added, _ = add_and_sync(syncing_graphql, XPUB, script="P2TR")
    assert added["descriptor"].startswith("tr(")


@pytest.mark.parametrize(
    ("used_index", "found"),
    [
        pytest.param(2, True, id="gap-minus-one"),
        pytest.param(3, True, id="gap"),
        pytest.param(4, False, id="gap-plus-one"),
    ],
)
def test_the_gap_limit_counts_unused_addresses_after_the_last_used_one(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator, used_index: int, found: bool
) -> None:
    """Gap 3 and address 0 used: 1..3 are the next three; an address used at 4 lies after
    three unused ones in a row, past the gap (as every wallet that uses gap 3 sees it)."""
    give_history(simulator, ZPUB, ScriptKind.P2WPKH, [0, used_index])
    truth_address = derived(ZPUB, ScriptKind.P2WPKH, 0, used_index + 1)[used_index]

    add_and_sync(syncing_graphql, ZPUB, gap=3)
    wallet = syncing_graphql.data(WALLET, {"a": ZPUB})["wallet"]

    receive = [
        edge["node"]
        for edge in wallet["addresses"]["edges"]
        if edge["node"]["keychain"] == "RECEIVE"
    ]
    used = [node["address"] for node in receive if node["used"]]
    assert (truth_address in used) is found
    last_used = used_index if found else 0
    assert [node["index"] for node in receive] == list(range(last_used + 4))


def test_a_descriptor_adds_the_wallet_with_its_key_origin_and_both_keychains(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    give_history(simulator, ZPUB, ScriptKind.P2WPKH, [0, 1])

    added, _ = add_and_sync(syncing_graphql, DESCRIPTOR, gap=5)
    wallet = syncing_graphql.data(WALLET, {"a": DESCRIPTOR})["wallet"]

    # The canonical form: `h` markers, both keychains as one multipath descriptor, checksummed.
    assert added["descriptor"] == (
        "wpkh([73c5da0a/84h/0h/0h]xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPE"
        "bvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V/<0;1>/*)#qf45pmyh"
    )
    paths = {edge["node"]["derivationPath"] for edge in wallet["addresses"]["edges"]}
    assert "m/84h/0h/0h/0/0" in paths
    assert "m/84h/0h/0h/1/0" in paths
    # The same wallet pasted as its zpub is the same wallet.
    again = syncing_graphql.data(ADD, {"a": ZPUB, "gap": 5})["addWallet"]
    assert [error["code"] for error in again["errors"]] == ["ALREADY_TRACKED"]


def test_a_wallet_grows_when_a_sync_finds_its_last_watched_address_used(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    give_history(simulator, ZPUB, ScriptKind.P2WPKH, [0])
    add_and_sync(syncing_graphql, ZPUB, gap=5)
    before = syncing_graphql.data(WALLET, {"a": ZPUB})["wallet"]
    receive = derived(ZPUB, ScriptKind.P2WPKH, 0, 12)
    assert before["receiveAddress"] == receive[1]

    # Someone pays the last watched receive address (index 5), then index 10 (within the gap
    # after 5): both are found in one sync, and the wallet watches 5 past index 10.
    admin = bitcoin(simulator)
    admin.mine_block(address=receive[5], amounts_sat=[70_000])
    admin.mine_block(address=receive[10], amounts_sat=[30_000])
    job = syncing_graphql.data(SYNC, {"a": ZPUB})["syncWallet"]["job"]
    assert wait_for_job(syncing_graphql, job["id"])["status"] == "SUCCEEDED"

    after = syncing_graphql.data(WALLET, {"a": ZPUB})["wallet"]
    indexes = [
        edge["node"]["index"]
        for edge in after["addresses"]["edges"]
        if edge["node"]["keychain"] == "RECEIVE"
    ]
    assert indexes == list(range(16))
    assert int(after["balance"]) == int(before["balance"]) + 100_000
    assert after["receiveAddress"] == receive[1]
    truth = bitcoin(simulator).net_amounts([*receive, *derived(ZPUB, ScriptKind.P2WPKH, 1, 5)])
    assert netted_rows(after) == truth


XPRV = (
    "xprv9xpXFhFpqdQK3TmytPBqXtGSwS3DLjojFhTGht8gwAAii8py5X6pxeBnQ6ehJiyJ6nDjWGJfZ95WxByFXVkD"
    "xHXrqu53WCRGypk2ttuqncb"
)
# A single private key as wallets export it (WIF), pasted by mistake.
WIF = "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU76rnZwVdz"
UPUB = (
    "upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21"
    "XXEMYRUocHqguyjknFHYfgY"
)


@pytest.mark.parametrize(
    ("variables", "code", "field", "words"),
    [
        pytest.param({"a": XPRV}, "INVALID_ADDRESS", "address", "private key", id="private-key"),
        pytest.param({"a": WIF}, "INVALID_ADDRESS", "address", "private key", id="wif"),
        pytest.param({"a": UPUB}, "INVALID_ADDRESS", "address", "testnet", id="testnet-key"),
        pytest.param({"a": ZPUB[:-1] + "t"}, "INVALID_ADDRESS", "address", "checksum", id="typo"),
        pytest.param({"a": ZPUB, "gap": 0}, "INVALID_INPUT", "gapLimit", "1 to 1000", id="gap-0"),
        pytest.param(
            {"a": ZPUB, "gap": 1001}, "INVALID_INPUT", "gapLimit", "1 to 1000", id="gap-1001"
        ),
        pytest.param(
            {"a": ZPUB, "script": "P2PKH"}, "INVALID_INPUT", "scriptType", "P2WPKH", id="script"
        ),
        pytest.param(
            {"a": DESCRIPTOR[:-1] + "x"}, "INVALID_ADDRESS", "address", "checksum", id="checksum"
        ),
    ],
)
def test_bad_hd_input_is_refused_with_its_reason_and_changes_nothing(
    graphql: GraphQLClient, variables: dict[str, Any], code: str, field: str, words: str
) -> None:
    payload = graphql.data(ADD, variables)["addWallet"]

    [error] = payload["errors"]
    assert error["code"] == code
    assert error["field"] == [field]
    assert words in error["message"]
    # The key is never echoed back (nor stored): a private one must not travel further.
    assert variables["a"][4:40] not in error["message"]
    assert payload["wallet"] is None
    assert graphql.data("{ wallets { totalCount } }")["wallets"]["totalCount"] == 0


def test_an_hd_wallet_exports_its_netted_history_and_is_removed_by_its_key(
    syncing_graphql: GraphQLClient, syncing_server: LiveServer, simulator: RunningSimulator
) -> None:
    give_history(simulator, ZPUB, ScriptKind.P2WPKH, [0, 2])
    add_and_sync(syncing_graphql, ZPUB, gap=5)
    truth = bitcoin(simulator).net_amounts(
        [*derived(ZPUB, ScriptKind.P2WPKH, 0, 10), *derived(ZPUB, ScriptKind.P2WPKH, 1, 10)]
    )

    response = httpx.get(
        f"{syncing_server.base_url}/export/transactions.csv", params={"address": ZPUB}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {row["txid"]: int(row["amount_sat"]) for row in rows} == truth

    remove = """
    mutation($a: String!) { removeWallet(input: {address: $a}) { removedAddress errors { code } } }
    """
    removed = syncing_graphql.data(remove, {"a": ZPUB})["removeWallet"]
    assert removed == {"removedAddress": ZPUB, "errors": []}
    assert syncing_graphql.data("{ wallets { totalCount } }")["wallets"]["totalCount"] == 0


WALLET_UPDATES = """
subscription($a: String!) {
  walletUpdates(address: $a) { kind balance syncStatus transactionCount }
}
"""
JOB_UPDATES = """
subscription($id: ID!) { jobUpdates(id: $id) { status addressesScanned fetchedTransactions } }
"""


async def test_an_hd_wallet_s_updates_and_its_scan_progress_arrive_live(
    syncing_server: LiveServer, simulator: RunningSimulator
) -> None:
    give_history(simulator, ZPUB, ScriptKind.P2WPKH, [0, 1])
    with GraphQLClient(syncing_server.base_url) as graphql:
        added = graphql.data(ADD, {"a": ZPUB, "gap": 5})["addWallet"]
        async with graphql.socket() as socket:
            await socket.subscribe("wallet", WALLET_UPDATES, {"a": ZPUB})
            states: list[dict[str, Any]] = []
            while not states or states[-1]["syncStatus"] != "SYNCED":
                message = await socket.receive(within_seconds=30)
                assert message["type"] == "next", message
                states.append(message["payload"]["data"]["walletUpdates"])
            await socket.send({"id": "wallet", "type": "complete"})
        jobs = await graphql.subscribe(JOB_UPDATES, {"id": added["job"]["id"]}, within_seconds=30)

    truth = bitcoin(simulator).net_amounts(
        [*derived(ZPUB, ScriptKind.P2WPKH, 0, 10), *derived(ZPUB, ScriptKind.P2WPKH, 1, 10)]
    )
    assert {state["kind"] for state in states} == {"HD"}
    assert int(states[-1]["balance"]) == sum(truth.values())
    assert states[-1]["transactionCount"] == len(truth)
    last = jobs[-2]["payload"]["data"]["jobUpdates"]
    assert last["status"] == "SUCCEEDED"
    # Receive and change, each looked at 50 ahead in the one batched call.
    assert last["addressesScanned"] == 100
    assert last["fetchedTransactions"] >= len(truth)


FIGURES = """
query($a: String!) {
  wallet(address: $a) {
    balance confirmedBalance
    flows { received sent net transactionCount }
    balanceHistory(interval: MONTH) { at balance }
  }
  portfolio { walletCount balance flows { received sent net transactionCount } }
}
"""


def test_an_hd_wallet_s_flows_balance_history_and_portfolio_are_of_its_netted_history(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    """Netted like its transactions: a move between two of its own addresses is only the fee
    sent, change coming back is neither received nor sent."""
    receive = derived(ZPUB, ScriptKind.P2WPKH, 0, 10)
    change = derived(ZPUB, ScriptKind.P2WPKH, 1, 8)
    bitcoin(simulator).add_wallet_history(
        receive[:4], change, used_receive=[0, 1, 3], transactions=40, mempool=2
    )
    truth = bitcoin(simulator).net_amounts([*receive, *change])
    confirmed = {
        txid: amount
        for txid, amount in truth.items()
        if all(
            row.block_height is not None
            for address in (*receive, *change)
            for row in bitcoin(simulator).transactions(address)
            if row.txid == txid
        )
    }
    add_and_sync(syncing_graphql, ZPUB, gap=5)

    figures = syncing_graphql.data(FIGURES, {"a": ZPUB})
    wallet, portfolio = figures["wallet"], figures["portfolio"]

    expected_flows = {
        "received": str(sum(amount for amount in truth.values() if amount > 0)),
        "sent": str(-sum(amount for amount in truth.values() if amount < 0)),
        "net": str(sum(truth.values())),
        "transactionCount": len(truth),
    }
    assert wallet["flows"] == expected_flows
    assert int(wallet["balance"]) == sum(truth.values())
    assert int(wallet["confirmedBalance"]) == sum(confirmed.values())
    assert int(wallet["balanceHistory"][-1]["balance"]) == sum(confirmed.values())
    assert portfolio["walletCount"] == 1
    assert portfolio["balance"] == wallet["balance"]
    assert portfolio["flows"] == expected_flows


ADDRESS_PAGE = """
query($a: String!, $first: Int!, $after: String, $keychain: Keychain, $used: Boolean) {
  wallet(address: $a) {
    addresses(first: $first, after: $after, keychain: $keychain, used: $used) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { address keychain index used balance transactionCount } }
    }
  }
}
"""


def every_address_page(
    graphql: GraphQLClient, first: int, **filters: Any
) -> tuple[list[dict[str, Any]], int]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {"a": ZPUB, "first": first, "after": after, **filters}
        page = graphql.data(ADDRESS_PAGE, variables)["wallet"]["addresses"]
        nodes.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


def test_an_hd_wallet_s_addresses_page_receive_then_change_by_index_with_cursors(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    give_history(simulator, ZPUB, ScriptKind.P2WPKH, [0, 2, 3])
    add_and_sync(syncing_graphql, ZPUB, gap=4)
    whole = syncing_graphql.data(WALLET, {"a": ZPUB})["wallet"]["addresses"]
    expected = [
        (edge["node"]["keychain"], edge["node"]["index"], edge["node"]["address"])
        for edge in whole["edges"]
    ]

    paged, total = every_address_page(syncing_graphql, 3)

    assert [(node["keychain"], node["index"], node["address"]) for node in paged] == expected
    assert total == whole["totalCount"] == len(expected)
    receive = [node for node in paged if node["keychain"] == "RECEIVE"]
    assert [node["index"] for node in receive] == list(range(3 + 4 + 1))
    assert paged[: len(receive)] == receive, "receive first, then change"
    assert [node["address"] for node in receive] == derived(ZPUB, ScriptKind.P2WPKH, 0, 8)
    balances = bitcoin(simulator)
    for node in paged:
        assert int(node["balance"]) == balances.balance_sat(node["address"])
        assert node["used"] == (node["transactionCount"] > 0)

    used_change, used_total = every_address_page(syncing_graphql, 2, keychain="CHANGE", used=True)
    assert used_change == [node for node in paged if node["keychain"] == "CHANGE" and node["used"]]
    assert used_total == len(used_change) > 0


OVERLAP = """
{
  wallet: wallet(address: "%s") { balance flows { received sent net transactionCount } }
  portfolio { walletCount balance flows { received sent net transactionCount } }
  portfolios { chain walletCount balance }
  netWorth { amount }
}
"""


def test_an_address_tracked_alone_and_inside_an_hd_wallet_counts_once_in_the_portfolio(
    syncing_graphql: GraphQLClient, simulator: RunningSimulator
) -> None:
    """The address was tracked before its wallet's xpub was added: both stay wallets, but its
    coins and transactions are the HD wallet's, counted once in the portfolio and net worth."""
    give_history(simulator, ZPUB, ScriptKind.P2WPKH, [0, 2])
    add_and_sync(syncing_graphql, ZPUB, gap=5)
    before = syncing_graphql.data(OVERLAP % ZPUB)
    first_receive = derived(ZPUB, ScriptKind.P2WPKH, 0, 1)[0]
    single = syncing_graphql.add_wallet(first_receive)
    assert wait_for_job(syncing_graphql, single["job"]["id"])["status"] == "SUCCEEDED"
    alone = syncing_graphql.data(OVERLAP % first_receive)["wallet"]
    assert int(alone["balance"]) > 0

    after = syncing_graphql.data(OVERLAP % ZPUB)

    assert after["portfolio"]["walletCount"] == 2
    assert (
        after["portfolio"]["balance"] == after["wallet"]["balance"] == before["wallet"]["balance"]
    )
    assert after["portfolio"]["flows"] == after["wallet"]["flows"] == before["portfolio"]["flows"]
    assert after["portfolios"] == [
        {"chain": "BITCOIN", "walletCount": 2, "balance": after["wallet"]["balance"]}
    ]
    assert after["netWorth"] == before["netWorth"] != {"amount": "0.00"}
