"""Paging a wallet's transactions over HTTP: order, cursors both ways, filters, caps, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.utils.factories import SeededTransaction, make_history, seed_transactions
from tests.utils.graphql import GraphQLClient

ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
OTHER_ADDRESS = "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju"
CONFIRMED, UNCONFIRMED = 3_000, 5
TIP = 900_010

PAGE = """
query Page($address: String!, $first: Int, $after: String, $last: Int, $before: String,
           $filter: TransactionFilter) {
  wallet(address: $address) {
    transactions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      edges { cursor node { id txid blockHeight timestamp amount direction confirmations
                            wallet { address } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


def expected_order(history: list[SeededTransaction]) -> list[str]:
    """Newest first: unconfirmed (latest inserted first), then by height, later rows first."""
    indexed = list(enumerate(history))
    indexed.sort(
        key=lambda item: (
            item[1].block_height is None,
            item[1].block_height or 0,
            item[0],
        ),
        reverse=True,
    )
    return [seeded.txid for _, seeded in indexed]


@pytest.fixture
def history(live_server: LiveServer, graphql: GraphQLClient) -> list[SeededTransaction]:
    assert graphql.add_wallet(ADDRESS)["errors"] == []
    assert graphql.add_wallet(OTHER_ADDRESS)["errors"] == []
    seeded = make_history(CONFIRMED, UNCONFIRMED)
    seed_transactions(live_server.settings.database_url, ADDRESS, seeded, tip_height=TIP)
    return seeded


def page(graphql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    connection: dict[str, Any] = graphql.data(PAGE, {"address": ADDRESS, **variables})["wallet"][
        "transactions"
    ]
    return connection


def walk_forward(graphql: GraphQLClient, size: int, **variables: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        connection = page(graphql, first=size, after=after, **variables)
        nodes.extend(edge["node"] for edge in connection["edges"])
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


def test_forward_paging_visits_every_transaction_once_newest_first(
    graphql: GraphQLClient, history: list[SeededTransaction]
) -> None:
    nodes = walk_forward(graphql, 500)

    assert [node["txid"] for node in nodes] == expected_order(history)
    assert len({node["id"] for node in nodes}) == len(history)
    top = nodes[:UNCONFIRMED]
    assert all(node["blockHeight"] is None and node["confirmations"] == 0 for node in top)
    newest_confirmed = nodes[UNCONFIRMED]
    assert newest_confirmed["blockHeight"] == 900_000
    assert newest_confirmed["confirmations"] == TIP - 900_000 + 1
    assert all(node["wallet"]["address"] == ADDRESS for node in nodes)
    whale = next(node for node in nodes if node["txid"] == history[CONFIRMED].txid)
    assert whale["amount"] == str(21_000_000 * 10**8)


def test_backward_paging_from_the_end_gives_the_same_list(
    graphql: GraphQLClient, history: list[SeededTransaction]
) -> None:
    nodes: list[dict[str, Any]] = []
    before = None
    while True:
        connection = page(graphql, last=437, before=before)
        nodes[:0] = [edge["node"] for edge in connection["edges"]]
        assert connection["pageInfo"]["hasNextPage"] is (before is not None)
        if not connection["pageInfo"]["hasPreviousPage"]:
            break
        before = connection["pageInfo"]["startCursor"]

    assert [node["txid"] for node in nodes] == expected_order(history)


def test_pages_meet_exactly_when_switching_direction(
    graphql: GraphQLClient, history: list[SeededTransaction]
) -> None:
    first = page(graphql, first=100)
    second = page(graphql, first=100, after=first["pageInfo"]["endCursor"])
    back = page(graphql, last=100, before=second["pageInfo"]["startCursor"])

    assert [edge["cursor"] for edge in back["edges"]] == [edge["cursor"] for edge in first["edges"]]
    assert back["pageInfo"] == {**first["pageInfo"], "hasNextPage": True}


def test_new_transactions_arriving_while_paging_cause_no_skips_or_repeats(
    live_server: LiveServer, graphql: GraphQLClient, history: list[SeededTransaction]
) -> None:
    first = page(graphql, first=250)
    newer = [
        SeededTransaction(f"ee{index:062x}", 900_001, datetime(2026, 11, 2, tzinfo=UTC), 5_000)
        for index in range(30)
    ]
    seed_transactions(live_server.settings.database_url, ADDRESS, newer)

    rest = walk_forward(graphql, 500)
    after_first = rest[250 + len(newer) :]
    continued: list[dict[str, Any]] = []
    after = first["pageInfo"]["endCursor"]
    while after is not None:
        connection = page(graphql, first=500, after=after)
        continued.extend(edge["node"] for edge in connection["edges"])
        after = (
            connection["pageInfo"]["endCursor"] if connection["pageInfo"]["hasNextPage"] else None
        )

    seen = [edge["node"]["txid"] for edge in first["edges"]] + [node["txid"] for node in continued]
    assert seen == expected_order(history)
    assert [node["txid"] for node in continued] == [node["txid"] for node in after_first]


def test_default_page_is_50_and_total_count_counts_everything(
    graphql: GraphQLClient, history: list[SeededTransaction]
) -> None:
    connection = page(graphql)

    assert len(connection["edges"]) == 50
    assert connection["totalCount"] == CONFIRMED + UNCONFIRMED
    assert connection["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize(
    ("filter_", "predicate"),
    [
        ({"direction": "RECEIVED"}, lambda t: t.amount_sat > 0),
        ({"direction": "SENT"}, lambda t: t.amount_sat < 0),
        ({"direction": "SELF"}, lambda t: t.amount_sat == 0),
        ({"confirmed": True}, lambda t: t.block_height is not None),
        ({"confirmed": False}, lambda t: t.block_height is None),
        (
            {"since": "2024-03-02T00:00:00+00:00", "until": "2024-03-04T00:00:00Z"},
            lambda t: (
                t.tx_time is not None
                and datetime(2024, 3, 2, tzinfo=UTC) <= t.tx_time < datetime(2024, 3, 4, tzinfo=UTC)
            ),
        ),
        (
            {"direction": "SENT", "confirmed": True, "since": "2024-03-08T00:00:00+00:00"},
            lambda t: (
                t.amount_sat < 0
                and t.block_height is not None
                and t.tx_time is not None
                and t.tx_time >= datetime(2024, 3, 8, tzinfo=UTC)
            ),
        ),
    ],
)
def test_filters_select_exactly_the_matching_transactions(
    graphql: GraphQLClient,
    history: list[SeededTransaction],
    filter_: dict[str, Any],
    predicate: Any,
) -> None:
    expected = [
        txid
        for txid in expected_order(history)
        if predicate(next(t for t in history if t.txid == txid))
    ]
    assert expected, "the filter should match something in the seeded history"

    nodes = walk_forward(graphql, 333, filter=filter_)

    assert [node["txid"] for node in nodes] == expected
    assert page(graphql, first=1, filter=filter_)["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 501}, "maximum page size of 500"),
        ({"last": 10_000}, "maximum page size of 500"),
        ({"first": -1}, "must not be negative"),
        ({"first": 10, "last": 10}, "not both"),
        ({"after": "garbage!"}, "Invalid cursor in `after`"),
        ({"before": "' OR 1=1 --"}, "Invalid cursor in `before`"),
        ({"after": "dHg6MTpub3RhbnVtYmVyOjE"}, "Invalid cursor in `after`"),
    ],
)
def test_bad_page_arguments_are_clear_errors(
    graphql: GraphQLClient,
    history: list[SeededTransaction],
    variables: dict[str, Any],
    message: str,
) -> None:
    messages = graphql.error_messages(PAGE, {"address": ADDRESS, **variables})
    assert any(message in text for text in messages), messages


def test_cursors_of_another_list_are_refused(
    graphql: GraphQLClient, history: list[SeededTransaction]
) -> None:
    other_wallet_cursor = graphql.data("{ wallets(first: 1) { edges { cursor } } }")["wallets"][
        "edges"
    ][0]["cursor"]
    messages = graphql.error_messages(PAGE, {"address": ADDRESS, "after": other_wallet_cursor})
    assert any("belongs to another list" in text for text in messages)

    cursor = page(graphql, first=1)["edges"][0]["cursor"]
    messages = graphql.error_messages(PAGE, {"address": OTHER_ADDRESS, "after": cursor})
    assert any("belongs to another list" in text for text in messages)


def test_a_page_of_zero_reports_whether_there_is_more(
    graphql: GraphQLClient, history: list[SeededTransaction]
) -> None:
    connection = page(graphql, first=0)
    assert connection["edges"] == []
    assert connection["pageInfo"]["hasNextPage"] is True


def test_transactions_resolve_by_global_id(
    graphql: GraphQLClient, history: list[SeededTransaction]
) -> None:
    node = page(graphql, first=1)["edges"][0]["node"]
    fetched = graphql.data(
        """query($id: ID!) {
          node(id: $id) { ... on Transaction { txid amount wallet { address } } }
        }""",
        {"id": node["id"]},
    )["node"]
    assert fetched == {
        "txid": node["txid"],
        "amount": node["amount"],
        "wallet": {"address": ADDRESS},
    }


def test_pages_of_two_wallets_asked_in_turn_each_hold_their_own_transactions(
    live_server: LiveServer, graphql: GraphQLClient, history: list[SeededTransaction]
) -> None:
    other_history = [
        SeededTransaction(
            txid=f"ab{index:062x}",
            block_height=800_000 - index,
            tx_time=datetime(2023, 1, 1, tzinfo=UTC),
            amount_sat=1_000 + index,
        )
        for index in range(30)
    ]
    seed_transactions(live_server.settings.database_url, OTHER_ADDRESS, other_history)
    mine, theirs = expected_order(history), expected_order(other_history)

    def txids(address: str, **variables: Any) -> tuple[list[str], dict[str, Any]]:
        connection = graphql.data(PAGE, {"address": address, **variables})["wallet"]["transactions"]
        return [edge["node"]["txid"] for edge in connection["edges"]], connection["pageInfo"]

    first_mine, mine_info = txids(ADDRESS, first=10)
    first_theirs, theirs_info = txids(OTHER_ADDRESS, first=10)
    next_mine, _ = txids(ADDRESS, first=7, after=mine_info["endCursor"])
    next_theirs, next_theirs_info = txids(OTHER_ADDRESS, first=25, after=theirs_info["endCursor"])
    last_theirs, _ = txids(OTHER_ADDRESS, last=3)
    last_mine, _ = txids(ADDRESS, last=4)

    assert first_mine + next_mine == mine[:17]
    assert first_theirs + next_theirs == theirs
    assert (next_theirs_info["hasNextPage"], next_theirs_info["hasPreviousPage"]) == (False, True)
    assert (last_theirs, last_mine) == (theirs[-3:], mine[-4:])
