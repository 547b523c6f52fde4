"""Each distinct query text is parsed and validated once per process, not once per request."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

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


def _text_key(context: ExecutionContext) -> tuple[Hashable, ...]:
    return (context.query, *sorted(context.parse_options.items()))


class CachedDocuments(SchemaExtension):
    """Parses and validates a query text seen before from the cache, by text, parse options
    (the token limit), schema and validation rules; errors are cached as they were reported.

    A text that does not parse is not cached and is left to Strawberry, which parses it again
    and reports why, as it does without this cache. Strawberry's `ValidationCache` is not used:
    it hashes the whole document on every request (about 24 µs for a page of transactions)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            key = _text_key(context)
            document = PARSED_DOCUMENTS.get(key)
            if document is None:
                try:
                    document = parse(context.query, **context.parse_options)
                except GraphQLError:
                    document = None
                else:
                    PARSED_DOCUMENTS.put(key, document)
            context.graphql_document = document
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
