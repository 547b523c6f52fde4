"""The `account` module's common parameters, and paging by page x offset within the window."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

ADDRESS_PATTERN = re.compile(r"^0x[0-9a-fA-F]{40}$")
HASH_PATTERN = re.compile(r"^0x[0-9a-fA-F]{64}$")
LAST_BLOCK = 2**63 - 1
Sort = Literal["asc", "desc"]
T = TypeVar("T")


class QueryError(ValueError):
    """A parameter the explorer refuses; the message is the one it sends."""


@dataclass(frozen=True, slots=True)
class Paging:
    start_block: int
    end_block: int
    page: int
    # None: as many as the window allows.
    offset: int | None
    sort: Sort


def parse_address(text: str | None) -> str | None:
    """Lower-cased; None when the text is no address. Case is not checked against EIP-55."""
    if text is None or not ADDRESS_PATTERN.match(text):
        return None
    return text.lower()


def _number(params: Mapping[str, str], name: str, default: int) -> int:
    text = params.get(name, "")
    if text == "":
        return default
    if not text.isdigit():
        raise QueryError(f"Error! Invalid {name}")
    return int(text)


def parse_paging(params: Mapping[str, str], *, default_sort: Sort) -> Paging:
    sort = params.get("sort") or default_sort
    if sort not in ("asc", "desc"):
        raise QueryError("Error! Invalid sort")
    offset_text = params.get("offset", "")
    return Paging(
        start_block=_number(params, "startblock", 0),
        end_block=_number(params, "endblock", LAST_BLOCK),
        page=max(_number(params, "page", 1), 1),
        offset=None if offset_text in ("", "0") else _number(params, "offset", 0),
        sort="asc" if sort == "asc" else "desc",
    )


def page_of(
    rows: Sequence[T], paging: Paging, *, window: int, max_records: int | None = None
) -> list[T] | None:
    """The requested page of rows given oldest first; None when page x offset exceeds the
    window. Without `offset` a call gets the first `window` rows."""
    offset = paging.offset if paging.offset is not None else window
    if paging.page * offset > window:
        return None
    ordered = rows if paging.sort == "asc" else rows[::-1]
    page = list(ordered[(paging.page - 1) * offset : paging.page * offset])
    return page if max_records is None else page[:max_records]


def parse_block_time(params: Mapping[str, str]) -> tuple[int, str]:
    """`getblocknobytime`'s `timestamp` (Unix seconds) and `closest` (`before` or `after`)."""
    text = params.get("timestamp", "")
    if not text.isdigit():
        raise QueryError("Error! Invalid timestamp")
    closest = params.get("closest", "before")
    if closest not in ("before", "after"):
        raise QueryError("Error! Invalid closest")
    return int(text), closest
