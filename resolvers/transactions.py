"""Reads of a wallet's transactions: keyset pages, counts, the chain tip for confirmations."""

from __future__ import annotations

import enum
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import BindParameter, Select, bindparam, func, select, tuple_

from db.amounts import amount_sign_of
from db.models import Chain, ChainTip, Transaction
from db.session import SessionFactory, engine_of
from resolvers.pagination import (
    CursorCodec,
    KeysetStatements,
    Page,
    PageRequest,
    fetch_prepared_page,
    keyset_statements,
)


class Direction(enum.Enum):
    RECEIVED = "RECEIVED"
    SENT = "SENT"
    SELF = "SELF"


def direction_of(amount_sat: int) -> Direction:
    if amount_sat > 0:
        return Direction.RECEIVED
    if amount_sat < 0:
        return Direction.SENT
    return Direction.SELF


@dataclass(frozen=True)
class TransactionFilter:
    direction: Direction | None = None
    since: datetime | None = None
    until: datetime | None = None
    confirmed: bool | None = None
    # The wallet's chain has amounts past 64 bits (wei): directions are read with `amount_sign`.
    big_amounts: bool = False


DIRECTION_SIGNS = {Direction.RECEIVED: 1, Direction.SENT: -1, Direction.SELF: 0}


class TransactionFields(Protocol):
    """What a transaction's API object is made from: an ORM row, or a row of `PAGE_COLUMNS`."""

    @property
    def id(self) -> int: ...
    @property
    def txid(self) -> str: ...
    @property
    def block_height(self) -> int | None: ...
    @property
    def sort_key(self) -> int: ...
    @property
    def tx_time(self) -> datetime | None: ...
    @property
    def amount_sat(self) -> int: ...
    @property
    def fee(self) -> int | None: ...
    @property
    def failed(self) -> bool: ...


# A page's columns: plain rows, without the ORM's objects (a page has up to 500 of them).
PAGE_COLUMNS = (
    Transaction.id,
    Transaction.txid,
    Transaction.block_height,
    Transaction.sort_key,
    Transaction.tx_time,
    Transaction.amount_sat,
    Transaction.fee,
    Transaction.failed,
)
TIP_COLUMN = "tip_height"


def transaction_cursors(wallet_id: int) -> CursorCodec:
    return CursorCodec(kind="tx", scope=wallet_id, key_length=2)


def cursor_key(transaction: TransactionFields) -> tuple[int, int]:
    return (transaction.sort_key, transaction.id)


def _filtered(
    address_id: int | BindParameter[int], transaction_filter: TransactionFilter
) -> Select[Transaction]:
    statement = select(Transaction).where(Transaction.address_id == address_id)
    if transaction_filter.direction is not None:
        sign = amount_sign_of(Transaction.amount_sat, big_amounts=transaction_filter.big_amounts)
        statement = statement.where(sign == DIRECTION_SIGNS[transaction_filter.direction])
    if transaction_filter.since is not None:
        statement = statement.where(Transaction.tx_time >= transaction_filter.since)
    if transaction_filter.until is not None:
        statement = statement.where(Transaction.tx_time < transaction_filter.until)
    if transaction_filter.confirmed is True:
        statement = statement.where(Transaction.block_height.is_not(None))
    elif transaction_filter.confirmed is False:
        statement = statement.where(Transaction.block_height.is_(None))
    return statement


async def page_with_tip(
    sessions: SessionFactory,
    *,
    address_id: int,
    chain: Chain,
    request: PageRequest,
    transaction_filter: TransactionFilter,
) -> tuple[Page[TransactionFields], int | None]:
    """A page and the chain's tip height (for confirmations) in one statement: the tip and
    whether anything lies before the cursor ride on every row of the page (an empty page
    needs no tip, and asks about the cursor apart)."""
    statements = _page_statements(
        _FilterShape.of(transaction_filter),
        request.backward,
        request.after is not None,
        request.before is not None,
    )
    parameters = {"address_id": address_id, "tip_chain": chain}
    if transaction_filter.since is not None:
        parameters["since"] = transaction_filter.since
    if transaction_filter.until is not None:
        parameters["until"] = transaction_filter.until
    # Plain rows need no ORM session: a connection of the sessions' engine reads them.
    async with engine_of(sessions).connect() as connection:
        page: Page[Any] = await fetch_prepared_page(
            connection, statements, request=request, unpack_row=_same, parameters=parameters
        )
    return page, (getattr(page.rows[0], TIP_COLUMN) if page.rows else None)


