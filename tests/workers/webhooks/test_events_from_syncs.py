"""Webhook events from real syncs through the simulator, delivered to a real receiver, signed
and verified with the Standard Webhooks reference library, on both databases."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as ReferenceVerifier

from db.models import Chain, DeliveryStatus, JobStatus, WebhookDelivery, WebhookEvent
from resolvers import webhooks as webhook_resolvers
from resolvers.wallets import add_wallet
from settings import Settings
from tests.utils.sync_harness import SyncHarness, harness_settings, sync_harness
from tools.webhook_receiver import Received, WebhookReceiver, running_receiver
from workers.metrics import SharedMetrics
from workers.webhooks.dispatcher import start_dispatcher

WITH_MEMPOOL = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
SATOSHI = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
ALL_EVENTS = [
    WebhookEvent.TRANSACTION_NEW,
    WebhookEvent.TRANSACTION_CONFIRMED,
    WebhookEvent.TRANSACTION_DROPPED,
    WebhookEvent.SYNC_FAILED,
]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def webhook_settings(simulator: Any) -> Settings:
    return harness_settings(
        simulator,
        webhook_allow_http=True,
        webhook_allow_private=True,
        webhook_retry_schedule="0.05,0.05",
        webhook_timeout_seconds=2.0,
    )


@pytest.fixture
async def harness(
    sessions: Any, redis_server: Any, simulator: Any, webhook_settings: Settings
) -> AsyncIterator[SyncHarness]:
    async with sync_harness(
        sessions=sessions, redis_server=redis_server, simulator=simulator, settings=webhook_settings
    ) as running:
        yield running


async def deliveries(harness: SyncHarness) -> list[WebhookDelivery]:
    async with harness.sessions() as session:
        return list(await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def events_of(rows: list[WebhookDelivery]) -> list[tuple[str, str]]:
    """(event, txid or "") of each delivery, in order."""
    shown = []
    for row in rows:
        data = json.loads(row.payload)["data"]
        shown.append((row.event.value, data.get("transaction", {}).get("txid", "")))
    return shown


async def create_hook(
    harness: SyncHarness,
    settings: Settings,
    url: str,
    events: list[WebhookEvent] = ALL_EVENTS,
    **scope: Any,
) -> tuple[int, str]:
    created = await webhook_resolvers.create_webhook(
        harness.sessions,
        settings,
        viewer=harness.viewer,
        url=url,
        events=events,
        address=scope.get("address"),
        chain=scope.get("chain"),
    )
    assert created.errors == [], created.errors
    assert created.webhook is not None
    assert created.secret is not None
    return created.webhook.id, created.secret


@asynccontextmanager
async def running_dispatcher(harness: SyncHarness, settings: Settings) -> AsyncIterator[None]:
    """The workers' webhook dispatcher, sending in the background meanwhile."""
    async with AsyncExitStack() as exits:
        await start_dispatcher(
            settings, sessions=harness.sessions, metrics=SharedMetrics(harness.redis), exits=exits
        )
        yield


async def settled(harness: SyncHarness, within_seconds: float = 20.0) -> None:
    """Waits until no delivery is pending (sent, or failed for good)."""
    deadline = time.monotonic() + within_seconds
    while any(row.status is DeliveryStatus.PENDING for row in await deliveries(harness)):
        assert time.monotonic() < deadline, "deliveries are still pending"
        await asyncio.sleep(0.05)


def verified(secret: str, request: Received) -> dict[str, Any]:
    """The body, once the reference library has checked its signature."""
    payload = ReferenceVerifier(secret).verify(request.body, request.headers)
    assert isinstance(payload, dict)
    return payload


