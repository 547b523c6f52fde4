"""Solana's history sync: signatures newest first, each transaction fetched (several in flight,
paced by the shared per-method limits), saved every `SAVE_CHUNK` signatures with a resume
point, then checked against the finalized balance."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict, dataclass, replace

from db.models import SyncJob
from db.session import SessionFactory
from workers import transaction_history
from workers.errors import SyncMismatchError
from workers.events import EventPublisher
from workers.job_claims import ClaimedJob
from workers.providers.base import NamedProvider, ProviderTransaction
from workers.providers.solana import (
    MAX_SIGNATURES_PER_PAGE,
    Balance,
    SignatureEntry,
    SolanaRpcProvider,
)
from workers.sync import ProviderSync, _atomic, _new_pass_id

logger = logging.getLogger(__name__)

# Signatures per database write (and so per resume point): an interrupted sync re-fetches at
# most this many transactions.
SAVE_CHUNK = 100
RESUME_KIND = "solana"


@dataclass(frozen=True)
class _Resume:
    """Where an interrupted read stood. Signatures are the same on every node, so any RPC URL
    may go on from it."""

    sync_pass: int
    full: bool
    """A full pass: after the read, rows it did not see are deleted."""
    before: str | None
    """The read goes on below this signature (None: from the newest)."""
    until: str | None
    """...down to this one, exclusive (None: to the oldest)."""
    fetched_transactions: int

    def encode(self) -> str:
        return json.dumps({"kind": RESUME_KIND, **asdict(self)})

    @classmethod
    def decode(cls, text: str | None) -> _Resume | None:
        if not text:
            return None
        try:
            fields = json.loads(text)
            if fields.pop("kind", None) != RESUME_KIND:
                return None
            return cls(**fields)
        except (ValueError, TypeError, AttributeError):
            return None


class SolanaSync(ProviderSync[SolanaRpcProvider]):
    """One RPC URL's attempt at a job: incremental (from the newest signature down to the
    newest stored one, sent as `until`) when the address was synced and nothing was left
    half-read, else a full pass; then verified."""

    def __init__(
        self,
        sessions: SessionFactory,
        provider: NamedProvider,
        job: ClaimedJob,
        publisher: EventPublisher,
    ) -> None:
        super().__init__(sessions, provider, job, publisher)
        self._in_flight = asyncio.Semaphore(self.provider.concurrent_requests)

    async def run(self) -> SyncJob:
        """Syncs and verifies; the finished (SUCCEEDED) job row."""
        resume = _Resume.decode(self.job.resume_cursor)
        if resume is None and (self.job.resume_cursor or not self.job.previously_synced):
            # A half-read history of another kind of cursor, or none yet: read it all.
            resume = _Resume(_new_pass_id(), True, None, None, 0)
        if resume is not None:
            logger.info("sync job %s: %s", self.job.job_id, _describe(resume))
        balance = await self._pass(resume)
        problem = await self._difference(balance)
        if problem is not None:
            logger.warning("sync job %s: %s; running a full re-sync", self.job.job_id, problem)
            self.fetched_transactions = 0
            balance = await self._pass(_Resume(_new_pass_id(), True, None, None, 0))
            problem = await self._difference(balance)
            if problem is not None:
                raise SyncMismatchError(
                    f"{self.provider.name}: stored history disagrees with the finalized "
                    f"balance after a full re-sync: {problem}"
                )
        return await self._finish(balance)

    async def _pass(self, resume: _Resume | None) -> Balance:
        """Reads what is missing; the finalized balance taken before reading, so every
        transaction up to its slot is among those read."""
        balance = await self.provider.balance(self.job.address)
        if resume is None:
            until = await transaction_history.newest_txid(
                self.sessions, address_id=self.job.address_id
            )
            await self._read(_Resume(_new_pass_id(), False, None, until, 0))
            return balance
        self.fetched_transactions = resume.fetched_transactions
        await self._read(resume)
        if resume.full or resume.before is not None:
            # What arrived at the top while the pass read below it.
            until = await transaction_history.newest_txid(
                self.sessions, address_id=self.job.address_id
            )
            await self._read(replace(resume, before=None, until=until))
        if resume.full:
            await _atomic(
                transaction_history.delete_unseen(
                    self.sessions, self.job, sync_pass=resume.sync_pass, above_height=None
                )
            )
        return balance

    async def _read(self, resume: _Resume) -> None:
        """Every signature below `resume.before` down to `resume.until`: listed ahead (the
        count is known once the listing ends), fetched and saved in order."""
        pages: asyncio.Queue[list[SignatureEntry] | None] = asyncio.Queue()
        lister = asyncio.create_task(self._list(resume, pages))
        read_any = False
        try:
            while (page := await pages.get()) is not None:
                await self._fetch_and_save(page, resume)
                read_any = True
            await lister
            if not read_any:
                # Nothing new: still show the counts (and renew the claim).
                await self._save([], resume)
        finally:
            # Its failure, if any, was raised above; here it is only stopped and collected.
            lister.cancel()
            await asyncio.gather(lister, return_exceptions=True)

    async def _list(
        self, resume: _Resume, pages: asyncio.Queue[list[SignatureEntry] | None]
    ) -> None:
        fetched_before = self.fetched_transactions
        listed = 0
        before = resume.before
        try:
            while True:
                page = await self.provider.signatures(
                    self.job.address,
                    before=before,
                    until=resume.until,
                    limit=MAX_SIGNATURES_PER_PAGE,
                )
                if page:
                    pages.put_nowait(page)
                    listed += len(page)
                if len(page) < MAX_SIGNATURES_PER_PAGE:
                    break
                before = page[-1].signature
            self.expected_transactions = fetched_before + listed
        finally:
            pages.put_nowait(None)

    async def _fetch_and_save(self, page: list[SignatureEntry], resume: _Resume) -> None:
        tasks = [asyncio.create_task(self._fetch(entry.signature)) for entry in page]
        try:
            for start in range(0, len(page), SAVE_CHUNK):
                transactions = [await task for task in tasks[start : start + SAVE_CHUNK]]
                self.fetched_transactions += len(transactions)
                await self._save(
                    transactions,
                    replace(
                        resume,
                        before=transactions[-1].txid,
                        fetched_transactions=self.fetched_transactions,
                    ),
                )
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _fetch(self, signature: str) -> ProviderTransaction:
        async with self._in_flight:
            return await self.provider.transaction(signature, self.job.address)

    async def _save(self, transactions: list[ProviderTransaction], resume: _Resume) -> None:
        await self.save_page(
            transactions, sync_pass=resume.sync_pass, resume_cursor=resume.encode()
        )

    async def _difference(self, balance: Balance) -> str | None:
        flows = await transaction_history.stored_flows(
            self.sessions,
            address_id=self.job.address_id,
            chain=self.job.chain,
            up_to_height=balance.slot,
        )
        if flows.balance_up_to_height == balance.lamports:
            return None
        return (
            f"stored amounts up to slot {balance.slot} sum to {flows.balance_up_to_height} "
            f"lamports, getBalance says {balance.lamports}"
        )

    async def _finish(self, balance: Balance) -> SyncJob:
        # Finalized: nothing at or below the balance's slot changes any more.
        return await self.finish_from_stored(
            tip_height=balance.slot, reorg_safe_height=balance.slot
        )


def _describe(resume: _Resume) -> str:
    if resume.before is None:
        return "full pass from the newest signature"
    return (
        f"resuming a {'full' if resume.full else 'incremental'} pass below {resume.before} "
        f"({resume.fetched_transactions} transactions fetched before)"
    )
