"""The GraphQL endpoint at /graphql as HTTP clients meet it: GraphQL over HTTP (media types,
status codes, which operation runs), its refusals, and automatic persisted queries."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import httpx
import pytest
import redis

from api.graphql_requests import GRAPHQL_RESPONSE_MEDIA_TYPE
from tests.conftest import LiveServer
from tests.utils.graphql import GraphQLClient
from workers.constants import persisted_query_key
from workers.redis_server import RedisServer

ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
RELABEL_THEN_READ = f"""
mutation Relabel {{ updateWallet(input: {{address: "{ADDRESS}", label: "changed"}}) {{
  wallet {{ label }} }} }}
query Read {{ wallet(address: "{ADDRESS}") {{ label }} }}
"""
RELABEL = (
    f'mutation {{ updateWallet(input: {{address: "{ADDRESS}", label: "x"}}) {{ __typename }} }}'
)
LABEL = f'{{ wallet(address: "{ADDRESS}") {{ label }} }}'
VIEWER = "{ viewer { account { name } } }"
# What Apollo Client 4 and graphql-http send by default.
MODERN_ACCEPT = "application/graphql-response+json, application/json;q=0.9"
ONLY_GRAPHQL_RESPONSE = GRAPHQL_RESPONSE_MEDIA_TYPE
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def one_error(message: str, code: str) -> dict[str, object]:
    """A response body holding one error, and no `data`."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def post(
    server: LiveServer, body: object, *, accept: str | None = None, **headers: str
) -> httpx.Response:
    if accept is not None:
        headers["Accept"] = accept
    return httpx.post(f"{server.base_url}/graphql", json=body, headers=headers)


