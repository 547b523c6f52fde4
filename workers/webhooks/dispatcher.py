"""Sends the outbox: each enabled webhook's pending deliveries, oldest first, one at a time per
webhook and many webhooks at once, from every worker process.

A delivery is claimed by setting `locked_until` (a lease) before it is sent: a worker killed
mid-send leaves the lease to run out, and the next worker sends it again (at least once; the
`webhook-id` lets receivers drop the repeat). A webhook's next delivery waits while an earlier
one is pending, so its receiver sees events in the order they happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import ColumnElement, Table, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent, utc_now
from db.session import SessionFactory
from settings import Settings
from workers.metrics import SharedMetrics
from workers.webhooks.destinations import Outcome, WebhookSender
from workers.webhooks.secret_box import SecretBox, SecretBoxError, secret_box
from workers.webhooks.signing import signed_headers

logger = logging.getLogger(__name__)

# How often an idle dispatcher looks for due deliveries.
POLL_SECONDS = 0.2
# Webhooks sent to at once by one worker.
PARALLEL_WEBHOOKS = 16
# Deliveries sent to one webhook before its turn passes to the others.
BATCH_PER_TURN = 200
# Deliveries claimed at once (one statement), then sent one by one in order.
CLAIM_RUN = 50
JITTER = 0.2


@dataclass(frozen=True)
class Claimed:
    id: int
    message_id: str
    event: WebhookEvent
    payload: str
    attempts: int
    created_at: datetime
    lease: datetime

    @classmethod
    def of(cls, row: WebhookDelivery) -> Claimed:
        assert row.locked_until is not None
        return cls(
            id=row.id,
            message_id=row.message_id,
            event=row.event,
            payload=row.payload,
            attempts=row.attempts,
            created_at=row.created_at,
            lease=row.locked_until,
        )


@dataclass(frozen=True)
class Destination:
    url: str
    secret: str


class WebhookDispatcher:
    def __init__(
        self,
        sessions: SessionFactory,
        settings: Settings,
        *,
        sender: WebhookSender,
        box: SecretBox,
        metrics: SharedMetrics,
    ) -> None:
        self.sessions = sessions
        self.sender = sender
        self.box = box
        self.metrics = metrics
        self.retry_seconds = settings.webhook_retry_seconds
        self.disable_after = settings.webhook_disable_after
        # Longer than any attempt can take, so a live sender never loses its claim.
        self.lease = timedelta(seconds=2 * settings.webhook_timeout_seconds + 5)
        self._turns = asyncio.Semaphore(PARALLEL_WEBHOOKS)

    async def run_forever(self) -> None:
        while True:
            try:
                sent = await self.send_due()
            except Exception:
                logger.exception("sending webhooks failed; trying again shortly")
                sent = 0
            if not sent:
                await asyncio.sleep(POLL_SECONDS)

    async def send_due(self) -> int:
        """Sends what is due now, one batch per webhook with a due delivery; how many attempts."""
        webhook_ids = await self._webhooks_with_due_delivery()
        sent = await asyncio.gather(*(self._take_turn(webhook_id) for webhook_id in webhook_ids))
        return sum(sent)

    async def _take_turn(self, webhook_id: int) -> int:
        """Sends the webhook's due deliveries in order, a claimed run at a time, until one
        fails (the rest wait for its retry) or the turn's share is spent."""
        async with self._turns:
            destination = await self._destination(webhook_id)
            if destination is None:
                return 0
            attempts = 0
            while attempts < BATCH_PER_TURN:
                run = await self._claim_run(webhook_id)
                if not run:
                    break
                succeeded: list[tuple[Claimed, Outcome, datetime]] = []
                for index, delivery in enumerate(run):
                    outcome = await self.send(destination, delivery)
                    attempts += 1
                    if outcome.succeeded:
                        succeeded.append((delivery, outcome, utc_now()))
                        continue
                    await self._record_successes(webhook_id, succeeded)
                    await self._release(run[index + 1 :])
                    await self.record(webhook_id, delivery, outcome)
                    return attempts
                await self._record_successes(webhook_id, succeeded)
            return attempts

    async def send(self, destination: Destination, delivery: Claimed) -> Outcome:
        body = delivery.payload.encode()
        timestamp = int(utc_now().timestamp())
        headers = signed_headers(destination.secret, delivery.message_id, timestamp, body)
        return await self.sender.post(destination.url, body, headers)

    async def _webhooks_with_due_delivery(self) -> list[int]:
        now = utc_now()
        pending = aliased(WebhookDelivery)
        head = (
            select(func.min(pending.id))
            .where(pending.webhook_id == Webhook.id, pending.status == DeliveryStatus.PENDING)
            .correlate(Webhook)
            .scalar_subquery()
        )
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Webhook.id)
                .join(WebhookDelivery, WebhookDelivery.id == head)
                .where(Webhook.enabled.is_(True), *_claimable(now))
                .order_by(WebhookDelivery.id)
            )
            return list(rows)

    async def _destination(self, webhook_id: int) -> Destination | None:
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(Webhook.url, Webhook.secret_sealed).where(Webhook.id == webhook_id)
                )
            ).first()
        if row is None:
            return None
        try:
            return Destination(url=row.url, secret=self.box.open(row.secret_sealed))
        except SecretBoxError:
            logger.exception("webhook %s: its secret cannot be read; nothing is sent", webhook_id)
            return None

    async def _claim_run(self, webhook_id: int) -> list[Claimed]:
        """Claims the webhook's oldest pending deliveries, up to CLAIM_RUN of them, as far as
        they are due and nobody holds them: a run that starts at the oldest, so they go out
        in order."""
        now = utc_now()
        lease = now + self.lease
        async with self.sessions.begin() as session:
            oldest = await session.execute(
                select(
                    WebhookDelivery.id,
                    WebhookDelivery.next_attempt_at,
                    WebhookDelivery.locked_until,
                )
                .where(
                    WebhookDelivery.webhook_id == webhook_id,
                    WebhookDelivery.status == DeliveryStatus.PENDING,
                )
                .order_by(WebhookDelivery.id)
                .limit(CLAIM_RUN)
            )
            run: list[int] = []
            for delivery_id, next_attempt_at, locked_until in oldest:
                if next_attempt_at is None or next_attempt_at > now:
                    break
                if locked_until is not None and locked_until >= now:
                    break
                run.append(delivery_id)
            if not run:
                return []
            enabled = select(Webhook.id).where(Webhook.id == webhook_id, Webhook.enabled.is_(True))
            rows = (
                await session.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id.in_(run), *_claimable(now), enabled.exists())
                    .values(locked_until=lease, attempts=WebhookDelivery.attempts + 1)
                    .returning(
                        WebhookDelivery.id,
                        WebhookDelivery.message_id,
                        WebhookDelivery.event,
                        WebhookDelivery.payload,
                        WebhookDelivery.attempts,
                        WebhookDelivery.created_at,
                    )
                    .execution_options(synchronize_session=False)
                )
            ).all()
        claimed = sorted((Claimed(*row, lease=lease) for row in rows), key=lambda c: c.id)
        if [delivery.id for delivery in claimed] != run[: len(claimed)]:
            # Another worker took part of the run meanwhile: hand back ours, keep the order.
            await self._release(claimed)
            return []
        return claimed

    async def _release(self, deliveries: list[Claimed]) -> None:
        """Hands claimed deliveries back unsent (their attempt not counted)."""
        if not deliveries:
            return
        async with self.sessions.begin() as session:
            await session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id.in_([delivery.id for delivery in deliveries]),
                    WebhookDelivery.locked_until == deliveries[0].lease,
                )
                .values(locked_until=None, attempts=WebhookDelivery.attempts - 1)
                .execution_options(synchronize_session=False)
            )

    async def _record_successes(
        self, webhook_id: int, succeeded: list[tuple[Claimed, Outcome, datetime]]
    ) -> None:
        """Stores a run's delivered ones in one statement (a crash before it sends them
        again: at least once), and the webhook's failures-in-a-row count back to 0."""
        if not succeeded:
            return
        table = cast("Table", WebhookDelivery.__table__)
        async with self.sessions.begin() as session:
            connection = await session.connection()
            await connection.execute(
                update(table)
                .where(
                    table.c.id == bindparam("delivery_id"),
                    table.c.locked_until == bindparam("lease"),
                )
                .values(
                    status=DeliveryStatus.SUCCEEDED,
                    delivered_at=bindparam("delivered_at"),
                    last_status_code=bindparam("status_code"),
                    last_error=None,
                    last_response=bindparam("response"),
                    next_attempt_at=None,
                    locked_until=None,
                ),
                [
                    {
                        "delivery_id": delivery.id,
                        "lease": delivery.lease,
                        "delivered_at": at,
                        "status_code": outcome.status_code,
                        "response": outcome.response_body,
                    }
                    for delivery, outcome, at in succeeded
                ],
            )
            if any(delivery.event is not WebhookEvent.PING for delivery, _, _ in succeeded):
                await session.execute(
                    update(Webhook)
                    .where(Webhook.id == webhook_id, Webhook.failed_in_a_row != 0)
                    .values(failed_in_a_row=0)
                    .execution_options(synchronize_session=False)
                )
        await self.metrics.webhooks_delivered(
            [(at - delivery.created_at).total_seconds() for delivery, _, at in succeeded]
        )

    async def record(
        self, webhook_id: int, delivery: Claimed, outcome: Outcome, *, retry: bool = True
    ) -> bool:
        """Stores the outcome of an attempt: SUCCEEDED, PENDING again with the next attempt's
        time, or FAILED once the retry schedule is spent (`retry=False`: at once, for a PING).
        Returns whether it succeeded. Nothing is stored when the claim was lost meanwhile."""
        now = utc_now()
        values: dict[str, object] = {
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
            "last_response": outcome.response_body,
            "locked_until": None,
        }
        final_failure = False
        if outcome.succeeded:
            values.update(status=DeliveryStatus.SUCCEEDED, delivered_at=now, next_attempt_at=None)
        elif retry and delivery.attempts <= len(self.retry_seconds):
            delay = self.retry_seconds[delivery.attempts - 1]
            delay *= 1 + random.uniform(-JITTER, JITTER)
            values.update(next_attempt_at=now + timedelta(seconds=delay))
        else:
            final_failure = True
            values.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery.id,
                    WebhookDelivery.locked_until == delivery.lease,
                )
                .values(**values)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                logger.warning("webhook delivery %s was claimed by another worker", delivery.id)
                return False
            if final_failure and delivery.event is not WebhookEvent.PING:
                await self._count_failure(session, webhook_id, outcome)
        await self.metrics.webhook_attempt("succeeded" if outcome.succeeded else "failed")
        if outcome.succeeded or final_failure:
            seconds = (now - delivery.created_at).total_seconds()
            await self.metrics.webhook_delivered(
                "succeeded" if outcome.succeeded else "failed", seconds
            )
        return outcome.succeeded

    async def _count_failure(
        self, session: AsyncSession, webhook_id: int, outcome: Outcome
    ) -> None:
        """One more delivery FAILED in a row (successes reset the count in
        `_record_successes`); enough of them disable the webhook."""
        failed = await session.scalar(
            update(Webhook)
            .where(Webhook.id == webhook_id)
            .values(failed_in_a_row=Webhook.failed_in_a_row + 1)
            .returning(Webhook.failed_in_a_row)
        )
        if failed is not None and failed >= self.disable_after:
            await session.execute(
                update(Webhook)
                .where(Webhook.id == webhook_id, Webhook.enabled.is_(True))
                .values(
                    enabled=False,
                    disabled_reason=(
                        f"disabled after {failed} deliveries in a row failed "
                        f"(WEBHOOK_DISABLE_AFTER={self.disable_after}); the last: "
                        f"{outcome.error}"
                    ),
                )
            )
            logger.warning(
                "webhook %s disabled after %s failed deliveries in a row", webhook_id, failed
            )


async def start_dispatcher(
    settings: Settings, *, sessions: SessionFactory, metrics: SharedMetrics, exits: AsyncExitStack
) -> WebhookDispatcher:
    """A dispatcher running in the background until `exits` closes."""
    sender = await exits.enter_async_context(
        WebhookSender(
            allow_private=settings.webhook_allow_private,
            allow_http=settings.webhook_allow_http,
            timeout_seconds=settings.webhook_timeout_seconds,
        )
    )
    dispatcher = WebhookDispatcher(
        sessions, settings, sender=sender, box=secret_box(settings), metrics=metrics
    )
    task = asyncio.create_task(dispatcher.run_forever(), name="webhook dispatcher")

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    exits.push_async_callback(stop)
    return dispatcher


def _claimable(now: datetime) -> list[ColumnElement[bool]]:
    return [
        WebhookDelivery.next_attempt_at <= now,
        or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
    ]
