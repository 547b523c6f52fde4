"""The sync of one Ethereum address through one Etherscan-compatible explorer.

A pass reads blocks `first_block`…tip oldest first: `txlist`, `txlistinternal` and
`txsBeaconWithdrawal` each page on their own by block range; rows are merged and committed only
up to the lowest block every stream has read completely, with the next block as the job's
resume cursor, so an interrupted pass resumes without skipping anything. A full pass starts at
block 0; an incremental one re-reads the last `ETHEREUM_REORG_DEPTH` blocks below the previous
tip, so reorganised rows get their new block and vanished ones are deleted. Then the stored sum
is checked against the explorer's balance: on a mismatch one full re-sync, then
`SyncMismatchError`."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from operator import attrgetter, itemgetter
from typing import cast

from sqlalchemy import select

from db.models import SyncJob, TrackedAddress
from workers import transaction_history
from workers.errors import SyncMismatchError, TransientError
from workers.ethereum_amounts import net_transactions
from workers.providers.ethereum_rows import GENESIS_PREFIX, WITHDRAWAL_PREFIX, StreamRow
from workers.providers.etherscan import (
    EtherscanProvider,
    ResultWindowTooLargeError,
    Stream,
    WithdrawalsUnsupportedError,
)
from workers.sync import ProviderSync, _atomic, _new_pass_id
from workers.transaction_history import StoredFlows, StoredTotals

logger = logging.getLogger(__name__)

COMMIT_ROWS = 10_000
COMMIT_SECONDS = 2.0
"""A pass commits what it read every this many rows or seconds, whichever comes first: each
commit rewrites the txid index pages it touched into the WAL (about 1,000 of them for 2,000
random hashes), so fewer, larger commits cost SQLite much less, while progress still moves
every few seconds and a resumed pass reads at most this much again."""

FIRST_COMMIT_ROWS = 2_000
"""A pass's first commits come sooner: due at this many rows, then at as many as it has
committed so far, up to COMMIT_ROWS. The database would otherwise sit idle while the first
10,000 rows are read (about a second of a 100,000-row first sync), and a small table's pages
are cheap to commit."""

ASSUMED_RESULT_WINDOW = 10_000
"""Etherscan's: `page x offset` at most this. An explorer with a smaller one says so, and the
sync then asks one page at a time."""

MAX_PAGES_AT_ONCE = 4
"""Pages of one range asked together at most, once pages come full. More in flight keep the
explorer and the worker busy at once; the range that ends the history asks for up to this
many less one pages that come back empty."""


@dataclass
class PassCursor:
    """Where a pass stands; stored as the job's resume cursor after every committed range."""

    sync_pass: int
    first_block: int
    next_block: int
    fetched_transactions: int = 0
    began_empty: bool = False
    """The address had no stored rows when the pass began: every row stored since is this
    pass's, so none is left unseen at its end (a first sync skips that scan of every row)."""

    def encode(self) -> str:
        return json.dumps({"ethereum": asdict(self)})

    @classmethod
    def decode(cls, text: str | None) -> PassCursor | None:
        if not text:
            return None
        try:
            return cls(**json.loads(text)["ethereum"])
        except (ValueError, TypeError, KeyError):
            return None


@dataclass(frozen=True)
class PassResult:
    tip: int
    withdrawals_listed: bool
    genesis_listed: bool


