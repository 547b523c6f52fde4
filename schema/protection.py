"""Limits every operation must pass, and masking of unexpected server errors."""

from __future__ import annotations

from collections.abc import Callable

from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from logs import current_request_id
from resolvers.errors import BadRequestError

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2_000


def _is_unexpected(error: GraphQLError) -> bool:
    """Bugs and outages are masked; client mistakes (bad input, invalid queries) stay readable."""
    original = error.original_error
    # A GraphQLError as the cause is graphql-core's own verdict on the input (say, a variable
    # that is not a 32-bit Int): readable by design.
    return original is not None and not isinstance(
        original, BadRequestError | ValueError | GraphQLError
    )


class MaskUnexpectedErrors(MaskErrors):
    """Replaces an unexpected error with a message carrying the request id (logged in full)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = current_request_id() or "unknown"
        return GraphQLError(
            message=f"Internal server error (request id {request_id}); it has been logged.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


def protection_extensions(
    *, introspection: bool
) -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """Factories, not instances: an instance would be shared by concurrent requests."""
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        MaskUnexpectedErrors,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return extensions
