"""An address's stored transaction history as a sync writes it: pages upserted, rows no longer
listed deleted, the finished summary; and the reads that check those writes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    case,
    cast,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.amounts import Amount, amount_sum
from db.models import (
    BIG_AMOUNT_CHAINS,
    Chain,
    ChainTip,
    JobStatus,
    SyncJob,
    SyncStatus,
    TrackedAddress,
    Transaction,
    sort_key_for,
    utc_now,
)
from db.session import SessionFactory
from db.txid_filter import txid_among
from db.types import UTCDateTime
from db.upsert import dialect_insert
from workers import first_sync_pages, page_append
from workers.first_sync_pages import BalanceCarry
from workers.job_claims import ClaimedJob, renew_claim
from workers.providers.base import AddressSummary, ProviderTransaction
from workers.running_balances import mark_balances_stale, refresh_running_balances
from workers.webhooks import outbox

WrittenT = TypeVar("WrittenT")

UPSERT_CHUNK_ROWS = 2_000
# What one page upsert writes, in the order `_unnested_page` selects it.
PAGE_COLUMNS = (
    "address_id",
    "txid",
    "block_height",
    "sort_key",
    "tx_time",
    "amount_sat",
    "fee",
    "failed",
    "sync_pass",
)


@dataclass(frozen=True)
class StoredTotals:
    transaction_count: int
    confirmed_transaction_count: int
    balance_sat: int
    confirmed_balance_sat: int


async def save_page(
    sessions: SessionFactory,
    job: ClaimedJob,
    transactions: Sequence[ProviderTransaction],
    *,
    sync_pass: int,
    provider: str,
    fetched_transactions: int,
    expected_transactions: int | None,
    resume_cursor: str | None,
    progress: float | None = None,
    oldest_first: bool = False,
) -> SyncJob:
    """One page in one database transaction: rows, progress and the resume point together.

    `progress` (0.0 to 1.0) is for syncs that cannot know their transaction count.
    `oldest_first`: the caller writes its pages in time order (an Ethereum pass), so a page
    that only adds rows after the stored ones is written with its running balances, and
    leaves none to recompute (on SQLite; see `page_append`)."""
    save = partial(
        _save_page_once,
        sessions,
        job,
        transactions,
        sync_pass=sync_pass,
        provider=provider,
        fetched_transactions=fetched_transactions,
        expected_transactions=expected_transactions,
        resume_cursor=resume_cursor,
        progress=progress,
    )
    if oldest_first:
        try:
            return await save(appending=True)
        except IntegrityError:
            # A row of the page is stored already (an incremental pass, a reorg): nothing of
            # the attempt stays; the page is upserted the general way instead.
            pass
    return await save(appending=False)


async def save_first_sync_page(
    sessions: SessionFactory,
    job: ClaimedJob,
    transactions: Sequence[ProviderTransaction],
    *,
    sync_pass: int,
    provider: str,
    fetched_transactions: int,
    expected_transactions: int | None,
    carry: BalanceCarry,
    last_page: bool,
    resume_cursor: Callable[[BalanceCarry], str | None],
) -> tuple[SyncJob, BalanceCarry]:
    """One page of a first full pass, newest first (nothing was stored for the address when
    the pass began), written with its running balances (`first_sync_pages`); the carry after
    it, which `resume_cursor` makes part of the resume point written with the page.

    A page that meets a stored row (the explorer's pages shifted) is upserted the general way
    instead, and the pass's balances are then recomputed at its finish."""
    first_seen = utc_now()

    async def write(session: AsyncSession) -> BalanceCarry:
        connection = await session.connection()
        return await first_sync_pages.write_page(
            connection,
            job.address_id,
            transactions,
            sync_pass=sync_pass,
            carry=carry,
            first_seen=first_seen,
            last_page=last_page,
        )

    save = partial(
        _save_with,
        sessions,
        job,
        transactions,
        provider=provider,
        fetched_transactions=fetched_transactions,
        expected_transactions=expected_transactions,
        progress=None,
        resume_cursor=resume_cursor,
    )
    try:
        return await save(write=write)
    except first_sync_pages.PageOverlapsStoredRows:
        pass
    inexact = replace(carry, exact=False, started=True)

    async def upsert(session: AsyncSession) -> BalanceCarry:
        await _upsert(session, job.address_id, transactions, sync_pass=sync_pass)
        return inexact

    return await save(write=upsert)


async def _save_page_once(
    sessions: SessionFactory,
    job: ClaimedJob,
    transactions: Sequence[ProviderTransaction],
    *,
    sync_pass: int,
    provider: str,
    fetched_transactions: int,
    expected_transactions: int | None,
    resume_cursor: str | None,
    progress: float | None,
    appending: bool,
) -> SyncJob:
    async def write(session: AsyncSession) -> None:
        appended = appending and await page_append.append_with_balances(
            await session.connection(), job.address_id, transactions, sync_pass=sync_pass
        )
        if not appended:
            await _upsert(session, job.address_id, transactions, sync_pass=sync_pass)

    row, _ = await _save_with(
        sessions,
        job,
        transactions,
        provider=provider,
        fetched_transactions=fetched_transactions,
        expected_transactions=expected_transactions,
        progress=progress,
        write=write,
        resume_cursor=lambda _: resume_cursor,
    )
    return row


async def _save_with(
    sessions: SessionFactory,
    job: ClaimedJob,
    transactions: Sequence[ProviderTransaction],
    *,
    provider: str,
    fetched_transactions: int,
    expected_transactions: int | None,
    progress: float | None,
    write: Callable[[AsyncSession], Awaitable[WrittenT]],
    resume_cursor: Callable[[WrittenT], str | None],
) -> tuple[SyncJob, WrittenT]:
    """The page's rows (by `write`), the job's progress, the webhook events and the resume
    point (from what `write` returned) in one database transaction."""
    async with sessions.begin() as session:
        row = await renew_claim(
            session,
            job,
            fetched_transactions=fetched_transactions,
            expected_transactions=expected_transactions,
            provider=provider,
            progress=progress,
        )
        events = await outbox.PageEvents.before(
            session, address_id=job.address_id, chain=job.chain, transactions=transactions
        )
        written = await write(session)
        if events is not None:
            await events.after(session, address_id=job.address_id, transactions=transactions)
        await session.execute(
            update(TrackedAddress)
            .where(TrackedAddress.id == job.address_id)
            .values(sync_resume_cursor=resume_cursor(written))
        )
    return row, written


async def _upsert(
    session: AsyncSession,
    address_id: int,
    transactions: Sequence[ProviderTransaction],
    *,
    sync_pass: int,
) -> None:
    if not transactions:
        return
    first_seen = utc_now()
    connection = await session.connection()
    # Running balances go stale from the earliest time this page touches: its rows' new
    # times, and the old times of the rows it re-writes (a reorg can move one either way).
    page_times = [tx.time for tx in transactions if tx.time is not None]
    page_first = min(page_times, default=None)
    old_first = await connection.scalar(
        _first_rewritten_time(transactions, address_id, page_first, connection.dialect.name)
    )
    await mark_balances_stale(
        connection,
        address_id,
        min([*page_times, *([old_first] if old_first else [])], default=first_seen),
    )
    times = [
        tx.time if tx.time is not None or tx.block_height is not None else first_seen
        for tx in transactions
    ]
    # One statement cannot update a row twice; row by row, a txid listed twice ends as listed last.
    unique_txids = len({tx.txid for tx in transactions}) == len(transactions)
    if connection.dialect.name == "postgresql" and unique_txids:
        await connection.execute(
            _page_upsert(session, _unnested_page()),
            {
                "address_id": address_id,
                "sync_pass": sync_pass,
                "txids": [tx.txid for tx in transactions],
                "block_heights": [tx.block_height for tx in transactions],
                "sort_keys": [sort_key_for(tx.block_height) for tx in transactions],
                "tx_times": times,
                "amounts": [str(tx.amount_sat) for tx in transactions],
                "fees": [None if tx.fee is None else str(tx.fee) for tx in transactions],
                "failed": [tx.failed for tx in transactions],
            },
        )
        return
    upsert = _page_upsert(session, None)
    for start in range(0, len(transactions), UPSERT_CHUNK_ROWS):
        rows = [
            {
                "address_id": address_id,
                "txid": tx.txid,
                "block_height": tx.block_height,
                "sort_key": sort_key_for(tx.block_height),
                "tx_time": tx_time,
                "amount_sat": tx.amount_sat,
                "fee": tx.fee,
                "failed": tx.failed,
                "sync_pass": sync_pass,
            }
            for tx, tx_time in zip(
                transactions[start : start + UPSERT_CHUNK_ROWS],
                times[start : start + UPSERT_CHUNK_ROWS],
                strict=True,
            )
        ]
        await connection.execute(upsert, rows)


def _page_upsert(session: AsyncSession, page: Select[Any] | None) -> Any:
    """The upsert of a page's rows: from `page` (one statement), or run per row when None."""
    table = Transaction.__table__
    insert = dialect_insert(session, table)  # type: ignore[arg-type]
    if page is not None:
        insert = insert.from_select(list(PAGE_COLUMNS), page)
    excluded = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=["address_id", "txid"],
        set_={
            "block_height": excluded.block_height,
            "sort_key": excluded.sort_key,
            # An unconfirmed transaction keeps the time we first saw it.
            "tx_time": case(
                (excluded.block_height.is_(None), func.coalesce(table.c.tx_time, excluded.tx_time)),
                else_=excluded.tx_time,
            ),
            "amount_sat": excluded.amount_sat,
            "fee": excluded.fee,
            "failed": excluded.failed,
            "sync_pass": excluded.sync_pass,
            "balance_after_sat": None,
        },
    )