class StreamReader:
    """One stream of an address (`txlist`, …), paged by block range up to `tip`."""

    def __init__(
        self,
        provider: EtherscanProvider,
        stream: Stream,
        address: str,
        *,
        start: int,
        tip: int,
        page_size: int,
    ) -> None:
        self.provider = provider
        self.stream = stream
        self.address = address
        self.tip = tip
        self.page_size = page_size
        self.read_through = start - 1
        """Every row of this stream up to this block is in `buffer` (or was taken from it)."""
        self.buffer: dict[object, StreamRow] = {}
        """Rows by what tells them apart within the stream (a row read twice at a page edge
        is kept once): `key`, or for normal and internal rows its fields in C (a `key`
        property call a row was a tenth of the sync's row handling)."""
        self.key_of: Callable[[StreamRow], object] = _ROW_KEYS.get(stream, attrgetter("key"))
        self.supported = True
        self.pages_at_once = 1
        """Pages 1…this of a range asked together: doubled each time a range comes full (a
        long history to read), up to what the result window allows; one again when a page
        lies beyond the window."""

    async def read_page(self) -> None:
        start = self.read_through + 1
        try:
            rows, pages, last_page_full = await self._first_pages(start)
        except WithdrawalsUnsupportedError:
            logger.info("%s lists no %s: going on without them", self.provider.name, self.stream)
            self.supported = False
            self.read_through = self.tip
            return
        if not last_page_full:
            self._keep(rows)
            self.read_through = self.tip
            return
        # Pages come full: the explorer's answer is the wait of a long history, so the next
        # range is asked several pages at once, the later ones while the first are decoded.
        self.pages_at_once = min(2 * pages, _pages_in_window(self.page_size))
        last_block = rows[-1].block
        if last_block > start:
            # The cap may have cut the last block in half: it is read again from its start.
            self._keep(row for row in rows if row.block < last_block)
            self.read_through = last_block - 1
            return
        # One block holds every row read (a full page or more): page within it.
        self._keep(rows)
        page = pages + 1
        while last_page_full:
            rows = await self._fetch(start, start, page=page)
            self._keep(rows)
            last_page_full = len(rows) >= self.page_size
            page += 1
        self.read_through = start

    async def _first_pages(self, start: int) -> tuple[list[StreamRow], int, bool]:
        """The first rows of blocks `start`…tip, in order: page 1, or pages 1…`pages_at_once`
        asked together; how many pages they are, and whether the last one came full (more
        follow)."""
        size = self.page_size
        if self.pages_at_once < 2:
            rows = await self._fetch(start, self.tip, page=1)
            return rows, 1, len(rows) >= self.page_size
        later = [
            asyncio.create_task(self._later_page(start, size, page))
            for page in range(2, self.pages_at_once + 1)
        ]
        try:
            rows = await self._fetch(start, self.tip, page=1)
            more_pages = await asyncio.gather(*later)
        except BaseException:
            for page in later:
                page.cancel()
            await asyncio.gather(*later, return_exceptions=True)
            raise
        if any(more is None for more in more_pages) or self.page_size != size:
            # The result window is smaller than these pages: one page at a time from now on.
            self.pages_at_once = 1
            return rows, 1, len(rows) >= self.page_size
        pages, last_page_full = 1, len(rows) >= size
        for more in more_pages:
            if not last_page_full:
                # The range ended on an earlier page (the later ones are empty).
                break
            rows += cast("list[StreamRow]", more)
            pages, last_page_full = pages + 1, len(cast("list[StreamRow]", more)) >= size
        return rows, pages, last_page_full

    async def _later_page(self, start: int, size: int, page: int) -> list[StreamRow] | None:
        """Page `page` of blocks `start`…tip at `size` rows a page; None if it lies beyond
        the explorer's result window."""
        try:
            return await self.provider.rows(
                self.stream, self.address, start=start, end=self.tip, page=page, offset=size
            )
        except ResultWindowTooLargeError:
            return None

    def take_through(self, block: int) -> list[StreamRow]:
        taken: list[StreamRow] = []
        kept: dict[object, StreamRow] = {}
        for key, row in self.buffer.items():
            if row.block <= block:
                taken.append(row)
            else:
                kept[key] = row
        self.buffer = kept
        return taken

    def _keep(self, rows: Iterable[StreamRow]) -> None:
        rows = list(rows)
        self.buffer.update(zip(map(self.key_of, rows), rows, strict=True))

    async def _fetch(self, start: int, end: int, *, page: int) -> list[StreamRow]:
        while True:
            try:
                return await self.provider.rows(
                    self.stream,
                    self.address,
                    start=start,
                    end=end,
                    page=page,
                    offset=self.page_size,
                )
            except ResultWindowTooLargeError as error:
                smaller = (
                    error.window
                    if error.window is not None and error.window < self.page_size
                    else self.page_size // 2
                )
                if page > 1 or smaller < 1:
                    raise TransientError(
                        self.provider.name,
                        f"{self.stream}: block {start} holds more rows than the result window "
                        f"lets us page through ({error})",
                    ) from error
                logger.info(
                    "%s: result window too large for %d rows a page; asking for %d",
                    self.provider.name,
                    self.page_size,
                    smaller,
                )
                self.page_size = smaller
                self.pages_at_once = 1


_ROW_KEYS: dict[Stream, Callable[[StreamRow], object]] = {
    # `NormalRow.key`'s hash and `InternalRow.key`'s (hash, trace), taken in C.
    "txlist": itemgetter(0),
    "txlistinternal": itemgetter(0, 1),
}


