"""The sync of one address: full or incremental, verified, falling back across providers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from typing import Generic, Protocol, TypeVar, cast

from db.models import Chain, SyncJob
from db.session import SessionFactory
from logs import log_context
from workers import heap, job_claims, transaction_history
from workers.circuit import BLOCKED_SECONDS, UNAVAILABLE_SECONDS, CircuitBreaker
from workers.errors import (
    AddressRejectedError,
    ApiKeyRejectedError,
    BlockedError,
    LostClaimError,
    RateLimitedError,
    SettingRejectedError,
    SyncMismatchError,
    TransientError,
)
from workers.events import EventPublisher
from workers.first_sync_pages import BalanceCarry
from workers.job_claims import ClaimedJob
from workers.metrics import SharedMetrics
from workers.providers import CHAINS_WITHOUT_FALLBACK
from workers.providers.base import (
    AddressSummary,
    HistoryPage,
    NamedProvider,
    Provider,
    ProviderTransaction,
)
from workers.transaction_history import StoredFlows, StoredTotals

logger = logging.getLogger(__name__)

WriteResultT = TypeVar("WriteResultT")
ProviderT = TypeVar("ProviderT", bound=NamedProvider)

FULL_PAGE_SIZE = 10_000
INCREMENTAL_FIRST_PAGE_SIZE = 100
# Transactions at least this many blocks deep are taken as final: incremental syncs stop there.
REORG_SAFETY_DEPTH = 6
# Runs of one job that may start; a job whose worker keeps dying must end, not loop forever.
MAX_ATTEMPTS = 5


class HistorySync(Protocol):
    """One provider's attempt at a job, to SUCCEEDED (returned) or an error of `workers.errors`."""

    async def run(self) -> SyncJob: ...


HistorySyncFactory = Callable[
    [SessionFactory, NamedProvider, ClaimedJob, EventPublisher], HistorySync
]


