"""A query sent again is parsed and validated once, and answered exactly as the first time."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError, ValidationContext, ValidationRule
from strawberry.extensions import AddValidationRules

from schema import build_schema
from schema.document_cache import CachedDocuments
from schema.protection import MAX_DEPTH

validated_documents: list[str] = []


class RecordValidation(ValidationRule):
    def __init__(self, context: ValidationContext) -> None:
        validated_documents.append(context.document.loc.source.body if context.document.loc else "")
        super().__init__(context)


@strawberry.type
class Query:
    @strawberry.field
    def greeting(self, name: str) -> str:
        return f"hello {name}"


def counting_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[lambda: AddValidationRules([RecordValidation]), CachedDocuments],
    )


def test_a_repeated_query_is_validated_once_and_answered_each_time() -> None:
    schema = counting_schema()
    validated_documents.clear()
    first = '{ greeting(name: "ada") }'
    answers = [schema.execute_sync(first) for _ in range(3)]
    assert [answer.data for answer in answers] == [{"greeting": "hello ada"}] * 3
    assert validated_documents == [first]

    other = '{ greeting(name: "bob") }'
    assert schema.execute_sync(other).data == {"greeting": "hello bob"}
    assert validated_documents == [first, other]


def test_a_repeated_invalid_query_gets_the_same_errors_each_time() -> None:
    schema = counting_schema()
    validated_documents.clear()
    results = [schema.execute_sync("{ greeting }") for _ in range(2)]
    assert len(validated_documents) == 1
    messages = [[error.formatted for error in result.errors or []] for result in results]
    assert messages[0] == messages[1]
    assert "is required, but it was not provided" in messages[0][0]["message"]


def test_text_that_does_not_parse_is_answered_with_the_syntax_error_each_time() -> None:
    schema = counting_schema()
    for _ in range(2):
        result = schema.execute_sync("{ greeting(name: ")
        [error] = result.errors or []
        assert isinstance(error, GraphQLError)
        assert error.message.startswith("Syntax Error")


def nested_query(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"transactions(first: 1) {{ edges {{ node {{ wallet {{ {inner} }} }} }} }}"
    return f'{{ wallet(address: "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h") {{ {inner} }} }}'


def test_the_depth_limit_holds_for_a_query_sent_again() -> None:
    schema = build_schema()
    for _ in range(2):
        result = schema.execute_sync(nested_query(MAX_DEPTH))
        messages = [error.message for error in result.errors or []]
        assert any("exceeds maximum operation depth" in message for message in messages)


def test_a_schema_without_introspection_refuses_it_though_another_schema_allowed_it() -> None:
    query = "{ __schema { queryType { name } } }"
    open_schema, closed_schema = build_schema(introspection=True), build_schema(introspection=False)
    assert open_schema.execute_sync(query).errors is None
    refused = closed_schema.execute_sync(query).errors or []
    assert any("introspection" in error.message.lower() for error in refused)