def _unnested_page() -> Select[Any]:
    """A page's rows from one array parameter per column, for PostgreSQL.

    One statement per page instead of one execution per row took the page writes of a
    156k-row sync from about 8 to about 4.5 s of PostgreSQL's CPU. Amounts travel as decimal
    text (exact at any size; cheaper to encode than a Decimal for NUMERIC). The rows come out
    of `unnest` in page order, so new rows get their ids in page order, as one by one."""
    page = func.unnest(
        bindparam("txids", type_=ARRAY(String)),
        bindparam("block_heights", type_=ARRAY(Integer)),
        bindparam("sort_keys", type_=ARRAY(BigInteger)),
        bindparam("tx_times", type_=ARRAY(UTCDateTime())),
        bindparam("amounts", type_=ARRAY(Text)),
        bindparam("fees", type_=ARRAY(Text)),
        bindparam("failed", type_=ARRAY(Boolean)),
    ).table_valued(
        "txid", "block_height", "sort_key", "tx_time", "amount", "fee", "failed", name="page_rows"
    )
    page = page.render_derived()
    return select(
        bindparam("address_id", type_=BigInteger),
        page.c.txid,
        page.c.block_height,
        page.c.sort_key,
        page.c.tx_time,
        cast(page.c.amount, Amount()),
        cast(page.c.fee, Amount()),
        page.c.failed,
        bindparam("sync_pass", type_=BigInteger),
    )


