"""Wallet lifecycle over HTTP against the running app: add, list, get, label, remove."""

from __future__ import annotations

from typing import Any

from tests.utils.graphql import GraphQLClient

SEGWIT = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
LEGACY = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
TAPROOT = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"

WALLET_FIELDS = """
    id address chain label balance confirmedBalance unconfirmedBalance totalReceived totalSent
    transactionCount syncStatus lastSyncedAt lastSyncError createdAt latestJob { id }
"""
ADD = f"""
mutation Add($address: String!, $label: String) {{
  addWallet(input: {{address: $address, label: $label}}) {{
    wallet {{ {WALLET_FIELDS} }}
    job {{ id status wallet {{ address }} }}
    errors {{ code field message }}
  }}
}}
"""
WALLETS = """
query Wallets($first: Int, $after: String, $last: Int, $before: String) {
  wallets(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { address label } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def add(graphql: GraphQLClient, address: str, label: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = graphql.data(ADD, {"address": address, "label": label})["addWallet"]
    return payload


def test_a_new_wallet_is_stored_canonically_with_empty_chain_data(graphql: GraphQLClient) -> None:
    payload = add(graphql, SEGWIT.upper(), label="  Cold storage  ")

    assert payload["errors"] == []
    wallet = payload["wallet"]
    assert payload["job"]["status"] == "QUEUED"
    assert payload["job"]["wallet"] == {"address": SEGWIT}
    assert wallet["address"] == SEGWIT
    assert wallet["chain"] == "BITCOIN"
    assert wallet["label"] == "Cold storage"
    assert wallet["balance"] == "0"
    assert wallet["confirmedBalance"] == wallet["unconfirmedBalance"] == "0"
    assert wallet["transactionCount"] == 0
    assert wallet["syncStatus"] == "PENDING"
    assert wallet["lastSyncedAt"] is None
    assert wallet["createdAt"].endswith("+00:00")

    fetched = graphql.data(
        "query($a: String!) { wallet(address: $a) { id label } }", {"a": SEGWIT.upper()}
    )
    assert fetched["wallet"] == {"id": wallet["id"], "label": "Cold storage"}
    node = graphql.data(
        "query($id: ID!) { node(id: $id) { __typename ... on Wallet { address } } }",
        {"id": wallet["id"]},
    )
    assert node["node"] == {"__typename": "Wallet", "address": SEGWIT}


def test_adding_a_tracked_address_again_is_already_tracked_and_changes_nothing(
    graphql: GraphQLClient,
) -> None:
    add(graphql, SEGWIT, label="first")

    again = add(graphql, SEGWIT.upper(), label="second")

    assert again["wallet"] is None
    assert [error["code"] for error in again["errors"]] == ["ALREADY_TRACKED"]
    assert again["errors"][0]["field"] == ["address"]
    listed = graphql.data(WALLETS)["wallets"]
    assert listed["totalCount"] == 1
    assert listed["edges"][0]["node"]["label"] == "first"


def test_invalid_addresses_are_refused_with_a_reason_and_store_nothing(
    graphql: GraphQLClient,
) -> None:
    for bad_address, reason in [
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp", "checksum"),
        ("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "testnet"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "checksum"),
        ("not an address", ""),
        ("", ""),
    ]:
        payload = add(graphql, bad_address)
        assert payload["wallet"] is None
        [error] = payload["errors"]
        assert error["code"] == "INVALID_ADDRESS"
        assert error["field"] == ["address"]
        assert reason.lower() in error["message"].lower()
    assert graphql.data(WALLETS)["wallets"]["totalCount"] == 0


def test_labels_are_trimmed_limited_and_free_of_control_characters(graphql: GraphQLClient) -> None:
    too_long = add(graphql, SEGWIT, label="x" * 101)
    assert [error["code"] for error in too_long["errors"]] == ["INVALID_INPUT"]
    assert too_long["errors"][0]["field"] == ["label"]
    assert "100" in too_long["errors"][0]["message"]
    control = add(graphql, SEGWIT, label="evil\x00label")
    assert [error["code"] for error in control["errors"]] == ["INVALID_INPUT"]
    assert graphql.data(WALLETS)["wallets"]["totalCount"] == 0

    exactly_100 = add(graphql, SEGWIT, label=" " + "é" * 100 + " ")
    assert exactly_100["wallet"]["label"] == "é" * 100


def test_update_wallet_relabels_clears_and_reports_unknown_wallets(graphql: GraphQLClient) -> None:
    add(graphql, LEGACY, label="old")
    update = """
    mutation($input: UpdateWalletInput!) {
      updateWallet(input: $input) { wallet { address label } errors { code field message } }
    }
    """

    renamed = graphql.data(update, {"input": {"address": LEGACY, "label": "  Savings "}})
    assert renamed["updateWallet"] == {
        "wallet": {"address": LEGACY, "label": "Savings"},
        "errors": [],
    }
    unchanged = graphql.data(update, {"input": {"address": LEGACY}})
    assert unchanged["updateWallet"]["wallet"]["label"] == "Savings"
    cleared = graphql.data(update, {"input": {"address": LEGACY, "label": "   "}})
    assert cleared["updateWallet"]["wallet"]["label"] is None

    unknown = graphql.data(update, {"input": {"address": TAPROOT, "label": "x"}})
    assert unknown["updateWallet"]["wallet"] is None
    assert [error["code"] for error in unknown["updateWallet"]["errors"]] == ["NOT_FOUND"]
    invalid = graphql.data(update, {"input": {"address": "bc1nope", "label": "x"}})
    assert [error["code"] for error in invalid["updateWallet"]["errors"]] == ["INVALID_ADDRESS"]


def test_remove_wallet_removes_it_and_a_second_remove_is_not_found(graphql: GraphQLClient) -> None:
    add(graphql, SEGWIT)
    add(graphql, LEGACY)
    remove = """
    mutation($address: String!) {
      removeWallet(input: {address: $address}) { removedAddress errors { code field } }
    }
    """

    removed = graphql.data(remove, {"address": SEGWIT.upper()})["removeWallet"]
    assert removed == {"removedAddress": SEGWIT, "errors": []}
    again = graphql.data(remove, {"address": SEGWIT})["removeWallet"]
    assert again["removedAddress"] is None
    assert again["errors"] == [{"code": "NOT_FOUND", "field": ["address"]}]
    listed = graphql.data(WALLETS)["wallets"]
    assert [edge["node"]["address"] for edge in listed["edges"]] == [LEGACY]
    assert graphql.data("query($a: String!) { wallet(address: $a) { id } }", {"a": SEGWIT}) == {
        "wallet": None
    }

    # Re-adding works and starts a fresh view.
    assert add(graphql, SEGWIT, label="back")["wallet"]["label"] == "back"


def test_wallets_are_listed_newest_first_and_paged_both_ways(graphql: GraphQLClient) -> None:
    addresses = [SEGWIT, LEGACY, TAPROOT, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"]
    for address in addresses:
        add(graphql, address)
    newest_first = list(reversed(addresses))

    first_page = graphql.data(WALLETS, {"first": 3})["wallets"]
    assert first_page["totalCount"] == 4
    assert [edge["node"]["address"] for edge in first_page["edges"]] == newest_first[:3]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert first_page["pageInfo"]["hasPreviousPage"] is False
    second_page = graphql.data(WALLETS, {"first": 3, "after": first_page["pageInfo"]["endCursor"]})[
        "wallets"
    ]
    assert [edge["node"]["address"] for edge in second_page["edges"]] == newest_first[3:]
    assert second_page["pageInfo"]["hasNextPage"] is False
    assert second_page["pageInfo"]["hasPreviousPage"] is True

    back = graphql.data(WALLETS, {"last": 2, "before": second_page["pageInfo"]["startCursor"]})[
        "wallets"
    ]
    assert [edge["node"]["address"] for edge in back["edges"]] == newest_first[1:3]
    assert back["pageInfo"]["hasPreviousPage"] is True
    assert back["pageInfo"]["hasNextPage"] is True


def test_wallet_query_with_an_invalid_address_is_a_clear_error(graphql: GraphQLClient) -> None:
    messages = graphql.error_messages('{ wallet(address: "bc1notvalid") { id } }')
    assert any("Not a valid bitcoin address" in message for message in messages)


def test_viewer_is_the_local_account(graphql: GraphQLClient) -> None:
    viewer = graphql.data("{ viewer { account { name createdAt } tokens { id name } } }")["viewer"]
    assert viewer["account"]["name"] == "local"
    assert viewer["tokens"] == []
