"""The outbox: webhook deliveries written in the database transaction of the change that causes
them, so a change is never stored without its events, nor an event without its change.

A sync calls these inside its own transaction: `PageEvents` around a page it upserts (new and
newly confirmed transactions), `record_dropped` before it deletes rows, `record_sync_failed` when
a job fails. Each first asks which enabled webhooks hear about the address (`targets_of`): with
none, which is the common case, nothing more is read or written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from addresses import display_address
from db.global_ids import global_id
from db.models import (
    Chain,
    ChainTip,
    DeliveryStatus,
    HdWallet,
    TrackedAddress,
    Transaction,
    Wallet,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
    confirmations,
    utc_now,
)
from db.txid_filter import txid_among
from workers.providers.base import ProviderTransaction
from workers.webhooks.signing import new_message_id


@dataclass(frozen=True)
class Target:
    """An enabled webhook that hears about one wallet on the address being changed."""

    webhook_id: int
    events: frozenset[WebhookEvent]
    wallet_id: int
    wallet: dict[str, Any]
    """The wallet as a delivery's body shows it: id, address, chain, label."""
    wallet_created_at: datetime
    address_last_synced_at: datetime | None

    def hears(self, event: WebhookEvent) -> bool:
        if event not in self.events:
            return False
        if event is WebhookEvent.TRANSACTION_NEW:
            # A wallet's first sync sends no TRANSACTION_NEW for the history it finds: only a
            # wallet that has seen a sync finish since it was added hears of new transactions.
            synced = self.address_last_synced_at
            return synced is not None and synced >= self.wallet_created_at
        return True


def parse_events(text: str) -> frozenset[WebhookEvent]:
    return frozenset(WebhookEvent(name) for name in text.split(",") if name)


def _heard_by(webhook: type[Webhook], wallet: type[Wallet]) -> ColumnElement[bool]:
    return and_(
        webhook.enabled.is_(True),
        webhook.account_id == wallet.account_id,
        or_(webhook.wallet_id.is_(None), webhook.wallet_id == wallet.id),
    )


async def targets_of(session: AsyncSession, address_id: int) -> list[Target]:
    """The enabled webhooks of every account with a wallet on `address_id`, one per wallet."""
    rows = await session.execute(
        select(
            Webhook.id,
            Webhook.events,
            Wallet.id,
            Wallet.label,
            Wallet.added_as,
            Wallet.created_at,
            TrackedAddress.chain,
            TrackedAddress.address,
            TrackedAddress.last_synced_at,
            HdWallet.descriptor,
        )
        .join(Wallet, _heard_by(Webhook, Wallet))
        .join(TrackedAddress, TrackedAddress.id == Wallet.address_id)
        .outerjoin(HdWallet, HdWallet.address_id == TrackedAddress.id)
        .where(Wallet.address_id == address_id)
        .order_by(Webhook.id)
    )
    targets = []
    for (
        webhook_id,
        events,
        wallet_id,
        label,
        added_as,
        created_at,
        chain,
        address,
        last_synced_at,
        descriptor,
    ) in rows:
        shown = (added_as or descriptor) if descriptor is not None else None
        targets.append(
            Target(
                webhook_id=webhook_id,
                events=parse_events(events),
                wallet_id=wallet_id,
                wallet={
                    "id": global_id("Wallet", wallet_id),
                    "address": shown or display_address(chain, address),
                    "chain": chain.value,
                    "label": label,
                },
                wallet_created_at=created_at,
                address_last_synced_at=last_synced_at,
            )
        )
    return targets


@dataclass
class PageEvents:
    """The events of one page a sync upserts: `before` reads what is stored of the page's
    transactions, `after` (once the page is written, in the same transaction) records a
    TRANSACTION_NEW for each one not stored before and a TRANSACTION_CONFIRMED for each one
    stored unconfirmed that now has a block."""

    targets: list[Target]
    stored_heights: dict[str, int | None]
    chain: Chain

    @classmethod
    async def before(
        cls,
        session: AsyncSession,
        *,
        address_id: int,
        chain: Chain,
        transactions: Sequence[ProviderTransaction],
    ) -> PageEvents | None:
        """None when no webhook hears about this address (nothing more to do)."""
        if not transactions:
            return None
        targets = await targets_of(session, address_id)
        if not targets:
            return None
        txids = list({tx.txid for tx in transactions})
        rows = await session.execute(
            select(Transaction.txid, Transaction.block_height).where(
                Transaction.address_id == address_id,
                txid_among(txids, session.get_bind().dialect.name),
            )
        )
        return cls(
            targets=targets, stored_heights={txid: height for txid, height in rows}, chain=chain
        )

    async def after(
        self,
        session: AsyncSession,
        *,
        address_id: int,
        transactions: Sequence[ProviderTransaction],
    ) -> None:
        changes: dict[str, tuple[WebhookEvent, str | None]] = {}
        for tx in transactions:
            if tx.txid not in self.stored_heights:
                changes[tx.txid] = (WebhookEvent.TRANSACTION_NEW, None)
                continue
            stored = self.stored_heights[tx.txid]
            if stored is None and tx.block_height is not None:
                changes[tx.txid] = (WebhookEvent.TRANSACTION_CONFIRMED, None)
            elif stored is not None and tx.block_height is None:
                # Back in the mempool: its block was reorganised away. It is no longer
                # confirmed; a TRANSACTION_CONFIRMED follows if it is mined again.
                changes[tx.txid] = (WebhookEvent.TRANSACTION_DROPPED, _reorganised(stored))
        if not changes:
            return
        rows = (
            await session.execute(
                select(Transaction)
                .where(
                    Transaction.address_id == address_id,
                    txid_among(list(changes), session.get_bind().dialect.name),
                )
                # Oldest first: the order the receivers hear of them.
                .order_by(Transaction.sort_key, Transaction.tx_time, Transaction.id)
            )
        ).scalars()
        tip = await _tip(session, self.chain)
        await _add(
            session,
            (
                (target, changes[row.txid][0], _data(target, row, tip, changes[row.txid][1]))
                for row in rows
                for target in self.targets
            ),
        )