@dataclass
class SyncEngine:
    """Runs sync jobs to their end; what it does for each failure is drawn in `workers.errors`."""

    sessions: SessionFactory
    providers: Mapping[Chain, Sequence[NamedProvider]]
    """Each chain's providers, in the order they are tried."""
    circuit: CircuitBreaker
    stale_after: timedelta
    publisher: EventPublisher = field(default_factory=lambda: EventPublisher(None))
    metrics: SharedMetrics = field(default_factory=lambda: SharedMetrics(None))

    async def run_job(self, job_id: int) -> None:
        """Runs a queued (or abandoned) job to SUCCEEDED or FAILED; does nothing otherwise."""
        job = await job_claims.claim_job(
            self.sessions,
            job_id=job_id,
            claim_token=secrets.token_hex(16),
            stale_after=self.stale_after,
        )
        if job is None:
            logger.info("sync job %s is not runnable (finished or held by a live run)", job_id)
            return
        with log_context(job_id=job_id, address=job.address):
            try:
                await self._run(job)
            except asyncio.CancelledError:
                # The worker is shutting down: hand the job back at once, resumable.
                await asyncio.shield(self._release(job))
                raise

    async def _release(self, job: ClaimedJob) -> None:
        row = await job_claims.release_claim(self.sessions, job)
        if row is not None:
            logger.info("sync job %s handed back to the queue, resumable", job.job_id)
            await self.publisher.job_changed(row)

    async def _run(self, job: ClaimedJob) -> None:
        job_id = job.job_id
        await self.publisher.job_changed(job.row)
        if job.attempts > MAX_ATTEMPTS:
            await self._fail(
                job, f"gave up after {MAX_ATTEMPTS} runs that stopped without finishing"
            )
            return
        try:
            await self._run_claimed(job)
        except LostClaimError:
            logger.warning("sync job %s was taken over by another run; this run stops", job_id)
        except Exception as error:
            # A bug or an outage: logged here, once, inside the job's log context (job id and
            # address); re-raising would have arq log it again, without that context.
            logger.exception("sync job %s failed unexpectedly", job_id)
            await self._fail(job, f"internal error: {type(error).__name__}: {error}")

    async def _fail(self, job: ClaimedJob, error: str) -> None:
        await self._finished(await job_claims.finish_failure(self.sessions, job, error=error))

    async def _finished(self, row: SyncJob) -> None:
        await self.publisher.job_changed(row)
        started, finished = row.started_at, row.finished_at
        seconds = (finished - started).total_seconds() if started and finished else 0.0
        await self.metrics.job_finished(row.status.value.lower(), seconds)

    async def _run_claimed(self, job: ClaimedJob) -> None:
        chain = job.chain
        providers = self.providers.get(chain, ())
        failures: list[str] = []
        fell_through = True
        for provider in providers:
            open_reason = await self.circuit.open_reason(provider.name, chain)
            if open_reason is not None:
                failures.append(f"{provider.name} skipped for now ({open_reason})")
                continue
            try:
                with log_context(provider=provider.name):
                    history_sync = history_sync_for(job)(
                        self.sessions, provider, job, self.publisher
                    )
                    finished = await history_sync.run()
                await self._finished(finished)
                return
            except BlockedError as error:
                await self.circuit.open(
                    provider.name, str(error), seconds=BLOCKED_SECONDS, chain=chain
                )
                failures.append(str(error))
            except (TransientError, RateLimitedError) as error:
                await self.circuit.open(
                    provider.name, str(error), seconds=UNAVAILABLE_SECONDS, chain=chain
                )
                failures.append(str(error))
            except (
                ApiKeyRejectedError,
                AddressRejectedError,
                SettingRejectedError,
                SyncMismatchError,
            ) as error:
                failures.append(str(error))
                fell_through = False
                break
            logger.warning(
                "sync job %s: %s failed, trying the next provider", job.job_id, provider.name
            )
        chain_name = chain.value.replace("_", " ").title()
        if not providers:
            failures.append(f"no provider is configured for {chain_name}")
        elif fell_through and chain in CHAINS_WITHOUT_FALLBACK:
            # Say so, or the reader looks for one.
            failures.append(f"{chain_name} has no fallback provider")
        await self._fail(job, "; ".join(failures))