def _first_rewritten_time(
    transactions: Sequence[ProviderTransaction],
    address_id: int,
    page_first: datetime | None,
    dialect: str,
) -> Select[datetime | None]:
    """The earliest stored time of the page's rows already stored, where it is before the
    page's own earliest time (later ones change nothing). A full sync reads newest first, so
    nothing is stored before its page yet: the time index answers at once, instead of a
    look-up of every txid of the page."""
    statement = select(func.min(Transaction.tx_time)).where(
        Transaction.address_id == address_id,
        txid_among([tx.txid for tx in transactions], dialect),
    )
    if page_first is not None:
        statement = statement.where(Transaction.tx_time < page_first)
    return statement


async def known_heights(
    sessions: SessionFactory, *, address_id: int, txids: Iterable[str]
) -> dict[str, int | None]:
    """Stored block heights (None: unconfirmed) of those of `txids` already stored."""
    txid_list = list(txids)
    if not txid_list:
        return {}
    async with sessions() as session:
        rows = await session.execute(
            select(Transaction.txid, Transaction.block_height).where(
                Transaction.address_id == address_id,
                txid_among(txid_list, session.get_bind().dialect.name),
            )
        )
        return {txid: height for txid, height in rows}


async def delete_unseen(
    sessions: SessionFactory,
    job: ClaimedJob,
    *,
    sync_pass: int,
    above_height: int | None,
    keeping_prefixes: tuple[str, ...] = (),
) -> int:
    """Deletes rows this pass did not see: all of them, or only those above `above_height`,
    except rows whose txid starts with one of `keeping_prefixes` (what the provider of this
    pass cannot list, such as Ethereum withdrawals on Blockscout).

    Dropped mempool transactions and transactions of reorganised-away blocks go this way.
    """
    async with sessions.begin() as session:
        await renew_claim(session, job)
        statement = delete(Transaction).where(
            Transaction.address_id == job.address_id,
            or_(Transaction.sync_pass.is_(None), Transaction.sync_pass != sync_pass),
        )
        if above_height is not None:
            statement = statement.where(Transaction.sort_key > above_height)
        for prefix in keeping_prefixes:
            statement = statement.where(Transaction.txid.not_like(f"{prefix}%"))
        first_doomed = await session.scalar(
            select(func.min(Transaction.tx_time)).where(statement.whereclause)  # type: ignore[arg-type]
        )
        if first_doomed is not None:
            await mark_balances_stale(await session.connection(), job.address_id, first_doomed)
            await outbox.record_dropped(
                session,
                address_id=job.address_id,
                doomed=select(Transaction).where(statement.whereclause),  # type: ignore[arg-type]
            )
        result = await session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)