KEY_COLUMNS = (Transaction.sort_key, Transaction.id)


@dataclass(frozen=True)
class _FilterShape:
    """What of a filter changes a page's statement; its times are bound parameters."""

    direction: Direction | None
    since: bool
    until: bool
    confirmed: bool | None
    big_amounts: bool

    @classmethod
    def of(cls, transaction_filter: TransactionFilter) -> _FilterShape:
        return cls(
            direction=transaction_filter.direction,
            since=transaction_filter.since is not None,
            until=transaction_filter.until is not None,
            confirmed=transaction_filter.confirmed,
            big_amounts=transaction_filter.big_amounts,
        )


# Building a page's statement (and SQLAlchemy's cache key of it) cost about a quarter of a
# millisecond a request (issue 15): each shape's is built once, its values bound at execution.
# Shapes: 4 directions x 2 x 2 x 3 confirmed x 2 x 2 page directions x 2 x 2 cursors.
@functools.lru_cache(maxsize=768)
def _page_statements(
    shape: _FilterShape, backward: bool, has_after: bool, has_before: bool
) -> KeysetStatements:
    since = bindparam("since", type_=Transaction.tx_time.type) if shape.since else None
    until = bindparam("until", type_=Transaction.tx_time.type) if shape.until else None
    # Bound parameters stand in the filter's times: `_filtered` only compares them with tx_time.
    transaction_filter = TransactionFilter(
        direction=shape.direction,
        since=cast("datetime | None", since),
        until=cast("datetime | None", until),
        confirmed=shape.confirmed,
        big_amounts=shape.big_amounts,
    )
    tip = (
        select(ChainTip.height)
        .where(ChainTip.chain == bindparam("tip_chain", type_=ChainTip.chain.type))
        .scalar_subquery()
        .correlate(None)
        .label(TIP_COLUMN)
    )
    address_id = bindparam("address_id", type_=Transaction.address_id.type)
    statement = _filtered(address_id, transaction_filter).with_only_columns(*PAGE_COLUMNS, tip)
    # Only which cursors a request has shapes the statements, not their keys or its size.
    shaped = PageRequest(
        limit=0,
        backward=backward,
        after=(0, 0) if has_after else None,
        before=(0, 0) if has_before else None,
    )
    return keyset_statements(
        statement, key_columns=KEY_COLUMNS, request=shaped, neighbour_in_rows=True
    )


def _same(row: Any) -> Any:
    return row


async def all_transactions(
    sessions: SessionFactory, *, address_id: int, chunk_size: int = 5_000
) -> AsyncIterator[list[Transaction]]:
    """Every transaction of the address in page order, a chunk at a time (keyset, one short
    read per chunk), so a whole history never sits in memory."""
    after: tuple[int, int] | None = None
    while True:
        statement = (
            select(Transaction)
            .where(Transaction.address_id == address_id)
            .order_by(Transaction.sort_key.desc(), Transaction.id.desc())
            .limit(chunk_size)
        )
        if after is not None:
            statement = statement.where(
                tuple_(Transaction.sort_key, Transaction.id) < tuple_(*after)
            )
        async with sessions() as session:
            chunk = list(await session.scalars(statement))
        if not chunk:
            return
        yield chunk
        if len(chunk) < chunk_size:
            return
        after = cursor_key(chunk[-1])


async def count_transactions(
    sessions: SessionFactory, *, address_id: int, transaction_filter: TransactionFilter
) -> int:
    statement = _filtered(address_id, transaction_filter).with_only_columns(func.count())
    async with sessions() as session:
        return await session.scalar(statement) or 0


async def get_transaction(
    sessions: SessionFactory, *, address_id: int, transaction_id: int
) -> Transaction | None:
    async with sessions() as session:
        return await session.scalar(
            select(Transaction).where(
                Transaction.id == transaction_id, Transaction.address_id == address_id
            )
        )


async def tip_height(sessions: SessionFactory, *, chain: Chain) -> int | None:
    async with sessions() as session:
        return await session.scalar(select(ChainTip.height).where(ChainTip.chain == chain))
