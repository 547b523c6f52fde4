"""Limits every operation must pass, and masking of unexpected server errors."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from schema.masking import MaskUnexpectedErrors

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2_000


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
