"""Limits every operation must pass, and masking of unexpected server errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from schema.document_cache import CachedDocuments
from schema.masking import MaskUnexpectedErrors

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2_000
# The options Strawberry parses every operation with once MaxTokensLimiter has run (the HTTP
# view parses with them too, so that both find one cached document).
SCHEMA_PARSE_OPTIONS: Mapping[str, Any] = MappingProxyType({"max_tokens": MAX_TOKENS})

# The limiters' rule classes, made once: each limiter instance makes a class of its own, and
# a validation cache keyed by the rules would then never hit (strawberry issue #4635).
LIMIT_RULES = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
)


class OperationLimits(AddValidationRules):
    """The depth and alias limits, as the same rule classes for every operation."""

    def __init__(self) -> None:
        super().__init__(list(LIMIT_RULES))


def protection_extensions(
    *, introspection: bool
) -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """Factories, not instances: an instance would be shared by concurrent requests."""
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        OperationLimits,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        MaskUnexpectedErrors,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    extensions.append(CachedDocuments)
    return extensions
