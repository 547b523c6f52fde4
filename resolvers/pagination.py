"""Relay page arguments, opaque keyset cursors and the keyset page query behind every list."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from resolvers.errors import BadRequestError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
CURSOR_MAX_LENGTH = 200

RowT = TypeVar("RowT")
CursorKey = tuple[int, ...]
AnySelect: TypeAlias = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a newest-first list to read; keys are positions, not offsets."""

    limit: int
    backward: bool
    after: CursorKey | None
    before: CursorKey | None


@dataclass(frozen=True)
class CursorCodec:
    """Cursors of one list (`kind`) owned by one parent (`scope`, e.g. a wallet)."""

    kind: str
    scope: int
    key_length: int

    def encode(self, key: CursorKey) -> str:
        plain = ":".join([self.kind, str(self.scope), *(str(part) for part in key)])
        return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")

    def prefix(self) -> str:
        """What every cursor's plain text starts with; `opaque_key(prefix + leading keys,
        last key)` is `encode(key)`."""
        return f"{self.kind}:{self.scope}:"

    def decode(self, cursor: str, *, argument: str) -> CursorKey:
        parts = _cursor_parts(cursor)
        if parts is None or len(parts) < 3:
            raise BadRequestError(f"Invalid cursor in `{argument}`: not a cursor of this API.")
        kind, scope, *key_parts = parts
        if kind != self.kind or scope != str(self.scope):
            raise BadRequestError(
                f"Invalid cursor in `{argument}`: it belongs to another list; "
                "use cursors from this connection only."
            )
        if len(key_parts) != self.key_length:
            raise BadRequestError(f"Invalid cursor in `{argument}`: not a cursor of this API.")
        try:
            return tuple(int(part) for part in key_parts)
        except ValueError:
            raise BadRequestError(
                f"Invalid cursor in `{argument}`: not a cursor of this API."
            ) from None


def _cursor_parts(cursor: str) -> list[str] | None:
    if not cursor or len(cursor) > CURSOR_MAX_LENGTH or not cursor.isascii():
        return None
    try:
        plain = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return plain.split(":")


def _check_size(value: int | None, argument: str) -> None:
    if value is None:
        return
    if value < 0:
        raise BadRequestError(f"`{argument}` must not be negative (got {value}).")
    if value > MAX_PAGE_SIZE:
        raise BadRequestError(
            f"`{argument}` is {value}, above the maximum page size of {MAX_PAGE_SIZE}; "
            "page through the list with cursors instead."
        )


def page_request(
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    codec: CursorCodec,
) -> PageRequest:
    _check_size(first, "first")
    _check_size(last, "last")
    if first is not None and last is not None:
        raise BadRequestError(
            "Pass either `first` (with `after`) or `last` (with `before`), not both."
        )
    after_key = codec.decode(after, argument="after") if after is not None else None
    before_key = codec.decode(before, argument="before") if before is not None else None
    backward = last is not None or (first is None and before is not None and after is None)
    size = last if backward else first
    return PageRequest(
        limit=DEFAULT_PAGE_SIZE if size is None else size,
        backward=backward,
        after=after_key,
        before=before_key,
    )


@dataclass(frozen=True)
class Page(Generic[RowT]):
    rows: list[RowT]
    has_next_page: bool
    has_previous_page: bool


async def fetch_keyset_page(
    session: AsyncSession | AsyncConnection,
    statement: AnySelect,
    *,
    key_columns: Sequence[InstrumentedAttribute[int]],
    request: PageRequest,
    unpack_row: Callable[[Any], RowT],
    neighbour_in_rows: bool = False,
) -> Page[RowT]:
    """One page of a list ordered newest first by `key_columns` (descending, unique).

    With `neighbour_in_rows` whether anything lies beyond the cursor the page starts from
    (`hasPreviousPage` going forward, `hasNextPage` going back) is read in the page's own
    statement, as a last column of every row (an uncorrelated EXISTS: computed once by the
    database), and asked apart only when the page is empty."""
    key = tuple_(*key_columns)
    bounded = statement
    # The list runs from high keys to low: `after` a cursor means lower keys.
    if request.after is not None:
        bounded = bounded.where(key < tuple_(*request.after))
    if request.before is not None:
        bounded = bounded.where(key > tuple_(*request.before))
    if request.backward:
        ordered = bounded.order_by(*(column.asc() for column in key_columns))
        beyond = (
            statement.where(key <= tuple_(*request.before)) if request.before is not None else None
        )
    else:
        ordered = bounded.order_by(*(column.desc() for column in key_columns))
        beyond = (
            statement.where(key >= tuple_(*request.after)) if request.after is not None else None
        )
    in_rows = False
    if neighbour_in_rows and beyond is not None:
        in_rows = True
        ordered = ordered.add_columns(
            beyond.with_only_columns(*key_columns)
            .limit(1)
            .correlate(None)
            .exists()
            .label(NEIGHBOUR_COLUMN)
        )
    result = await session.execute(ordered.limit(request.limit + 1))
    raw = list(result)
    rows = [unpack_row(row) for row in raw]
    has_more = len(rows) > request.limit
    rows = rows[: request.limit]
    if beyond is None:
        neighbour = False
    elif in_rows and raw:
        neighbour = bool(raw[0][-1])
    else:
        neighbour = await _exists(session, beyond)
    if request.backward:
        rows.reverse()
        return Page(rows=rows, has_next_page=neighbour, has_previous_page=has_more)
    return Page(rows=rows, has_next_page=has_more, has_previous_page=neighbour)


# The label of the EXISTS column `neighbour_in_rows` adds to each row.
NEIGHBOUR_COLUMN = "beyond_cursor"


async def _exists(session: AsyncSession | AsyncConnection, statement: AnySelect) -> bool:
    return (await session.execute(statement.limit(1))).first() is not None
