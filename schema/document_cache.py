"""Each distinct query text is parsed and validated once per process, not once per request."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

# Bounded, as Strawberry's own caches are: unique query texts from a client cannot grow
# memory without limit (the token limit bounds each document).
MAX_CACHED_DOCUMENTS = 128

Value = TypeVar("Value")


class LeastRecentlyUsed(Generic[Value]):
    """A dict that forgets its least recently used entry beyond `max_size`."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()

    def get(self, key: Hashable) -> Value | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Value) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_size:
            self._entries.popitem(last=False)


PARSED_DOCUMENTS: LeastRecentlyUsed[DocumentNode] = LeastRecentlyUsed(MAX_CACHED_DOCUMENTS)
VALIDATION_ERRORS: LeastRecentlyUsed[tuple[GraphQLError, ...]] = LeastRecentlyUsed(
    MAX_CACHED_DOCUMENTS
)


def document_key(query: str, parse_options: Mapping[str, object]) -> tuple[Hashable, ...]:
    """The key of a query text's document: the text and the options it is parsed with."""
    return (query, *sorted(parse_options.items()))


def cached_parse(query: str, parse_options: Mapping[str, Any]) -> DocumentNode:
    """The document of a query text, parsed once per process; raises GraphQLError (and caches
    nothing) for a text that does not parse."""
    key = document_key(query, parse_options)
    document = PARSED_DOCUMENTS.get(key)
    if document is None:
        document = parse(query, **parse_options)
        PARSED_DOCUMENTS.put(key, document)
    return document


def _text_key(context: ExecutionContext) -> tuple[Hashable, ...]:
    assert context.query is not None
    return document_key(context.query, context.parse_options)


class CachedDocuments(SchemaExtension):
    """Parses and validates a query text seen before from the cache, by text, parse options
    (the token limit), schema and validation rules; errors are cached as they were reported.

    A text that does not parse is not cached and is left to Strawberry, which parses it again
    and reports why, as it does without this cache. Strawberry's `ValidationCache` is not used:
    it hashes the whole document on every request (about 24 µs for a page of transactions)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            try:
                context.graphql_document = cached_parse(context.query, context.parse_options)
            except GraphQLError:
                context.graphql_document = None
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.query is not None and document is not None:
            schema = context.schema._schema
            key = (schema, context.validation_rules, *_text_key(context))
            errors = VALIDATION_ERRORS.get(key)
            if errors is None:
                errors = tuple(validate_document(schema, document, context.validation_rules))
                VALIDATION_ERRORS.put(key, errors)
            # A list of its own: Strawberry and the extensions after it may change the list.
            context.pre_execution_errors = list(errors)
        yield