async def test_real_syncs_make_signed_events_in_order_and_the_first_sync_does_not_flood(
    harness: SyncHarness, webhook_settings: Settings, receiver: WebhookReceiver
) -> None:
    await add_wallet(
        harness.sessions,
        harness.redis,
        viewer=harness.viewer,
        chain=Chain.BITCOIN,
        address=WITH_MEMPOOL,
        label="savings",
    )
    _, secret = await create_hook(harness, webhook_settings, receiver.url)
    admin = harness.simulator.admin

    first = await harness.sync(WITH_MEMPOOL)
    assert first.status is JobStatus.SUCCEEDED
    history = harness.provider_history(WITH_MEMPOOL)
    assert history, "the address has a history"
    assert await deliveries(harness) == [], "the first sync sends nothing for existing history"

    waiting = [txid for txid, height, _ in history if height is None]
    assert waiting, "the address has unconfirmed transactions"
    admin.mine_block(address=WITH_MEMPOOL, amounts_sat=[12_345])
    await harness.sync(WITH_MEMPOOL)
    mined_txid, _, _ = harness.provider_history(WITH_MEMPOOL)[0]
    pending = admin.add_mempool_transaction(WITH_MEMPOOL, 77_000)
    await harness.sync(WITH_MEMPOOL)
    admin.mine_block()
    await harness.sync(WITH_MEMPOOL)
    doomed = admin.add_mempool_transaction(WITH_MEMPOOL, 5_000)
    await harness.sync(WITH_MEMPOOL)
    admin.drop_mempool_transaction(doomed)
    await harness.sync(WITH_MEMPOOL)

    events = events_of(await deliveries(harness))
    # The block confirmed what was waiting in the mempool and paid the address once more.
    first_block = len(waiting) + 1
    assert sorted(events[:first_block]) == sorted(
        [("TRANSACTION_CONFIRMED", txid) for txid in waiting] + [("TRANSACTION_NEW", mined_txid)]
    )
    assert events[first_block:] == [
        ("TRANSACTION_NEW", pending),
        ("TRANSACTION_CONFIRMED", pending),
        ("TRANSACTION_NEW", doomed),
        ("TRANSACTION_DROPPED", doomed),
    ]

    async with running_dispatcher(harness, webhook_settings):
        received = await asyncio.to_thread(receiver.wait_for, len(events))
        await settled(harness)
    bodies = [verified(secret, request) for request in received]
    assert [
        (body["type"].upper().replace(".", "_"), body["data"]["transaction"]["txid"])
        for body in bodies
    ] == events
    new_pending, confirmed, dropped = bodies[-4], bodies[-3], bodies[-1]
    assert new_pending["data"]["wallet"]["address"] == WITH_MEMPOOL
    assert new_pending["data"]["wallet"]["label"] == "savings"
    assert new_pending["data"]["wallet"]["chain"] == "BITCOIN"
    assert new_pending["data"]["transaction"]["amount"] == "77000"
    assert new_pending["data"]["transaction"]["blockHeight"] is None
    assert new_pending["data"]["transaction"]["confirmations"] == 0
    assert confirmed["type"] == "transaction.confirmed"
    assert confirmed["data"]["transaction"]["blockHeight"] is not None
    assert confirmed["data"]["transaction"]["confirmations"] >= 1
    assert dropped["type"] == "transaction.dropped"
    assert dropped["data"]["reason"] == "dropped from the mempool"
    [mined] = [body for body in bodies if body["data"]["transaction"]["txid"] == mined_txid]
    assert mined["data"]["transaction"]["amount"] == "12345"
    rows = await deliveries(harness)
    assert {row.status for row in rows} == {DeliveryStatus.SUCCEEDED}
    assert [request.headers["webhook-id"] for request in received] == [
        row.message_id for row in rows
    ]


async def test_a_reorg_that_sends_a_payment_back_to_the_mempool_is_told_as_dropped(
    harness: SyncHarness, webhook_settings: Settings, receiver: WebhookReceiver
) -> None:
    admin = harness.simulator.admin
    await harness.sync(WITH_MEMPOOL)
    await create_hook(harness, webhook_settings, receiver.url)
    # Three payments in the last block: the reorg keeps the 1st, moves the 2nd, and sends the
    # 3rd back to the mempool.
    admin.mine_block(address=WITH_MEMPOOL, amounts_sat=[1_000, 2_000, 3_000])
    await harness.sync(WITH_MEMPOOL)
    before = {txid: height for txid, height, _ in harness.provider_history(WITH_MEMPOOL)}
    admin.reorg(1)
    await harness.sync(WITH_MEMPOOL)
    after = {txid: height for txid, height, _ in harness.provider_history(WITH_MEMPOOL)}
    unconfirmed_again = [
        txid for txid, height in after.items() if height is None and before[txid] is not None
    ]
    assert unconfirmed_again, "the reorg sent a payment back to the mempool"

    dropped = [
        json.loads(row.payload)["data"]
        for row in await deliveries(harness)
        if row.event is WebhookEvent.TRANSACTION_DROPPED
    ]
    assert sorted(data["transaction"]["txid"] for data in dropped) == sorted(unconfirmed_again)
    assert all(data["reason"].startswith("reorganised out of block") for data in dropped)
    assert all(data["transaction"]["confirmations"] == 0 for data in dropped)


