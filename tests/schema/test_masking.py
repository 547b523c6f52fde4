"""Which errors a client reads and how they are logged: a client's mistake is INFO without a
traceback; anything else is masked with the request id and logged once at ERROR."""

from __future__ import annotations

import logging

import pytest
import strawberry
from graphql import GraphQLError

from resolvers.errors import BadRequestError
from schema.masking import LoggingSchema, MaskUnexpectedErrors
from tests.utils.graphql import GraphQLClient

CLIENT_MISTAKES = [
    ("a bad cursor", '{ wallets(first: 1, after: "nope") { totalCount } }', None),
    ("a malformed id", '{ node(id: "nope") { id } }', None),
    ("an id of the wrong type", '{ job(id: "V2FsbGV0OjE=") { id } }', None),
    ("first over the cap", "{ wallets(first: 100000) { totalCount } }", None),
    ("a negative first", "{ wallets(first: -1) { totalCount } }", None),
    ("a validation error", "{ nope }", None),
    ("a syntax error", "{ wallets(", None),
    (
        "a DateTime that does not parse",
        "query($since: DateTime) { portfolio { flows(since: $since) { incoming } } }",
        {"since": "yesterday"},
    ),
    (
        "a literal DateTime without offset",
        '{ portfolio { flows(since: "2024-01-01T00:00:00") { incoming } } }',
        None,
    ),
    ("an Int out of range", "query($n: Int) { wallets(first: $n) { totalCount } }", {"n": 2**40}),
]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_client_mistakes_are_readable_and_logged_at_info_without_a_traceback(
    graphql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for what, query, variables in CLIENT_MISTAKES:
        body = graphql.execute(query, variables)
        assert body.get("errors"), what
        for error in body["errors"]:
            assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", (what, error)

    errors = _logged_errors(caplog)
    assert errors == [], [record.getMessage() for record in errors]
    client_errors = [r for r in caplog.records if r.getMessage().startswith("client error")]
    assert len(client_errors) >= len(CLIENT_MISTAKES)
    assert all(record.exc_info is None for record in client_errors)


@strawberry.type
class Query:
    @strawberry.field
    def broken(self) -> int:
        raise ValueError("a bug's detail the client must not read")

    @strawberry.field
    def refused(self) -> int:
        raise BadRequestError("`first` must not be negative (got -1).")


TINY_SCHEMA = LoggingSchema(query=Query, extensions=[MaskUnexpectedErrors])


def _logged_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


async def _tiny_errors(
    caplog: pytest.LogCaptureFixture, query: str
) -> tuple[list[GraphQLError], list[logging.LogRecord]]:
    """The errors TINY_SCHEMA answers `query` with, and the records it logged at ERROR."""
    caplog.set_level(logging.INFO)
    result = await TINY_SCHEMA.execute(query)
    assert result.errors is not None
    return result.errors, _logged_errors(caplog)


async def test_a_value_error_is_a_server_fault_masked_and_logged_once_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    [error], [logged] = await _tiny_errors(caplog, "{ broken }")

    assert error.message.startswith("Internal server error (request id")
    assert error.extensions is not None
    assert error.extensions["code"] == "INTERNAL_SERVER_ERROR"
    assert "a bug's detail" in logged.getMessage()
    assert logged.exc_info is not None
    assert logged.exc_info[0] is ValueError


async def test_our_bad_request_error_reaches_the_client_as_it_is(
    caplog: pytest.LogCaptureFixture,
) -> None:
    errors, logged = await _tiny_errors(caplog, "{ refused }")

    assert [error.message for error in errors] == ["`first` must not be negative (got -1)."]
    assert logged == []
