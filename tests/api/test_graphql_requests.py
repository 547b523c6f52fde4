"""The view's parse of a query: once per process, shared with the schema, errors as before."""

from __future__ import annotations

import asyncio

import pytest

from api.graphql_requests import (
    OperationNotDetermined,
    read_document,
    select_operation,
)
from schema import build_schema
from schema.document_cache import PARSED_DOCUMENTS, document_key
from schema.protection import MAX_TOKENS, SCHEMA_PARSE_OPTIONS

CHAINS = "query Chains { chains { name } }"


async def test_the_view_and_the_schema_parse_a_query_text_once_between_them() -> None:
    query = CHAINS + " # view and schema"
    document = await read_document(query)
    assert document is not None
    assert await read_document(query) is document
    result = build_schema().execute_sync(query)
    assert result.errors is None
    assert result.data is not None
    assert result.data["chains"][0] == {"name": "Bitcoin"}
    # The schema found the view's document under its own key, and kept it.
    assert PARSED_DOCUMENTS.get(document_key(query, SCHEMA_PARSE_OPTIONS)) is document


async def test_a_query_over_the_token_limit_still_has_its_operation_picked_by_the_view() -> None:
    query = "query Flood { viewer { account { " + "name " * MAX_TOKENS + "} } }"
    document = await read_document(query)
    assert document is not None
    assert select_operation(document, "Flood").name is not None
    with pytest.raises(OperationNotDetermined, match="Unknown operation named 'Other'"):
        select_operation(document, "Other")
    result = build_schema().execute_sync(query)
    assert result.errors is not None
    assert "tokens" in result.errors[0].message


async def test_text_that_does_not_parse_is_left_to_the_schema_to_report() -> None:
    assert await read_document("{ chains { name }") is None
    result = build_schema().execute_sync("{ chains { name }")
    assert result.errors is not None
    assert "Syntax Error" in result.errors[0].message


async def test_a_running_server_reads_an_over_limit_query_as_the_view_always_has() -> None:
    flood = "query Flood { viewer { account { " + "name " * MAX_TOKENS + "} } }"
    document = await read_document(flood)
    assert document is not None
    assert select_operation(document, "Flood").name is not None
    assert await read_document("{ chains { name }") is None
    assert await read_document(CHAINS) is await read_document(CHAINS)


async def test_others_are_served_while_a_query_of_ten_thousand_aliases_is_parsed() -> None:
    flood = "{ " + " ".join(f"a{n}: viewer {{ __typename }}" for n in range(10_000)) + " }"
    parsing = asyncio.ensure_future(read_document(flood))
    turns_for_others = 0
    while not parsing.done():
        await asyncio.sleep(0)
        turns_for_others += 1
    document = await parsing
    assert document is not None
    assert len(select_operation(document, None).selection_set.selections) == 10_000
    # Parsed on the event loop, the 10,000 aliases would have left no turn to anyone else.
    assert turns_for_others > 1
