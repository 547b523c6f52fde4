"""Relay `PageInfo`, shared by every connection, and optional arguments and input fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import strawberry

ValueT = TypeVar("ValueT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of_edges(
        cls, cursors: Sequence[str], *, has_next_page: bool, has_previous_page: bool = False
    ) -> PageInfo:
        """The page info of a page whose edges carry `cursors`, in order."""
        return cls(
            has_next_page=has_next_page,
            has_previous_page=has_previous_page,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


def optional_input(description: str) -> Any:
    """An optional input field that may be left out (read it with `given`)."""
    return strawberry.field(default=strawberry.UNSET, description=description)


def given(value: ValueT | None) -> ValueT | None:
    """An optional argument's value, with `UNSET` (argument absent) read as None."""
    return None if value is strawberry.UNSET else value
