"""The sync of an HD wallet: find its used addresses, sync those that changed, then write the
wallet's own history: one row per transaction, its net over every address of the wallet.

Scanning: each keychain (0 receive, 1 change) is watched up to `gap_limit` unused addresses in
a row after its last used one. Providers answer for many addresses a call (Blockchair 100,
Esplora 1): a round asks about every address not yet checked up to that bound, and, where a
call holds more, a little beyond it, so a wallet used far out is found in a few calls. An
address found used moves the bound on at once. Then only the addresses whose figures differ
from what is stored (or whose history is recent enough to change) are synced, each by the
ordinary address sync, so an unchanged wallet costs one call per 100 addresses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from db.models import SyncJob
from db.session import SessionFactory
from hd import HdWallet
from workers import hd_members, job_claims, transaction_history
from workers.events import EventPublisher
from workers.hd_members import Member, StoredWallet
from workers.job_claims import ClaimedJob
from workers.providers.base import AddressActivity, NamedProvider, Provider, ProviderTransaction
from workers.sync import (
    FULL_PAGE_SIZE,
    REORG_SAFETY_DEPTH,
    AddressSync,
    ProviderSync,
    _atomic,
    _new_pass_id,
)

logger = logging.getLogger(__name__)

KEYCHAINS = (0, 1)
# A member's job whose run went silent this long may be taken over, as the worker's own
# stale-job check would.
MEMBER_STALE_AFTER = timedelta(minutes=2)


class MemberSync(AddressSync):
    """One address of the wallet, synced within the wallet's run under the address's own job
    (so no other sync of that address runs meanwhile); each page also counts towards the
    wallet's job, whose progress shows the wallet's transactions so far."""

    def __init__(
        self,
        sessions: SessionFactory,
        provider: NamedProvider,
        job: ClaimedJob,
        publisher: EventPublisher,
        *,
        wallet_sync: HdWalletSync,
    ) -> None:
        super().__init__(sessions, provider, job, publisher)
        self.wallet_sync = wallet_sync

    async def save_page(self, transactions: Sequence[ProviderTransaction], **page: Any) -> None:
        await super().save_page(transactions, **page)
        await self.wallet_sync.report_fetched(self.fetched_transactions)


class HdWalletSync(ProviderSync[Provider]):
    """One provider's attempt at an HD wallet's job."""

    def __init__(
        self,
        sessions: SessionFactory,
        provider: NamedProvider,
        job: ClaimedJob,
        publisher: EventPublisher,
    ) -> None:
        super().__init__(sessions, provider, job, publisher)
        self.addresses_scanned = 0
        # Each keychain's last used index the scan counted (-1: none).
        self.last_used = dict.fromkeys(KEYCHAINS, -1)

    async def run(self) -> SyncJob:
        stored = await hd_members.load_wallet(self.sessions, self.job.address_id)
        wallet = HdWallet.from_descriptor(stored.descriptor, self.job.chain)
        activity, tip_height = await self._scan(wallet, stored)
        watched = [
            (keychain, index)
            for keychain in KEYCHAINS
            for index in range(self.last_used[keychain] + stored.gap_limit + 1)
        ]
        new_members = [
            (keychain, index, activity[keychain, index][0])
            for keychain, index in watched
            if (keychain, index) not in stored.members
        ]
        await hd_members.add_members(
            self.sessions,
            wallet_address_id=self.job.address_id,
            chain=self.job.chain,
            derived=new_members,
        )
        if new_members:
            stored = await hd_members.load_wallet(self.sessions, self.job.address_id)
        members = [stored.members[key] for key in watched]
        recent = await hd_members.members_with_recent_rows(
            self.sessions,
            address_ids=[member.address_id for member in members],
            above_height=tip_height - REORG_SAFETY_DEPTH,
        )
        changed = [
            member
            for member in members
            if _changed(member, activity[member.keychain, member.index][1], recent)
        ]
        for member in changed:
            await self._sync_member(member)
        if changed or new_members or not self.job.previously_synced:
            await self._write_wallet_history()
        return await self.finish_from_stored(
            tip_height=tip_height, reorg_safe_height=tip_height - REORG_SAFETY_DEPTH
        )

    async def _scan(
        self, wallet: HdWallet, stored: StoredWallet
    ) -> tuple[dict[tuple[int, int], tuple[str, AddressActivity]], int]:
        gap = stored.gap_limit
        batch_size = self.provider.activity_batch_size
        # Where a call answers for many addresses, each keychain's share of one is checked
        # past the bound: unused addresses cost nothing extra there.
        look_ahead = max(gap, batch_size // len(KEYCHAINS))
        stored_last = {
            keychain: max(
                (index for chain_of, index in stored.members if chain_of == keychain), default=-1
            )
            for keychain in KEYCHAINS
        }
        found: dict[tuple[int, int], tuple[str, AddressActivity]] = {}
        checked = dict.fromkeys(KEYCHAINS, -1)
        last_used = dict.fromkeys(KEYCHAINS, -1)
        tip_height = 0
        while True:
            pending: list[tuple[int, int]] = []
            for keychain in KEYCHAINS:
                bound = max(last_used[keychain] + gap, stored_last[keychain])
                if bound <= checked[keychain]:
                    continue
                if batch_size > 1:
                    bound = max(bound, checked[keychain] + look_ahead)
                first = checked[keychain] + 1
                pending.extend((keychain, index) for index in range(first, bound + 1))
                checked[keychain] = bound
            if not pending:
                break
            addresses = {key: _address_of(wallet, stored, key) for key in pending}
            for start in range(0, len(pending), batch_size):
                keys = pending[start : start + batch_size]
                batch = await self.provider.activity([addresses[key] for key in keys])
                tip_height = max(tip_height, batch.tip_height)
                for key in keys:
                    found[key] = (addresses[key], batch.activity[addresses[key]])
                    keychain, index = key
                    # Keys come in index order: a used address counts only within the gap
                    # after the last one that counted (one looked at beyond it does not).
                    if found[key][1].used and index <= last_used[keychain] + gap:
                        last_used[keychain] = index
                self.addresses_scanned += len(keys)
                await self._report_scanned()
        self.last_used = last_used
        return found, tip_height

    async def _report_scanned(self) -> None:
        async with self.sessions.begin() as session:
            row = await job_claims.renew_claim(
                session,
                self.job,
                provider=self.provider.name,
                addresses_scanned=self.addresses_scanned,
            )
        await self.publisher.job_changed(row, progress_only=True)

    async def report_fetched(self, member_fetched: int) -> None:
        """The wallet's job: transactions fetched by this run so far, the member's included."""
        async with self.sessions.begin() as session:
            row = await job_claims.renew_claim(
                session,
                self.job,
                provider=self.provider.name,
                fetched_transactions=self.fetched_transactions + member_fetched,
            )
        await self.publisher.job_changed(row, progress_only=True)

    async def _sync_member(self, member: Member) -> None:
        """Syncs the address under its own job, queued or taken over from the queue; an
        address another run is syncing right now is left to it (the wallet nets what is
        stored, and its next sync sees the rest)."""
        held = await job_claims.hold_address(
            self.sessions, address_id=member.address_id, stale_after=MEMBER_STALE_AFTER
        )
        if held is None:
            logger.info(
                "sync job %s: %s is being synced by another run; using what is stored",
                self.job.job_id,
                member.address,
            )
            return
        await self.publisher.job_changed(held.row)
        sync = MemberSync(self.sessions, self.provider, held, self.publisher, wallet_sync=self)
        try:
            finished = await sync.run()
        except asyncio.CancelledError:
            await asyncio.shield(job_claims.release_claim(self.sessions, held))
            raise
        except Exception as error:
            failed = await _atomic(job_claims.finish_failure(self.sessions, held, error=str(error)))
            await self.publisher.job_changed(failed)
            raise
        await self.publisher.job_changed(finished)
        self.fetched_transactions += sync.fetched_transactions

    async def _write_wallet_history(self) -> None:
        """The members' rows netted by transaction, replacing what the wallet stored."""
        netted = _netted(
            await hd_members.member_rows(self.sessions, wallet_address_id=self.job.address_id)
        )
        sync_pass = _new_pass_id()
        for start in range(0, len(netted), FULL_PAGE_SIZE):
            await self.save_page(
                netted[start : start + FULL_PAGE_SIZE], sync_pass=sync_pass, resume_cursor=None
            )
        await _atomic(
            transaction_history.delete_unseen(
                self.sessions, self.job, sync_pass=sync_pass, above_height=None
            )
        )


