"""A worker process killed in the middle of a delivery: the next worker sends it again, with
the same webhook-id, once the dead worker's claim has run out."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select

from db.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from db.session import SessionFactory
from resolvers import webhooks as webhook_resolvers
from resolvers.accounts import ensure_local_account
from settings import Settings
from tests.utils.processes import ProcessRig
from tools.webhook_receiver import running_receiver
from workers.webhooks import outbox

SECRET_KEY = "a server key shared by the test and its workers"


async def test_a_delivery_cut_short_by_a_killed_worker_is_sent_again_by_the_next(
    processes: ProcessRig, sessions: SessionFactory
) -> None:
    settings = Settings(secret_key=SECRET_KEY, webhook_allow_http=True, webhook_allow_private=True)
    environment = processes.environment(
        SECRET_KEY=SECRET_KEY,
        WEBHOOK_ALLOW_HTTP="true",
        WEBHOOK_ALLOW_PRIVATE="true",
        # A claim lasts 2 x 1 + 5 = 7 s.
        WEBHOOK_TIMEOUT_SECONDS="1",
    )
    viewer = await ensure_local_account(sessions)
    with running_receiver() as receiver:
        created = await webhook_resolvers.create_webhook(
            sessions,
            settings,
            viewer=viewer,
            url=receiver.url,
            events=[WebhookEvent.TRANSACTION_NEW],
            address=None,
            chain=None,
        )
        assert created.webhook is not None
        async with sessions.begin() as session:
            await outbox.add_event(
                session,
                webhook_id=created.webhook.id,
                event=WebhookEvent.TRANSACTION_NEW,
                data={"note": "an event written with its change"},
            )
        receiver.hold_next(30)
        first = processes.worker(environment, "first-worker")
        try:
            await asyncio.to_thread(receiver.wait_for, 1, 60)
        finally:
            first.kill()

        with processes.worker(environment, "second-worker") as second:
            deadline = time.monotonic() + 60
            while (delivery := await only_delivery(sessions)).status is DeliveryStatus.PENDING:
                assert time.monotonic() < deadline, second.log_tail()
                await asyncio.sleep(0.1)

    assert delivery.status is DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 2
    cut_short, sent_again = receiver.received
    assert cut_short.headers["webhook-id"] == sent_again.headers["webhook-id"]
    assert cut_short.body == sent_again.body
    # Not before the killed worker's claim ran out.
    assert sent_again.at - cut_short.at >= 6


async def only_delivery(sessions: SessionFactory) -> WebhookDelivery:
    async with sessions() as session:
        return (await session.scalars(select(WebhookDelivery))).one()
