"""Hostile requests are refused with a clear error, and the server keeps serving others."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from api.graphql_view import MAX_OPERATIONS_PER_SOCKET
from schema.protection import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.conftest import LiveServer, StartServer
from tests.utils.graphql import PROTOCOL, GraphQLClient

ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
VIEWER = "{ viewer { account { name } } }"


def still_serving(graphql: GraphQLClient) -> None:
    assert graphql.data(VIEWER)["viewer"]["account"]["name"] == "local"


def nested_query(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"transactions(first: 1) {{ edges {{ node {{ wallet {{ {inner} }} }} }} }}"
    return f'{{ wallet(address: "{ADDRESS}") {{ {inner} }} }}'


def test_deeply_nested_queries_are_refused(graphql: GraphQLClient) -> None:
    messages = graphql.error_messages(nested_query(MAX_DEPTH))
    assert any("exceeds maximum operation depth" in message for message in messages), messages
    still_serving(graphql)


@pytest.mark.parametrize("aliases", [MAX_ALIASES + 1, 10_000])
def test_alias_floods_are_refused(graphql: GraphQLClient, aliases: int) -> None:
    query = "{ " + " ".join(f"a{n}: viewer {{ account {{ name }} }}" for n in range(aliases)) + " }"
    messages = graphql.error_messages(query)
    assert any("aliases" in message or "tokens" in message for message in messages), messages
    still_serving(graphql)


def test_token_floods_are_refused(graphql: GraphQLClient) -> None:
    query = "{ viewer { account { " + "name " * MAX_TOKENS + "} } }"
    messages = graphql.error_messages(query)
    assert any("tokens" in message for message in messages), messages
    still_serving(graphql)


def test_a_10_megabyte_body_is_refused_with_413(
    live_server: LiveServer, graphql: GraphQLClient
) -> None:
    big = '{"query": "{ viewer { account { name } } }", "padding": "' + "x" * 10_000_000 + '"}'
    response = httpx.post(
        f"{live_server.base_url}/graphql",
        content=big,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "Request body too large" in response.json()["errors"][0]["message"]

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"x" * 100_000

    chunked = httpx.post(
        f"{live_server.base_url}/graphql",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert chunked.status_code == 413
    still_serving(graphql)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_unexpected_server_errors_are_masked_with_a_request_id(
    database_url: str, graphql: GraphQLClient, live_server: LiveServer
) -> None:
    name = database_url.rsplit("/", 1)[1]
    renamed = "ALTER TABLE wallets RENAME TO wallets_gone"
    asyncio.run(_admin_in(name, renamed))

    response = graphql.http.post(
        "/graphql", json={"query": "{ wallets { totalCount } }"}, headers={"X-Request-ID": "req-42"}
    )

    body = response.json()
    [error] = body["errors"]
    assert error["message"] == "Internal server error (request id req-42); it has been logged."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    assert error["path"] == ["wallets"]
    for leaked in ("relation", "does not exist", "sqlalchemy", "asyncpg", "SELECT"):
        assert leaked not in response.text
    assert response.headers["x-request-id"] == "req-42"
    # Mistakes of the client stay readable.
    assert any("Cannot query field" in m for m in graphql.error_messages("{ nope }"))


async def _admin_in(database: str, statement: str) -> None:
    import asyncpg

    from tests.conftest import TEST_POSTGRES_URL, _asyncpg_dsn

    connection = await asyncpg.connect(_asyncpg_dsn(TEST_POSTGRES_URL, database))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
def locked_down_server(start_live_server: StartServer) -> LiveServer:
    return start_live_server(graphiql=False, introspection=False, cors_origins="http://app.example")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_graphiql_and_introspection_can_be_turned_off(
    live_server: LiveServer, locked_down_server: LiveServer
) -> None:
    introspection = {"query": "{ __schema { queryType { name } } }"}
    html = {"Accept": "text/html"}
    assert "graphiql" in httpx.get(f"{live_server.base_url}/graphql", headers=html).text.lower()
    open_answer = httpx.post(f"{live_server.base_url}/graphql", json=introspection).json()
    assert open_answer["data"]["__schema"]["queryType"]["name"] == "Query"

    page = httpx.get(f"{locked_down_server.base_url}/graphql", headers=html)
    assert "graphiql" not in page.text.lower()
    closed_answer = httpx.post(f"{locked_down_server.base_url}/graphql", json=introspection)
    assert "introspection has been disabled" in closed_answer.text


def preflight(server: LiveServer, origin: str) -> httpx.Response:
    return httpx.options(
        f"{server.base_url}/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_nothing_cross_origin_is_allowed_unless_listed(
    live_server: LiveServer, locked_down_server: LiveServer
) -> None:
    assert (
        "access-control-allow-origin" not in preflight(live_server, "http://evil.example").headers
    )
    listed = preflight(locked_down_server, "http://app.example")
    assert listed.headers["access-control-allow-origin"] == "http://app.example"
    unlisted = preflight(locked_down_server, "http://evil.example")
    assert "access-control-allow-origin" not in unlisted.headers


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_websockets_from_foreign_origins_are_refused(
    live_server: LiveServer, locked_down_server: LiveServer
) -> None:
    def url(server: LiveServer) -> str:
        return server.base_url.replace("http://", "ws://") + "/graphql"

    options: dict[str, Any] = {"subprotocols": [PROTOCOL]}
    with pytest.raises(InvalidStatus):
        async with connect(url(live_server), origin="http://evil.example", **options):  # type: ignore[arg-type]
            pass
    async with connect(url(locked_down_server), origin="http://app.example", **options) as ok:  # type: ignore[arg-type]
        assert ok.subprotocol == PROTOCOL
    async with connect(url(live_server), **options) as same_origin_tool:
        assert same_origin_tool.subprotocol == PROTOCOL


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (2_147_483_647, "maximum page size of 500"),
        (10**12, "non 32-bit signed integer"),
        (-1, "`first`"),
    ],
)
def test_huge_or_negative_page_sizes_are_clear_errors(
    graphql: GraphQLClient, first: int, expected: str
) -> None:
    graphql.add_wallet(ADDRESS)
    query = "query($f: Int) { wallets(first: $f) { edges { cursor } } }"
    messages = graphql.error_messages(query, {"f": first})
    assert any(expected in message for message in messages), messages
    still_serving(graphql)


@pytest.mark.parametrize(
    "cursor", ["' OR 1=1 --", "'; DROP TABLE wallets; --", "\x00\x1b[2J", "🙂" * 50, "A" * 5000]
)
def test_garbage_and_injection_cursors_are_clear_errors(
    graphql: GraphQLClient, cursor: str
) -> None:
    query = "query($c: String) { wallets(first: 5, after: $c) { edges { cursor } } }"
    messages = graphql.error_messages(query, {"c": cursor})
    assert any("Invalid cursor in `after`" in message for message in messages), messages
    still_serving(graphql)


@pytest.mark.alone
def test_the_server_keeps_answering_others_while_it_is_flooded(
    live_server: LiveServer, graphql: GraphQLClient
) -> None:
    alias_flood = "{ " + " ".join(f"a{n}: viewer {{ __typename }}" for n in range(10_000)) + " }"
    big_body = b'{"query": "' + b"x" * 10_000_000 + b'"}'
    stop = threading.Event()
    under_way = threading.Event()
    refused: list[int] = []

    def attack() -> None:
        with httpx.Client(base_url=live_server.base_url, timeout=30) as client:
            while not stop.is_set():
                refused.append(client.post("/graphql", json={"query": alias_flood}).status_code)
                under_way.set()
                refused.append(
                    client.post(
                        "/graphql", content=big_body, headers={"Content-Type": "application/json"}
                    ).status_code
                )

    attackers = [threading.Thread(target=attack) for _ in range(2)]
    for attacker in attackers:
        attacker.start()
    try:
        # The flood has reached the server (its first answer is back) and goes on meanwhile:
        # a server as quick as this one could otherwise answer all 20 before it begins.
        assert under_way.wait(timeout=30)
        # Every ordinary request is answered, each within the client's 5-second patience.
        with GraphQLClient(live_server.base_url) as patient:
            patient.http.timeout = httpx.Timeout(5.0)
            for _ in range(20):
                still_serving(patient)
    finally:
        stop.set()
        for attacker in attackers:
            attacker.join()
    assert refused
    assert set(refused) <= {200, 400, 413}


async def test_one_socket_holds_at_most_a_hundred_open_subscriptions(
    start_live_server: StartServer,
) -> None:
    server = start_live_server(rate_limit_per_minute=0)
    with GraphQLClient(server.base_url) as graphql:
        graphql.add_wallet(ADDRESS)
    query = "subscription($a: String!) { walletUpdates(address: $a) { address } }"
    async with GraphQLClient(server.base_url).socket() as socket:
        for number in range(MAX_OPERATIONS_PER_SOCKET):
            await socket.subscribe(str(number), query, {"a": ADDRESS})
            first = await socket.receive()
            assert (first["id"], first["type"]) == (str(number), "next")
        await socket.subscribe("one-too-many", query, {"a": ADDRESS})
        refusal = await socket.receive()
        assert (refusal["id"], refusal["type"]) == ("one-too-many", "error")
        assert "Subscription limit reached" in refusal["payload"][0]["message"]
        # Completing one frees a place.
        await socket.send({"id": "0", "type": "complete"})
        await socket.subscribe("in-its-place", query, {"a": ADDRESS})
        accepted = await socket.receive()
        assert (accepted["id"], accepted["type"]) == ("in-its-place", "next")
