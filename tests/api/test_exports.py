"""Exports and imports: a wallet's transactions as streamed CSV, labels as BIP-329 lines."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, StartServer
from tests.utils.factories import make_history, seed_transactions
from tests.utils.graphql import GraphQLClient, sign_up

ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
OTHER = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
THIRD = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
TIP = 900_010
PAGE = """
query($a: String!, $after: String) {
  wallet(address: $a) {
    transactions(first: 500, after: $after) {
      edges { node { txid blockHeight timestamp amount confirmations fee failed } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
LABELS = "{ wallets(first: 10) { edges { node { address label } } } }"
RELABEL = """
mutation($a: String!, $label: String) {
  updateWallet(input: {address: $a, label: $label}) { errors { message } }
}
"""


def api_history(graphql: GraphQLClient, address: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        page = graphql.data(PAGE, {"a": address, "after": after})["wallet"]["transactions"]
        rows += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]


def test_the_csv_export_streams_every_transaction_exactly(
    live_server: LiveServer, graphql: GraphQLClient, database_url: str
) -> None:
    graphql.add_wallet(ADDRESS)
    seed_transactions(database_url, ADDRESS, make_history(12_000, 3), tip_height=TIP)

    with httpx.stream(
        "GET", f"{live_server.base_url}/export/transactions.csv", params={"address": ADDRESS}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert f'filename="transactions-{ADDRESS}.csv"' in response.headers["content-disposition"]
        assert "content-length" not in response.headers  # streamed, not built whole
        chunks = list(response.iter_text())
    assert len(chunks) > 2
    rows = list(csv.reader(io.StringIO("".join(chunks))))

    assert rows[0] == [
        "txid",
        "block_height",
        "time",
        "amount_sat",
        "amount_btc",
        "confirmations",
        "fee",
        "failed",
    ]
    expected = api_history(graphql, ADDRESS)
    assert len(rows) - 1 == len(expected) == 12_003
    for row, node in zip(rows[1:], expected, strict=True):
        txid, height, time, amount_sat, amount_btc, confirmations, fee, failed = row
        assert txid == node["txid"]
        assert height == ("" if node["blockHeight"] is None else str(node["blockHeight"]))
        assert time == node["timestamp"]
        assert amount_sat == node["amount"]
        assert Decimal(amount_btc) == Decimal(amount_sat) / 100_000_000
        assert len(amount_btc.split(".")[1]) == 8
        assert int(confirmations) == node["confirmations"]
        assert fee == ("" if node["fee"] is None else node["fee"])
        assert failed == str(node["failed"]).lower()
    # The 21-million-BTC mempool fixture survives without a float anywhere.
    assert ["2100000000000000", "21000000.00000000"] in [r[3:5] for r in rows]
    assert ["-42000", "-0.00042000"] in [r[3:5] for r in rows]


@pytest.mark.parametrize(
    ("params", "status", "code", "message"),
    [
        ({}, 400, "INVALID_INPUT", "Say which wallet"),
        ({"address": "bc1qnope"}, 400, "INVALID_ADDRESS", "Not a valid bitcoin address"),
        ({"address": OTHER}, 404, "NOT_FOUND", "You do not track"),
    ],
)
def test_the_csv_export_refuses_what_it_cannot_export(
    live_server: LiveServer,
    graphql: GraphQLClient,
    params: dict[str, str],
    status: int,
    code: str,
    message: str,
) -> None:
    graphql.add_wallet(ADDRESS)
    response = httpx.get(f"{live_server.base_url}/export/transactions.csv", params=params)
    assert response.status_code == status
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert message.lower() in error["message"].lower()


def import_labels(
    server: LiveServer, body: str | bytes, token: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{server.base_url}/import/labels.jsonl", content=body, headers=headers)


def labels(graphql: GraphQLClient) -> dict[str, str | None]:
    edges = graphql.data(LABELS)["wallets"]["edges"]
    return {edge["node"]["address"]: edge["node"]["label"] for edge in edges}


def test_labels_round_trip_through_bip329(live_server: LiveServer, graphql: GraphQLClient) -> None:
    graphql.add_wallet(ADDRESS, label="Cold storage 🧊")
    graphql.add_wallet(OTHER, label='Genesis, "the" first')
    graphql.add_wallet(THIRD)

    exported = httpx.get(f"{live_server.base_url}/export/labels.jsonl")
    assert exported.status_code == 200
    lines = exported.text.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"type": "addr", "ref": ADDRESS, "label": "Cold storage 🧊"},
        {"type": "addr", "ref": OTHER, "label": 'Genesis, "the" first'},
    ]

    for address in (ADDRESS, OTHER):
        graphql.data(RELABEL, {"a": address, "label": None})
    extra = [
        '{"type": "tx", "ref": "' + "ab" * 32 + '", "label": "rent"}',
        '{"type": "addr", "ref": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "label": "not mine"}',
        '{"type": "addr", "ref": "bc1qnope", "label": "broken"}',
        "",
        '{"type": "addr", "ref": "' + THIRD.lower() + '"}',
        '{"type": "addr", "ref": "' + THIRD + '", "label": "  Spending  ", "origin": "wpkh(...)"}',
    ]
    response = import_labels(live_server, "\n".join([*lines, *extra]) + "\n")
    assert response.status_code == 200
    report = response.json()
    assert report["applied"] == 3
    assert report["skipped"] == 4
    assert [(s["line"], s["reason"].split(":")[0]) for s in report["skippedLines"]] == [
        (3, 'type "tx" is not a wallet label'),
        (4, "address not tracked by this account"),
        (5, "not a valid bitcoin address"),
        (7, "no label"),
    ]
    assert labels(graphql) == {
        ADDRESS: "Cold storage 🧊",
        OTHER: 'Genesis, "the" first',
        THIRD: "Spending",
    }


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('["addr"]', "not a JSON object"),
        ('{"ref": "x", "label": "y"}', '"type" must be'),
        ('{"type": "addr", "label": "y"}', '"ref" must be'),
        ('{"type": "addr", "ref": "' + OTHER + '", "label": 7}', '"label" must be a string'),
        ('{"type": "addr", "ref": "' + OTHER + '", "label": "a\\u0000b"}', "control"),
        ('{"type": "addr", "ref": "' + OTHER + '", "label": "' + "x" * 101 + '"}', "maximum"),
    ],
)
def test_a_malformed_line_is_named_and_nothing_is_applied(
    live_server: LiveServer, graphql: GraphQLClient, bad_line: str, problem: str
) -> None:
    graphql.add_wallet(ADDRESS, label="before")
    graphql.add_wallet(OTHER, label="before too")
    good = '{"type": "addr", "ref": "' + ADDRESS + '", "label": "after"}'
    response = import_labels(live_server, f"{good}\n{good}\n{bad_line}\n")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["message"].startswith("Line 3: ")
    assert problem in error["message"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "line": 3}
    assert labels(graphql) == {ADDRESS: "before", OTHER: "before too"}


def test_an_import_that_is_not_utf8_changes_nothing(
    live_server: LiveServer, graphql: GraphQLClient
) -> None:
    graphql.add_wallet(ADDRESS, label="before")
    response = import_labels(live_server, b'{"type": "addr", "ref": "x", "label": "\xff"}')
    assert response.status_code == 400
    assert "not UTF-8" in response.json()["errors"][0]["message"]
    assert labels(graphql) == {ADDRESS: "before"}


@pytest.fixture
def token_server(start_live_server: StartServer) -> LiveServer:
    return start_live_server(auth="token", allow_signup=True)


def test_exports_and_imports_are_authenticated_and_per_account(token_server: LiveServer) -> None:
    alice, bob = sign_up(token_server.base_url, "alice"), sign_up(token_server.base_url, "bob")
    with GraphQLClient(token_server.base_url, token=alice) as client:
        client.add_wallet(ADDRESS, label="alice's")
    url = token_server.base_url
    for method, path in [
        ("GET", f"/export/transactions.csv?address={ADDRESS}"),
        ("GET", "/export/labels.jsonl"),
        ("POST", "/import/labels.jsonl"),
    ]:
        response = httpx.request(method, url + path)
        assert response.status_code == 401, path
        assert "data" not in response.json()
    as_bob = {"Authorization": f"Bearer {bob}"}
    # Bob's view: Alice's wallet does not exist, her labels are not his.
    csv_response = httpx.get(
        f"{url}/export/transactions.csv", params={"address": ADDRESS}, headers=as_bob
    )
    assert csv_response.status_code == 404
    assert httpx.get(f"{url}/export/labels.jsonl", headers=as_bob).text == ""
    line = '{"type": "addr", "ref": "' + ADDRESS + '", "label": "bob was here"}'
    report = import_labels(token_server, line, token=bob).json()
    assert (report["applied"], report["skipped"]) == (0, 1)
    with GraphQLClient(url, token=alice) as client:
        assert labels(client) == {ADDRESS: "alice's"}
    alice_labels = httpx.get(
        f"{url}/export/labels.jsonl", headers={"Authorization": f"Bearer {alice}"}
    )
    assert json.loads(alice_labels.text) == {"type": "addr", "ref": ADDRESS, "label": "alice's"}