async def test_a_failed_sync_is_told_and_a_webhook_hears_only_what_it_asked_for(
    harness: SyncHarness, webhook_settings: Settings, receiver: WebhookReceiver
) -> None:
    await harness.sync(WITH_MEMPOOL)
    await harness.sync(SATOSHI)
    failures_only, _ = await create_hook(
        harness, webhook_settings, receiver.url, events=[WebhookEvent.SYNC_FAILED]
    )
    await create_hook(
        harness,
        webhook_settings,
        receiver.url + "/satoshi",
        address=SATOSHI,
        chain=Chain.BITCOIN,
    )
    harness.simulator.admin.add_mempool_transaction(WITH_MEMPOOL, 1_000)
    harness.simulator.admin.inject_fault("blockchair", "error_status", status=500, count=1000)
    harness.simulator.admin.inject_fault("esplora", "error_status", status=500, count=1000)

    failed = await harness.sync(WITH_MEMPOOL)

    assert failed.status is JobStatus.FAILED
    rows = await deliveries(harness)
    assert [(row.webhook_id, row.event) for row in rows] == [
        (failures_only, WebhookEvent.SYNC_FAILED)
    ]
    data = json.loads(rows[0].payload)["data"]
    assert data["wallet"]["address"] == WITH_MEMPOOL
    assert "blockchair" in data["sync"]["error"]


async def test_a_retry_after_a_500_keeps_its_webhook_id_and_a_failing_webhook_is_disabled(
    harness: SyncHarness, webhook_settings: Settings, receiver: WebhookReceiver
) -> None:
    settings = webhook_settings.model_copy(update={"webhook_disable_after": 2})
    await harness.sync(WITH_MEMPOOL)
    webhook_id, secret = await create_hook(harness, settings, receiver.url)
    admin = harness.simulator.admin
    first = admin.add_mempool_transaction(WITH_MEMPOOL, 1_000)
    await harness.sync(WITH_MEMPOOL)
    receiver.answer_with(500)
    async with running_dispatcher(harness, settings):
        await settled(harness)
    attempts = receiver.wait_for(2)
    assert attempts[0].headers["webhook-id"] == attempts[1].headers["webhook-id"]
    assert verified(secret, attempts[1])["data"]["transaction"]["txid"] == first
    [row] = await deliveries(harness)
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.SUCCEEDED, 2, 200)

    # Two deliveries in a row fail every attempt (3 each): the webhook is disabled.
    receiver.answer_with(*[500] * 6)
    admin.add_mempool_transaction(WITH_MEMPOOL, 2_000)
    admin.add_mempool_transaction(WITH_MEMPOOL, 3_000)
    await harness.sync(WITH_MEMPOOL)
    async with running_dispatcher(harness, settings):
        await settled(harness)
    rows = await deliveries(harness)
    assert [(row.status, row.attempts, row.last_error) for row in rows[1:]] == [
        (DeliveryStatus.FAILED, 3, "HTTP 500"),
        (DeliveryStatus.FAILED, 3, "HTTP 500"),
    ]
    hook = await webhook_resolvers.get_webhook(
        harness.sessions, viewer=harness.viewer, webhook_id=webhook_id
    )
    assert hook is not None
    assert not hook.enabled
    assert "2 deliveries in a row failed" in (hook.disabled_reason or "")
    assert len(receiver.received) == 2 + 6
