"""Relay page arguments, opaque keyset cursors and the keyset page query behind every list."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from sqlalchemy import BindParameter, Integer, Select, bindparam, tuple_
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


@dataclass(frozen=True)
class KeysetStatements:
    """A keyset page's statement, and the one asking whether anything lies beyond its cursor
    (None when the request has no cursor to look beyond), both taking their cursor keys and
    size as bound parameters (`keyset_parameters`), so one pair serves every request of the
    same shape."""

    page: AnySelect
    beyond: AnySelect | None
    neighbour_in_rows: bool


def keyset_statements(
    statement: AnySelect,
    *,
    key_columns: Sequence[InstrumentedAttribute[int]],
    request: PageRequest,
    neighbour_in_rows: bool = False,
) -> KeysetStatements:
    """The statements of `fetch_keyset_page` for requests of this one's shape (direction, and
    which cursors it has); they depend on nothing else of the request."""
    key = tuple_(*key_columns)
    after = tuple_(*_key_parameters("after", key_columns))
    before = tuple_(*_key_parameters("before", key_columns))
    bounded = statement
    # The list runs from high keys to low: `after` a cursor means lower keys.
    if request.after is not None:
        bounded = bounded.where(key < after)
    if request.before is not None:
        bounded = bounded.where(key > before)
    if request.backward:
        ordered = bounded.order_by(*(column.asc() for column in key_columns))
        beyond = statement.where(key <= before) if request.before is not None else None
    else:
        ordered = bounded.order_by(*(column.desc() for column in key_columns))
        beyond = statement.where(key >= after) if request.after is not None else None
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
    return KeysetStatements(
        page=ordered.limit(bindparam(PAGE_LIMIT, type_=Integer)),
        beyond=beyond.limit(1) if beyond is not None else None,
        neighbour_in_rows=in_rows,
    )


def _key_parameters(
    side: str, key_columns: Sequence[InstrumentedAttribute[int]]
) -> list[BindParameter[int]]:
    return [
        bindparam(f"{side}_key_{index}", type_=column.type)
        for index, column in enumerate(key_columns)
    ]


def keyset_parameters(request: PageRequest) -> dict[str, Any]:
    """The values `keyset_statements`' parameters take for `request`."""
    parameters: dict[str, Any] = {PAGE_LIMIT: request.limit + 1}
    for side, key in (("after", request.after), ("before", request.before)):
        for index, part in enumerate(key or ()):
            parameters[f"{side}_key_{index}"] = part
    return parameters


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
    statements = keyset_statements(
        statement, key_columns=key_columns, request=request, neighbour_in_rows=neighbour_in_rows
    )
    return await fetch_prepared_page(
        session, statements, request=request, unpack_row=unpack_row, parameters={}
    )


async def fetch_prepared_page(
    session: AsyncSession | AsyncConnection,
    statements: KeysetStatements,
    *,
    request: PageRequest,
    unpack_row: Callable[[Any], RowT],
    parameters: dict[str, Any],
) -> Page[RowT]:
    """`fetch_keyset_page` with statements built beforehand (`keyset_statements` for a
    request of this shape); `parameters` are the values of the statements' own bound
    parameters."""
    values = {**parameters, **keyset_parameters(request)}
    result = await session.execute(statements.page, values)
    raw = list(result)
    rows = [unpack_row(row) for row in raw]
    has_more = len(rows) > request.limit
    rows = rows[: request.limit]
    if statements.beyond is None:
        neighbour = False
    elif statements.neighbour_in_rows and raw:
        neighbour = bool(raw[0][-1])
    else:
        neighbour = (await session.execute(statements.beyond, values)).first() is not None
    if request.backward:
        rows.reverse()
        return Page(rows=rows, has_next_page=neighbour, has_previous_page=has_more)
    return Page(rows=rows, has_next_page=has_more, has_previous_page=neighbour)


# The name of the page's size (plus one, to know whether more follow) among its parameters.
PAGE_LIMIT = "page_limit"
# The label of the EXISTS column `neighbour_in_rows` adds to each row.
NEIGHBOUR_COLUMN = "beyond_cursor"