def _pages_in_window(page_size: int) -> int:
    """How many pages a range is asked at once at most: what the assumed result window
    holds, and no more than MAX_PAGES_AT_ONCE."""
    return max(1, min(MAX_PAGES_AT_ONCE, ASSUMED_RESULT_WINDOW // page_size))


async def _stop(fetches: dict[Stream, asyncio.Task[None]]) -> None:
    for fetch in fetches.values():
        fetch.cancel()
    await asyncio.gather(*fetches.values(), return_exceptions=True)
    fetches.clear()


class EthereumSync(ProviderSync[EtherscanProvider]):
    """One explorer's attempt at a job: incremental when possible, then verified."""

    async def run(self) -> SyncJob:
        cursor = PassCursor.decode(self.job.resume_cursor)
        if cursor is not None:
            logger.info("sync job %s resumes at block %s", self.job.job_id, cursor.next_block)
        else:
            cursor = await self._new_cursor()
        result = await self.read_pass(cursor)
        balance = await self.provider.balance_wei(self.job.address)
        totals, flows = await self._stored_totals_and_flows(result.tip)
        problem = self._difference(balance, result, totals)
        if problem is not None:
            logger.warning("sync job %s: %s; running a full re-sync", self.job.job_id, problem)
            result = await self.read_pass(PassCursor(_new_pass_id(), 0, 0))
            balance = await self.provider.balance_wei(self.job.address)
            totals, flows = await self._stored_totals_and_flows(result.tip)
            problem = self._difference(balance, result, totals)
            if problem is not None:
                raise SyncMismatchError(
                    f"{self.provider.name}: stored history disagrees with the explorer after a "
                    f"full re-sync: {problem}"
                )
        # The totals and flows just read are the stored ones still: this run holds the
        # address's job.
        return await self.finish_from_stored(
            tip_height=result.tip,
            reorg_safe_height=max(result.tip - self.provider.reorg_depth, -1),
            totals=totals,
            flows=flows,
        )

    async def _new_cursor(self) -> PassCursor:
        first_block = 0
        if self.job.previously_synced:
            async with self.sessions() as session:
                synced_height = await session.scalar(
                    select(TrackedAddress.synced_height).where(
                        TrackedAddress.id == self.job.address_id
                    )
                )
            if synced_height is not None:
                first_block = max(synced_height + 1, 0)
        began_empty = not await transaction_history.has_stored_rows(
            self.sessions, address_id=self.job.address_id
        )
        return PassCursor(_new_pass_id(), first_block, first_block, began_empty=began_empty)

    async def read_pass(self, cursor: PassCursor) -> PassResult:
        """Reads `cursor.next_block`…tip, committing as it goes, then deletes the rows from
        `first_block` up that the explorer no longer lists (never withdrawals or genesis rows
        of an explorer that cannot list them)."""
        provider = self.provider
        tip = await provider.tip_height()
        streams: list[Stream] = ["txlist", "txlistinternal"]
        if provider.lists_withdrawals:
            streams.append("txsBeaconWithdrawal")
        readers = [
            StreamReader(
                provider,
                stream,
                self.job.address,
                start=cursor.next_block,
                tip=tip,
                page_size=self.provider.page_size,
            )
            for stream in streams
        ]
        committed = cursor.next_block - 1
        # Rows of every stream through `taken_through`, not yet committed: a commit is due
        # every COMMIT_ROWS rows (fewer at first) or COMMIT_SECONDS, at the tip, and when a
        # page fails.
        pending: list[StreamRow] = []
        committed_rows = 0
        taken_through = committed
        last_commit_at = time.monotonic()
        # One commit at a time runs while the next pages are fetched: a sync waits for the
        # larger of the explorer and the database, not their sum. Commits stay in block order:
        # a commit due while the last one runs waits behind it (`_commit_after`) instead of
        # holding up the reads, and only one waits: `queued_behind` is the commit before it.
        commit: asyncio.Task[None] | None = None
        queued_behind: asyncio.Task[None] | None = None
        # Every stream behind the one furthest ahead reads its next page meanwhile, so the
        # explorer serves one page while the worker decodes another; none reads past the
        # furthest one, so the buffers hold about a page a stream beyond what is taken.
        fetches: dict[Stream, asyncio.Task[None]] = {}
        try:
            while committed < tip:
                furthest = max(reader.read_through for reader in readers)
                lowest = min(reader.read_through for reader in readers)
                for reader in readers:
                    idle = reader.stream not in fetches and reader.read_through < tip
                    if idle and (reader.read_through < furthest or reader.read_through == lowest):
                        fetches[reader.stream] = asyncio.create_task(reader.read_page())
                done, _ = await asyncio.wait(fetches.values(), return_when=asyncio.FIRST_COMPLETED)
                for stream, fetch in list(fetches.items()):
                    if fetch in done:
                        del fetches[stream]
                        fetch.result()
                through = min(reader.read_through for reader in readers)
                if through > taken_through:
                    pending += [row for reader in readers for row in reader.take_through(through)]
                    taken_through = through
                due = (
                    len(pending) >= min(COMMIT_ROWS, max(FIRST_COMMIT_ROWS, committed_rows))
                    or time.monotonic() - last_commit_at >= COMMIT_SECONDS
                    or taken_through >= tip
                )
                if taken_through > committed and due:
                    if queued_behind is not None:
                        # Two commits outstanding already: the older one first.
                        await queued_behind
                    queued_behind = commit
                    commit = asyncio.create_task(
                        self._commit_after(commit, cursor, pending, taken_through, tip)
                    )
                    committed_rows += len(pending)
                    pending, committed = [], taken_through
                    last_commit_at = time.monotonic()
        except Exception:
            # A page that failed to arrive: the ranges read completely before it are kept.
            await _stop(fetches)
            if commit is not None:
                await commit
                commit = None
            if taken_through > committed:
                await self._commit(cursor, pending, taken_through, tip)
            raise
        finally:
            # Cancelled (a worker shutdown): the other streams' pages in flight are dropped,
            # and the rows not yet committed are read again on resuming.
            await _stop(fetches)
            if commit is not None:
                await commit
        withdrawals_listed = all(r.supported for r in readers if r.stream == "txsBeaconWithdrawal")
        withdrawals_listed = withdrawals_listed and provider.lists_withdrawals
        kept = [
            prefix
            for prefix, listed in (
                (WITHDRAWAL_PREFIX, withdrawals_listed),
                (GENESIS_PREFIX, provider.lists_genesis),
            )
            if not listed
        ]
        if cursor.began_empty:
            return PassResult(tip, withdrawals_listed, provider.lists_genesis)
        await _atomic(
            transaction_history.delete_unseen(
                self.sessions,
                self.job,
                sync_pass=cursor.sync_pass,
                above_height=cursor.first_block - 1 if cursor.first_block > 0 else None,
                keeping_prefixes=tuple(kept),
            )
        )
        return PassResult(tip, withdrawals_listed, provider.lists_genesis)

    async def _commit_after(
        self,
        previous: asyncio.Task[None] | None,
        cursor: PassCursor,
        rows: list[StreamRow],
        through: int,
        tip: int,
    ) -> None:
        """`_commit` once `previous` committed (its failure is this one's: commits stay in
        block order, none after one that failed)."""
        if previous is not None:
            await previous
        await self._commit(cursor, rows, through, tip)

    async def _commit(
        self, cursor: PassCursor, rows: list[StreamRow], through: int, tip: int
    ) -> None:
        transactions = net_transactions(self.job.address, rows)
        cursor.fetched_transactions += len(transactions)
        cursor.next_block = through + 1
        span = tip - cursor.first_block + 1
        progress = min(1.0, (through - cursor.first_block + 1) / span) if span > 0 else 1.0
        self.fetched_transactions = cursor.fetched_transactions
        await self.save_page(
            transactions,
            sync_pass=cursor.sync_pass,
            resume_cursor=cursor.encode() if through < tip else None,
            progress=progress,
            oldest_first=True,
        )

    async def _stored_totals_and_flows(self, tip: int) -> tuple[StoredTotals, StoredFlows]:
        return await transaction_history.stored_totals_and_flows(
            self.sessions, address_id=self.job.address_id, chain=self.job.chain, up_to_height=tip
        )

    def _difference(self, balance: int, result: PassResult, totals: StoredTotals) -> str | None:
        """Why the stored history does not add up to the explorer's balance, or None.

        An explorer that lists no withdrawals (or no genesis allocation) cannot account for
        them: then the stored sum may fall short of the balance, by what it could not list,
        but never exceed it."""
        stored = totals.balance_sat
        complete = result.withdrawals_listed and result.genesis_listed
        if stored == balance or (not complete and stored < balance):
            return None
        return f"stored amounts sum to {stored} wei, {self.provider.name} balance is {balance} wei"