async def has_stored_rows(sessions: SessionFactory, *, address_id: int) -> bool:
    async with sessions() as session:
        found = await session.scalar(
            select(Transaction.id).where(Transaction.address_id == address_id).limit(1)
        )
    return found is not None


async def stored_totals(sessions: SessionFactory, *, address_id: int, chain: Chain) -> StoredTotals:
    count, confirmed_count, (balance, confirmed_balance) = await _stored_sums(
        sessions,
        address_id=address_id,
        chain=chain,
        wanted=((None, False), (Transaction.block_height.is_not(None), False)),
    )
    return StoredTotals(
        transaction_count=count,
        confirmed_transaction_count=confirmed_count,
        balance_sat=balance,
        confirmed_balance_sat=confirmed_balance,
    )


async def _stored_sums(
    sessions: SessionFactory,
    *,
    address_id: int,
    chain: Chain,
    wanted: Sequence[tuple[ColumnElement[bool] | None, bool]],
) -> tuple[int, int, list[int]]:
    """The address's row count, confirmed row count and, in the same scan, one exact sum of
    amounts per `(when, positive)` in `wanted` (`amount_sum`'s arguments)."""
    async with sessions() as session:
        dialect_name = session.get_bind().dialect.name
        sums = [
            amount_sum(
                Transaction.amount_sat,
                dialect_name=dialect_name,
                big_amounts=chain in BIG_AMOUNT_CHAINS,
                when=when,
                positive=positive,
            )
            for when, positive in wanted
        ]
        count, confirmed_count, *values = (
            await session.execute(
                select(
                    func.count(),
                    func.count(Transaction.block_height),
                    *(column for summed in sums for column in summed.columns),
                ).where(Transaction.address_id == address_id)
            )
        ).one()
    found = []
    for summed in sums:
        width = len(summed.columns)
        found.append(summed.value(values[:width]))
        values = values[width:]
    return int(count), int(confirmed_count), found