@dataclass
class _Resume:
    """Where an interrupted full pass of one provider stood (stored on the address)."""

    provider: str
    cursor: str | None
    sync_pass: int
    fetched_transactions: int
    carry: dict[str, object] | None = None
    """A first pass's running-balance carry (`BalanceCarry.encode`); None: the general way."""

    def encode(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def decode(cls, text: str | None, provider: str) -> _Resume | None:
        if not text:
            return None
        try:
            resume = cls(**json.loads(text))
        except (ValueError, TypeError):
            return None
        return resume if resume.provider == provider else None


@dataclass(frozen=True)
class FirstSyncPage:
    """What a page of a first full pass is written with (`ProviderSync.save_page`)."""

    carry: BalanceCarry
    last_page: bool
    resume_cursor: Callable[[BalanceCarry], str | None]


class ProviderSync(Generic[ProviderT]):
    """What every chain's sync holds: one provider's attempt at one claimed job, and the
    progress it reports. The engine hands it the provider its chain's routes built."""

    def __init__(
        self,
        sessions: SessionFactory,
        provider: NamedProvider,
        job: ClaimedJob,
        publisher: EventPublisher,
    ) -> None:
        self.sessions = sessions
        self.provider = cast("ProviderT", provider)
        self.job = job
        self.publisher = publisher
        self.fetched_transactions = 0
        self.expected_transactions: int | None = None
        self.carry: BalanceCarry | None = None

    async def save_page(
        self,
        transactions: Sequence[ProviderTransaction],
        *,
        sync_pass: int,
        resume_cursor: str | None,
        progress: float | None = None,
        oldest_first: bool = False,
        first_sync: FirstSyncPage | None = None,
    ) -> None:
        """One page stored with the job's progress and resume point, then published.

        `first_sync`: the page belongs to a first full pass written with its running balances;
        its resume point comes from there, and the carry after it is left in `self.carry`."""
        if first_sync is not None:
            row, self.carry = await _atomic(
                transaction_history.save_first_sync_page(
                    self.sessions,
                    self.job,
                    transactions,
                    sync_pass=sync_pass,
                    provider=self.provider.name,
                    fetched_transactions=self.fetched_transactions,
                    expected_transactions=self.expected_transactions,
                    carry=first_sync.carry,
                    last_page=first_sync.last_page,
                    resume_cursor=first_sync.resume_cursor,
                )
            )
            await self.publisher.job_changed(row, progress_only=True)
            return
        row = await _atomic(
            transaction_history.save_page(
                self.sessions,
                self.job,
                transactions,
                sync_pass=sync_pass,
                provider=self.provider.name,
                fetched_transactions=self.fetched_transactions,
                expected_transactions=self.expected_transactions,
                resume_cursor=resume_cursor,
                progress=progress,
                oldest_first=oldest_first,
            )
        )
        await self.publisher.job_changed(row, progress_only=True)

    async def finish_from_stored(
        self,
        *,
        tip_height: int,
        reorg_safe_height: int,
        totals: StoredTotals | None = None,
        flows: StoredFlows | None = None,
    ) -> SyncJob:
        """Ends the job SUCCEEDED with the address's figures summed from its stored history,
        for chains whose providers report no totals of their own (Ethereum, Solana);
        `totals` and `flows`: those of the stored rows as they are (`flows` up to
        `tip_height`), if the caller summed them already."""
        if flows is None:
            flows = await transaction_history.stored_flows(
                self.sessions,
                address_id=self.job.address_id,
                chain=self.job.chain,
                up_to_height=tip_height,
            )
        if totals is None:
            totals = await transaction_history.stored_totals(
                self.sessions, address_id=self.job.address_id, chain=self.job.chain
            )
        summary = AddressSummary(
            balance_sat=totals.balance_sat,
            total_received_sat=flows.received_sat,
            total_sent_sat=flows.sent_sat,
            transaction_count=totals.transaction_count,
            tip_height=tip_height,
        )
        return await _atomic(
            transaction_history.finish_success(
                self.sessions,
                self.job,
                provider=self.provider.name,
                summary=summary,
                totals=totals,
                reorg_safe_height=reorg_safe_height,
            )
        )


class AddressSync(ProviderSync[Provider]):
    """One provider's attempt at a job: incremental when possible, then verified."""

    async def run(self) -> SyncJob:
        """Syncs and verifies; the finished (SUCCEEDED) job row."""
        resume = _Resume.decode(self.job.resume_cursor, self.provider.name)
        if self.job.previously_synced and resume is None:
            summary = await self.incremental_pass(sync_pass=_new_pass_id())
        else:
            summary = await self.full_pass(resume)
        totals = await transaction_history.stored_totals(
            self.sessions, address_id=self.job.address_id, chain=self.job.chain
        )
        if _difference(summary, totals) is not None:
            logger.warning(
                "sync job %s: %s; running a full re-sync",
                self.job.job_id,
                _difference(summary, totals),
            )
            summary = await self.full_pass(None)
            totals = await transaction_history.stored_totals(
                self.sessions, address_id=self.job.address_id, chain=self.job.chain
            )
            difference = _difference(summary, totals)
            if difference is not None:
                raise SyncMismatchError(
                    f"{self.provider.name}: stored history disagrees with the provider after a "
                    f"full re-sync: {difference}"
                )
        finished = await _atomic(
            transaction_history.finish_success(
                self.sessions,
                self.job,
                provider=self.provider.name,
                summary=summary,
                totals=totals,
                reorg_safe_height=summary.tip_height - REORG_SAFETY_DEPTH,
            )
        )
        return finished

    async def full_pass(self, resume: _Resume | None) -> AddressSummary:
        """Every page from the newest end (or from where a crashed run stopped), then a sweep."""
        if resume is None:
            resume = _Resume(self.provider.name, None, _new_pass_id(), 0)
        else:
            logger.info(
                "sync job %s resumes %s at %s", self.job.job_id, resume.provider, resume.cursor
            )
        self.fetched_transactions = resume.fetched_transactions
        summary: AddressSummary | None = None
        if resume.cursor is None and not self.provider.pages_carry_summary:
            summary = await self.provider.summary(self.job.address)
            self.expected_transactions = summary.transaction_count
        # A first pass (nothing stored yet) writes its rows with their running balances.
        self.carry = BalanceCarry.decode(resume.carry)
        first_pass = self.carry is not None or (
            resume.cursor is None
            and not await transaction_history.has_stored_rows(
                self.sessions, address_id=self.job.address_id
            )
        )
        pages = 0
        page = await self.provider.page(self.job.address, resume.cursor, page_size=FULL_PAGE_SIZE)
        while True:
            pages += 1
            if page.summary is not None:
                summary = page.summary
                self.expected_transactions = summary.transaction_count
            if first_pass and self.carry is None and summary is not None:
                self.carry = BalanceCarry(balance_before=summary.balance_sat)
            self.fetched_transactions += len(page.transactions)
            next_resume = _Resume(
                self.provider.name, page.next_cursor, resume.sync_pass, self.fetched_transactions
            )
            upcoming: asyncio.Future[HistoryPage] | None = None
            if page.next_cursor is not None:
                # The next page is read while this one is written: the explorer's answer and
                # its decoding overlap the database's work (its own process or thread).
                upcoming = asyncio.ensure_future(
                    self.provider.page(self.job.address, page.next_cursor, page_size=FULL_PAGE_SIZE)
                )
            try:
                if first_pass and self.carry is not None:
                    await self.save_page(
                        page.transactions,
                        sync_pass=resume.sync_pass,
                        resume_cursor=None,
                        first_sync=FirstSyncPage(
                            self.carry,
                            last_page=upcoming is None,
                            resume_cursor=partial(_resume_point, next_resume),
                        ),
                    )
                else:
                    await self._save(
                        page.transactions,
                        resume.sync_pass,
                        next_resume if upcoming is not None else None,
                    )
            except BaseException:
                if upcoming is not None:
                    upcoming.cancel()
                    with contextlib.suppress(BaseException):
                        await upcoming
                raise
            del page.transactions[:]
            # The page is written: what its decoding took goes back.
            heap.return_free_memory()
            if upcoming is None:
                break
            page = await upcoming
        if pages == 1 and resume.cursor is None and page.summary is not None:
            # The whole history and its summary came in one answer: one snapshot, with nothing
            # that could have arrived between pages (most addresses of an HD wallet).
            summary = page.summary
        else:
            # Transactions that arrived at the top while we paged are below no cursor: read
            # them now.
            summary = await self.incremental_pass(sync_pass=resume.sync_pass, sweep=False)
        await _atomic(
            transaction_history.delete_unseen(
                self.sessions, self.job, sync_pass=resume.sync_pass, above_height=None
            )
        )
        return summary

    async def incremental_pass(self, *, sync_pass: int, sweep: bool = True) -> AddressSummary:
        """Reads from the newest end until it meets stored history deep enough to be final.

        Everything above that point is rewritten: mined transactions get their block, reorganised
        ones their new block, and stored ones the provider no longer lists are deleted.
        """
        summary: AddressSummary | None = None
        if not self.provider.pages_carry_summary:
            summary = await self.provider.summary(self.job.address)
        cursor: str | None = None
        page_size = INCREMENTAL_FIRST_PAGE_SIZE
        final_height: int | None = None
        while True:
            page = await self.provider.page(self.job.address, cursor, page_size=page_size)
            if page.summary is not None:
                summary = page.summary
            assert summary is not None
            self.expected_transactions = summary.transaction_count
            stored = await transaction_history.known_heights(
                self.sessions,
                address_id=self.job.address_id,
                txids=(tx.txid for tx in page.transactions),
            )
            safe_height = summary.tip_height - REORG_SAFETY_DEPTH
            kept = []
            for tx in page.transactions:
                deep = tx.block_height is not None and tx.block_height <= safe_height
                if deep and tx.txid in stored and stored[tx.txid] == tx.block_height:
                    final_height = tx.block_height
                    break
                kept.append(tx)
            # Rows a full pass just stored are re-read here, not fetched anew.
            self.fetched_transactions += sum(1 for tx in kept if tx.txid not in stored)
            await self._save(kept, sync_pass, resume=None)
            if final_height is not None or page.next_cursor is None:
                break
            cursor = page.next_cursor
            page_size = FULL_PAGE_SIZE
        if sweep:
            # Without a final point the whole history was read: everything unseen is gone.
            await _atomic(
                transaction_history.delete_unseen(
                    self.sessions,
                    self.job,
                    sync_pass=sync_pass,
                    above_height=final_height if final_height is not None else -1,
                )
            )
        return summary

    async def _save(
        self, transactions: list[ProviderTransaction], sync_pass: int, resume: _Resume | None
    ) -> None:
        await self.save_page(
            transactions,
            sync_pass=sync_pass,
            resume_cursor=resume.encode() if resume is not None else None,
        )


def history_sync_for(job: ClaimedJob) -> HistorySyncFactory:
    """How a job's history is read: an HD wallet's scan; else newest-first pages with
    summaries (Bitcoin-like chains) unless the chain has its own sync."""
    if job.is_hd_wallet:
        # Imported here: the HD wallet's sync is built on this module's AddressSync.
        from workers.hd_sync import HdWalletSync

        return HdWalletSync
    return CHAIN_SYNCS.get(job.chain, AddressSync)


# Chains whose history is not read in Bitcoin-like newest-first pages.
# Filled by the worker's wiring (workers/worker.py), which knows every chain's sync.
CHAIN_SYNCS: dict[Chain, HistorySyncFactory] = {}


async def _atomic(write: Awaitable[WriteResultT]) -> WriteResultT:
    """Lets a database write finish even if the task is cancelled meanwhile (worker shutdown).

    A write cut off mid-transaction could leave SQLite locked, and one still running while
    the job is handed back would find its claim gone; so on cancellation this waits for the
    write to end (whatever its outcome) before letting the cancellation through."""
    task = asyncio.ensure_future(write)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        if not task.cancelled() and task.exception() is not None:
            logger.info("a write interrupted by shutdown failed: %r", task.exception())
        raise


def _resume_point(resume: _Resume, carry: BalanceCarry) -> str | None:
    """The resume point after a first pass's page: None after its last one."""
    if resume.cursor is None:
        return None
    return replace(resume, carry=carry.encode()).encode()


def _new_pass_id() -> int:
    return secrets.randbits(62)


def _difference(summary: AddressSummary, totals: StoredTotals) -> str | None:
    problems = []
    # Providers differ on whether the count includes mempool transactions: accept either.
    counts = (totals.transaction_count, totals.confirmed_transaction_count)
    if summary.transaction_count is not None and summary.transaction_count not in counts:
        problems.append(
            f"{totals.transaction_count} transactions stored, "
            f"provider reports {summary.transaction_count}"
        )
    if summary.balance_sat != totals.balance_sat:
        problems.append(
            f"stored amounts sum to {totals.balance_sat} sat, "
            f"provider balance is {summary.balance_sat} sat"
        )
    return "; ".join(problems) or None