async def record_dropped(session: AsyncSession, *, address_id: int, doomed: Any) -> None:
    """A TRANSACTION_DROPPED for each row `doomed` (a select of Transaction rows) is about to
    delete: dropped from the mempool, or reorganised out of the chain."""
    targets = await targets_of(session, address_id)
    if not targets:
        return
    rows = list((await session.execute(doomed)).scalars())
    if not rows:
        return
    chain = await session.scalar(
        select(TrackedAddress.chain).where(TrackedAddress.id == address_id)
    )
    tip = await _tip(session, chain) if chain is not None else None
    await _add(
        session,
        (
            (
                target,
                WebhookEvent.TRANSACTION_DROPPED,
                _data(
                    target,
                    row,
                    tip,
                    "dropped from the mempool"
                    if row.block_height is None
                    else _reorganised(row.block_height),
                ),
            )
            for row in rows
            for target in targets
        ),
    )


async def record_sync_failed(
    session: AsyncSession, *, address_id: int, job_id: int, error: str, failed_at: datetime
) -> None:
    targets = await targets_of(session, address_id)
    sync = {
        "jobId": global_id("SyncJob", job_id),
        "error": error,
        "failedAt": failed_at.isoformat(),
    }
    await _add(session, ((target, WebhookEvent.SYNC_FAILED, {"sync": sync}) for target in targets))


async def add_event(
    session: AsyncSession, *, webhook_id: int, event: WebhookEvent, data: dict[str, Any]
) -> None:
    """One event for one webhook, in the caller's transaction."""
    now = utc_now()
    await session.execute(
        insert(WebhookDelivery), [new_delivery_row(webhook_id, event, body(event, data, now), now)]
    )


def body(event: WebhookEvent, data: dict[str, Any], at: datetime) -> str:
    """A delivery's JSON body: `type`, `timestamp` and `data`, compact."""
    return json.dumps(
        {"type": event.type_name, "timestamp": at.isoformat(), "data": data},
        separators=(",", ":"),
    )


def new_delivery_row(
    webhook_id: int, event: WebhookEvent, payload: str, at: datetime
) -> dict[str, Any]:
    return {
        "webhook_id": webhook_id,
        "message_id": new_message_id(),
        "event": event,
        "payload": payload,
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "created_at": at,
        "next_attempt_at": at,
    }


async def _add(
    session: AsyncSession, events: Iterable[tuple[Target, WebhookEvent, dict[str, Any]]]
) -> None:
    now = utc_now()
    rows = [
        new_delivery_row(
            target.webhook_id, event, body(event, {"wallet": target.wallet, **data}, now), now
        )
        for target, event, data in events
        if target.hears(event)
    ]
    if rows:
        await session.execute(insert(WebhookDelivery), rows)


async def _tip(session: AsyncSession, chain: Chain) -> int | None:
    return await session.scalar(select(ChainTip.height).where(ChainTip.chain == chain))


def _reorganised(height: int) -> str:
    return f"reorganised out of block {height}"


def _data(target: Target, row: Transaction, tip: int | None, reason: str | None) -> dict[str, Any]:
    """A transaction event's data; `reason` is why it was dropped (then it counts no
    confirmations, whatever block it was in)."""
    data: dict[str, Any] = {"transaction": _transaction(target, row, tip)}
    if reason is not None:
        data["transaction"]["confirmations"] = 0
        data["reason"] = reason
    return data


def _transaction(target: Target, row: Transaction, tip: int | None) -> dict[str, Any]:
    return {
        "id": global_id("Transaction", target.wallet_id, row.id),
        "txid": row.txid,
        "amount": str(row.amount_sat),
        "blockHeight": row.block_height,
        "confirmations": confirmations(row.block_height, tip),
        "timestamp": row.tx_time.isoformat() if row.tx_time is not None else None,
        "fee": None if row.fee is None else str(row.fee),
        "failed": row.failed,
    }