def _address_of(wallet: HdWallet, stored: StoredWallet, key: tuple[int, int]) -> str:
    member = stored.members.get(key)
    return member.address if member is not None else wallet.address(*key)


def _changed(member: Member, seen: AddressActivity, recent: set[int]) -> bool:
    if member.address_id in recent:
        return True
    if not seen.used:
        # Stored history the provider no longer has (a reorg dropped it) must go.
        return member.synced and member.total_received_sat != 0
    return (
        not member.synced
        or member.balance_sat != seen.balance_sat
        or member.total_received_sat != seen.total_received_sat
        or member.total_sent_sat != seen.total_sent_sat
    )


def _netted(rows: Sequence[hd_members.MemberRow]) -> list[ProviderTransaction]:
    """One transaction per txid: amounts summed over the members (change coming back to the
    wallet cancels what it spent), confirmed when any member saw it confirmed."""
    by_txid: dict[str, list[hd_members.MemberRow]] = {}
    for row in rows:
        by_txid.setdefault(row.txid, []).append(row)
    netted = []
    for txid, seen in by_txid.items():
        confirmed = [row for row in seen if row.block_height is not None]
        anchor = max(confirmed, key=lambda row: row.block_height or 0) if confirmed else seen[0]
        times: list[datetime] = [row.tx_time for row in seen if row.tx_time is not None]
        netted.append(
            ProviderTransaction(
                txid=txid,
                block_height=anchor.block_height,
                time=anchor.tx_time or (min(times) if times else None),
                amount_sat=sum(row.amount_sat for row in seen),
                failed=any(row.failed for row in seen),
            )
        )
    return netted
