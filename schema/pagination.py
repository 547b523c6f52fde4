"""Relay `PageInfo`, shared by every connection."""

from __future__ import annotations

from typing import TypeVar

import strawberry

ValueT = TypeVar("ValueT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def given(value: ValueT | None) -> ValueT | None:
    """An optional argument's value, with `UNSET` (argument absent) read as None."""
    return None if value is strawberry.UNSET else value