def get(server: LiveServer, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept is not None else {}
    return httpx.get(f"{server.base_url}/graphql", params=params, headers=headers)


def assert_refusal(response: httpx.Response, status: int, code: str) -> str:
    """A refusal in the project's one JSON error shape; returns its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code, error
    assert "data" not in response.json()
    message: str = error["message"]
    return message


def label_of(graphql: GraphQLClient) -> str:
    label: str = graphql.data(LABEL)["wallet"]["label"]
    return label


# GraphQL's GetOperation: several operations and no name is a request error; nothing runs.


def test_several_operations_without_an_operation_name_run_none_of_them(
    live_server: LiveServer, graphql: GraphQLClient
) -> None:
    graphql.add_wallet(ADDRESS, "original")

    response = post(live_server, {"query": RELABEL_THEN_READ})

    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
    assert "operation name" in error["message"]
    assert label_of(graphql) == "original"

    strict = post(live_server, {"query": RELABEL_THEN_READ}, accept=ONLY_GRAPHQL_RESPONSE)
    assert strict.status_code == 400
    assert strict.headers["content-type"].startswith(GRAPHQL_RESPONSE_MEDIA_TYPE)
    assert label_of(graphql) == "original"

    named = post(live_server, {"query": RELABEL_THEN_READ, "operationName": "Relabel"})
    assert named.json() == {"data": {"updateWallet": {"wallet": {"label": "changed"}}}}


async def test_several_operations_without_a_name_over_a_websocket_run_none_of_them(
    graphql: GraphQLClient,
) -> None:
    graphql.add_wallet(ADDRESS, "original")

    async with graphql.socket() as socket:
        await socket.subscribe("1", RELABEL_THEN_READ)
        [message] = await socket.messages_until_complete("1")

    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
    assert label_of(graphql) == "original"


def test_an_unknown_operation_name_is_a_graphql_response(live_server: LiveServer) -> None:
    response = post(live_server, {"query": VIEWER, "operationName": "Nope"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == one_error(
        "Unknown operation named 'Nope'.", "OPERATION_RESOLUTION_FAILURE"
    )


# Refusals: the right status, always the project's JSON error shape, never text/plain.


def test_a_mutation_over_get_is_405_allowing_post(
    live_server: LiveServer, graphql: GraphQLClient
) -> None:
    graphql.add_wallet(ADDRESS, "original")

    response = get(live_server, query=RELABEL)

    message = assert_refusal(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"
    assert "POST" in message
    assert label_of(graphql) == "original"


REFUSED_REQUESTS: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("malformed JSON", "POST", {"content": b'{"query": ', "json_type": True}, 400, "BAD_REQUEST"),
    ("no query", "POST", {"json": {"variables": {}}}, 400, "BAD_REQUEST"),
    ("a query that is not a string", "POST", {"json": {"query": 1}}, 400, "BAD_REQUEST"),
    (
        "variables not an object",
        "POST",
        {"json": {"query": VIEWER, "variables": []}},
        400,
        "BAD_REQUEST",
    ),
    (
        "operationName not a string",
        "POST",
        {"json": {"query": VIEWER, "operationName": {}}},
        400,
        "BAD_REQUEST",
    ),
    (
        "extensions not an object",
        "POST",
        {"json": {"query": VIEWER, "extensions": "x"}},
        400,
        "BAD_REQUEST",
    ),
    ("a batch", "POST", {"json": [{"query": VIEWER}]}, 400, "BATCHING_NOT_SUPPORTED"),
    ("a body that is not an object", "POST", {"json": "query"}, 400, "BAD_REQUEST"),
    (
        "a text/plain body",
        "POST",
        {"content": VIEWER, "headers": {"Content-Type": "text/plain"}},
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    (
        "no content type",
        "POST",
        {"content": json.dumps({"query": VIEWER})},
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    ("a GET without query", "GET", {"headers": {"Accept": "application/json"}}, 400, "BAD_REQUEST"),
    (
        "a GET with variables that are not JSON",
        "GET",
        {"params": {"query": VIEWER, "variables": "{"}},
        400,
        "BAD_REQUEST",
    ),
    (
        "only text/html accepted",
        "POST",
        {"json": {"query": VIEWER}, "headers": {"Accept": "text/html"}},
        406,
        "NOT_ACCEPTABLE",
    ),
    ("a PUT", "PUT", {"json": {"query": VIEWER}}, 405, "METHOD_NOT_ALLOWED"),
    ("a DELETE", "DELETE", {}, 405, "METHOD_NOT_ALLOWED"),
    (
        "a subscription over HTTP",
        "POST",
        {"json": {"query": 'subscription { jobUpdates(id: "x") { status } }'}},
        400,
        "BAD_REQUEST",
    ),
]


def send(server: LiveServer, method: str, options: dict[str, Any]) -> httpx.Response:
    options = dict(options)
    if options.pop("json_type", False):
        options["headers"] = {"Content-Type": "application/json"}
    return httpx.request(method, f"{server.base_url}/graphql", **options)


@pytest.mark.parametrize(
    ("method", "options", "status", "code"),
    [request[1:] for request in REFUSED_REQUESTS],
    ids=[request[0] for request in REFUSED_REQUESTS],
)
def test_malformed_requests_are_refused_in_the_json_error_shape(
    live_server: LiveServer, method: str, options: dict[str, Any], status: int, code: str
) -> None:
    response = send(live_server, method, options)

    assert_refusal(response, status, code)
    if status == 405:
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_graphiql_opens_at_graphql_in_a_browser(live_server: LiveServer) -> None:
    page = httpx.get(f"{live_server.base_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


# application/graphql-response+json, and application/json for the clients that ask for it.


def test_a_client_accepting_graphql_response_json_gets_it(live_server: LiveServer) -> None:
    response = post(live_server, {"query": VIEWER}, accept=MODERN_ACCEPT)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_MEDIA_TYPE)
    assert response.json() == {"data": {"viewer": {"account": {"name": "local"}}}}


REQUEST_ERRORS = [
    ("a syntax error", {"query": "{ viewer {"}),
    ("a validation error", {"query": "{ nope }"}),
    (
        "a variable that does not coerce",
        {
            "query": "query($n: Int!) { wallets(first: $n) { totalCount } }",
            "variables": {"n": "ten"},
        },
    ),
    (
        "a missing required variable",
        {"query": "query($n: Int!) { wallets(first: $n) { totalCount } }"},
    ),
]


@pytest.mark.parametrize(
    "body", [error[1] for error in REQUEST_ERRORS], ids=[e[0] for e in REQUEST_ERRORS]
)
def test_request_errors_have_no_data_and_the_status_of_their_media_type(
    live_server: LiveServer, body: dict[str, Any]
) -> None:
    modern = post(live_server, body, accept=MODERN_ACCEPT)
    assert modern.status_code == 400
    assert modern.headers["content-type"].startswith(GRAPHQL_RESPONSE_MEDIA_TYPE)
    assert "data" not in modern.json()
    assert modern.json()["errors"]

    legacy = post(live_server, body, accept="application/json")
    assert legacy.status_code == 200
    assert legacy.headers["content-type"].startswith("application/json")
    assert "data" not in legacy.json()
    assert legacy.json()["errors"]


def test_errors_during_execution_keep_data_and_200(live_server: LiveServer) -> None:
    response = post(
        live_server,
        {"query": '{ wallets(first: 1, after: "nope") { totalCount } }'},
        accept=MODERN_ACCEPT,
    )

    assert response.status_code == 200
    assert response.json()["data"] is None
    assert response.json()["errors"]


def test_without_accept_the_answer_is_application_json(live_server: LiveServer) -> None:
    response = httpx.post(
        f"{live_server.base_url}/graphql",
        content=json.dumps({"query": VIEWER}),
        headers={"Content-Type": "application/json", "Accept": ""},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


# Automatic persisted queries, exactly as Apollo Client's persisted-query link sends them.


def apq(query: str) -> dict[str, Any]:
    sha256 = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


def test_a_persisted_query_is_registered_then_served_by_hash_over_post(
    live_server: LiveServer, redis_server: RedisServer
) -> None:
    extensions = apq(VIEWER)

    miss = post(live_server, {"extensions": extensions}, accept=MODERN_ACCEPT)
    assert miss.status_code == 200
    assert miss.headers["content-type"].startswith("application/json")
    assert miss.json() == one_error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")

    registered = post(live_server, {"query": VIEWER, "extensions": extensions})
    assert registered.json() == {"data": {"viewer": {"account": {"name": "local"}}}}

    by_hash = post(live_server, {"extensions": extensions})
    assert by_hash.json() == {"data": {"viewer": {"account": {"name": "local"}}}}

    key = persisted_query_key(extensions["persistedQuery"]["sha256Hash"])
    with redis.Redis.from_url(redis_server.url) as client:
        assert client.get(key) == VIEWER.encode()
        assert 0 < client.ttl(key) <= live_server.settings.persisted_query_ttl


def test_a_persisted_query_over_get_with_extensions_in_the_url(live_server: LiveServer) -> None:
    query = "query Me { viewer { account { name } } }"
    extensions = json.dumps(apq(query))

    miss = get(live_server, accept="*/*", operationName="Me", extensions=extensions)
    assert miss.status_code == 200
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert "no-cache" in miss.headers["cache-control"]

    registered = get(live_server, query=query, operationName="Me", extensions=extensions)
    assert registered.json() == {"data": {"viewer": {"account": {"name": "local"}}}}

    by_hash = get(live_server, accept="*/*", operationName="Me", extensions=extensions)
    assert by_hash.status_code == 200
    assert by_hash.json() == {"data": {"viewer": {"account": {"name": "local"}}}}


def test_a_persisted_mutation_by_hash_over_get_is_still_405(
    live_server: LiveServer, graphql: GraphQLClient
) -> None:
    graphql.add_wallet(ADDRESS, "original")
    post(live_server, {"query": RELABEL, "extensions": apq(RELABEL)})

    response = get(live_server, extensions=json.dumps(apq(RELABEL)))

    assert_refusal(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"


def test_a_hash_that_does_not_match_its_query_is_refused_and_not_stored(
    live_server: LiveServer,
) -> None:
    extensions = apq("{ __typename }")

    response = post(live_server, {"query": VIEWER, "extensions": extensions})

    message = assert_refusal(response, 400, "PERSISTED_QUERY_HASH_MISMATCH")
    assert message == "provided sha does not match query"
    after = post(live_server, {"extensions": extensions})
    assert after.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_an_unsupported_persisted_query_version_is_refused(live_server: LiveServer) -> None:
    extensions = {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}
    response = post(live_server, {"extensions": extensions})
    assert_refusal(response, 400, "BAD_REQUEST")


def test_a_client_accepting_only_graphql_response_json_gets_404_for_an_unknown_hash(
    live_server: LiveServer,
) -> None:
    response = post(live_server, {"extensions": apq(VIEWER)}, accept=ONLY_GRAPHQL_RESPONSE)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_MEDIA_TYPE)
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


# None of these client mistakes is a server error.


def test_client_mistakes_over_http_are_not_logged_as_errors(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    post(live_server, {"query": RELABEL_THEN_READ})
    post(live_server, {"query": VIEWER, "operationName": "Nope"})
    get(live_server, query="mutation { __typename }")
    for _, method, options, _, _ in REFUSED_REQUESTS:
        send(live_server, method, options)
    for _, body in REQUEST_ERRORS:
        post(live_server, body, accept=MODERN_ACCEPT)
    post(live_server, {"extensions": apq(VIEWER)})
    post(live_server, {"query": VIEWER, "extensions": apq("{ __typename }")})
    post(live_server, {"extensions": {"persistedQuery": {"version": 2}}})

    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == [], [record.getMessage() for record in errors]