async def finish_success(
    sessions: SessionFactory,
    job: ClaimedJob,
    *,
    provider: str,
    summary: AddressSummary,
    totals: StoredTotals,
    reorg_safe_height: int,
) -> SyncJob:
    now = utc_now()
    async with sessions.begin() as session:
        row = await renew_claim(
            session, job, provider=provider, status=JobStatus.SUCCEEDED, finished_at=now
        )
        row.claim_token = None
        await refresh_running_balances(session, job.address_id, chain=job.chain)
        await session.execute(
            update(TrackedAddress)
            .where(TrackedAddress.id == job.address_id)
            .values(
                confirmed_balance_sat=totals.confirmed_balance_sat,
                unconfirmed_balance_sat=totals.balance_sat - totals.confirmed_balance_sat,
                total_received_sat=summary.total_received_sat,
                total_sent_sat=summary.total_sent_sat,
                transaction_count=totals.transaction_count,
                sync_status=SyncStatus.SYNCED,
                last_synced_at=now,
                last_sync_error=None,
                synced_height=reorg_safe_height,
                sync_resume_cursor=None,
            )
        )
        await _record_tip(session, job.chain, summary.tip_height, now)
        if summary.market_price_usd is not None:
            await session.execute(
                update(ChainTip)
                .where(ChainTip.chain == job.chain)
                .values(market_price_usd=summary.market_price_usd, market_price_at=now)
            )
    return row


async def _record_tip(session: AsyncSession, chain: Chain, height: int, now: datetime) -> None:
    insert = dialect_insert(session, ChainTip)
    await session.execute(
        insert.values(chain=chain.value, height=height, updated_at=now).on_conflict_do_update(
            index_elements=["chain"],
            set_={
                "height": func.max(ChainTip.height, insert.excluded.height)
                if session.get_bind().dialect.name == "sqlite"
                else func.greatest(ChainTip.height, insert.excluded.height),
                "updated_at": now,
            },
        )
    )


async def newest_txid(sessions: SessionFactory, *, address_id: int) -> str | None:
    """The txid of a stored transaction in the highest block (slot), or None without any.

    Which one of a block's transactions does not matter to a reader that stops at it: the
    others of that block were stored with it."""
    async with sessions() as session:
        return await session.scalar(
            select(Transaction.txid)
            .where(Transaction.address_id == address_id)
            .order_by(Transaction.sort_key.desc(), Transaction.id)
            .limit(1)
        )


@dataclass(frozen=True)
class StoredFlows:
    balance_up_to_height: int
    """The sum of the amounts stored at or below the height asked for."""
    received_sat: int
    sent_sat: int
    """Of every stored transaction: the positive amounts, and the negative ones negated."""


async def stored_totals_and_flows(
    sessions: SessionFactory, *, address_id: int, chain: Chain, up_to_height: int
) -> tuple[StoredTotals, StoredFlows]:
    """`stored_totals` and `stored_flows` of the address read in one scan of its rows (what
    a sync that sums its own figures needs at its end: a 100,000-row history is scanned once,
    not twice)."""
    count, confirmed_count, (balance, confirmed_balance, up_to, received) = await _stored_sums(
        sessions,
        address_id=address_id,
        chain=chain,
        wanted=(
            (None, False),
            (Transaction.block_height.is_not(None), False),
            (Transaction.block_height <= up_to_height, False),
            (None, True),
        ),
    )
    totals = StoredTotals(
        transaction_count=count,
        confirmed_transaction_count=confirmed_count,
        balance_sat=balance,
        confirmed_balance_sat=confirmed_balance,
    )
    return totals, _flows(balance=balance, up_to=up_to, received=received)


async def stored_flows(
    sessions: SessionFactory, *, address_id: int, chain: Chain, up_to_height: int
) -> StoredFlows:
    _, _, (balance, up_to, received) = await _stored_sums(
        sessions,
        address_id=address_id,
        chain=chain,
        wanted=((None, False), (Transaction.block_height <= up_to_height, False), (None, True)),
    )
    return _flows(balance=balance, up_to=up_to, received=received)


def _flows(*, balance: int, up_to: int, received: int) -> StoredFlows:
    # Every amount is received (above 0) or sent (the rest).
    return StoredFlows(
        balance_up_to_height=up_to, received_sat=received, sent_sat=received - balance
    )
