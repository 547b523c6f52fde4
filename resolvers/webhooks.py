"""An account's webhooks: create (the secret shown once), change, delete, ping, and their
deliveries, newest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.global_ids import global_id
from db.models import (
    Chain,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
    utc_now,
)
from db.session import SessionFactory
from resolvers import wallets as wallet_reads
from resolvers.errors import ErrorCode, InputError
from resolvers.pagination import CursorCodec, Page, PageRequest, fetch_keyset_page
from settings import Settings
from workers.metrics import SharedMetrics
from workers.webhooks import outbox
from workers.webhooks.destinations import WebhookSender, refusal_of_url
from workers.webhooks.dispatcher import Claimed, Destination, WebhookDispatcher
from workers.webhooks.secret_box import secret_box
from workers.webhooks.signing import new_secret

if TYPE_CHECKING:
    from resolvers.viewer import Viewer

URL_MAX_LENGTH = 2_000
SUBSCRIBABLE_EVENTS = tuple(event for event in WebhookEvent if event is not WebhookEvent.PING)
TURNED_OFF = "turned off"


@dataclass(frozen=True)
class WebhookResult:
    webhook: Webhook | None
    secret: str | None = None
    errors: list[InputError] = field(default_factory=list)


@dataclass(frozen=True)
class DeletedResult:
    deleted_id: int | None
    errors: list[InputError] = field(default_factory=list)


@dataclass(frozen=True)
class PingResult:
    delivery: WebhookDelivery | None
    errors: list[InputError] = field(default_factory=list)


def delivery_cursors(webhook_id: int) -> CursorCodec:
    return CursorCodec(kind="WebhookDelivery", scope=webhook_id, key_length=1)


async def list_webhooks(sessions: SessionFactory, *, viewer: Viewer) -> list[Webhook]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Webhook).where(Webhook.account_id == viewer.account_id).order_by(Webhook.id)
        )
        return list(rows)


async def get_webhook(
    sessions: SessionFactory, *, viewer: Viewer, webhook_id: int
) -> Webhook | None:
    async with sessions() as session:
        return await _own(session, viewer, webhook_id)


async def create_webhook(
    sessions: SessionFactory,
    settings: Settings,
    *,
    viewer: Viewer,
    url: str,
    events: list[WebhookEvent],
    address: str | None,
    chain: Chain | None,
) -> WebhookResult:
    errors = [*_events_errors(events), *await _url_errors(url, settings)]
    wallet_id = None
    if address is not None:
        view, wallet_error = await wallet_reads.find_wallet(
            sessions, viewer=viewer, chain=chain, address=address
        )
        if wallet_error is not None:
            errors.append(InputError(wallet_error.code, wallet_error.message, ("address",)))
        elif view is not None:
            wallet_id = view.wallet.id
    elif chain is not None:
        errors.append(
            InputError(
                ErrorCode.INVALID_INPUT,
                "`chain` names the chain of `address`; give the address too, or neither for "
                "every wallet of the account.",
                ("chain",),
            )
        )
    if errors:
        return WebhookResult(webhook=None, errors=errors)
    secret = new_secret()
    async with sessions.begin() as session:
        count = await session.scalar(
            select(func.count()).select_from(Webhook).where(Webhook.account_id == viewer.account_id)
        )
        if (count or 0) >= settings.max_webhooks_per_account:
            message = (
                f"This account already has {settings.max_webhooks_per_account} webhooks, the "
                "maximum; delete one first."
            )
            return WebhookResult(
                webhook=None, errors=[InputError(ErrorCode.LIMIT_EXCEEDED, message)]
            )
        row = Webhook(
            account_id=viewer.account_id,
            wallet_id=wallet_id,
            url=url.strip(),
            events=_stored_events(events),
            enabled=True,
            secret_sealed=secret_box(settings).seal(secret),
            failed_in_a_row=0,
            created_at=utc_now(),
        )
        session.add(row)
    return WebhookResult(webhook=row, secret=secret)


async def update_webhook(
    sessions: SessionFactory,
    settings: Settings,
    *,
    viewer: Viewer,
    webhook_id: int,
    url: str | None,
    events: list[WebhookEvent] | None,
    enabled: bool | None,
) -> WebhookResult:
    errors: list[InputError] = []
    if events is not None:
        errors += _events_errors(events)
    if url is not None:
        errors += await _url_errors(url, settings)
    if errors:
        return WebhookResult(webhook=None, errors=errors)
    async with sessions.begin() as session:
        row = await _own(session, viewer, webhook_id)
        if row is None:
            return WebhookResult(webhook=None, errors=[_not_found()])
        if url is not None:
            row.url = url.strip()
        if events is not None:
            row.events = _stored_events(events)
        if enabled is True and not row.enabled:
            # Turned on again: what waited while it was off is sent now, in order.
            row.enabled, row.disabled_reason, row.failed_in_a_row = True, None, 0
        elif enabled is False and row.enabled:
            row.enabled, row.disabled_reason = False, TURNED_OFF
    return WebhookResult(webhook=row)


async def delete_webhook(
    sessions: SessionFactory, *, viewer: Viewer, webhook_id: int
) -> DeletedResult:
    async with sessions.begin() as session:
        row = await _own(session, viewer, webhook_id)
        if row is None:
            return DeletedResult(deleted_id=None, errors=[_not_found()])
        await session.delete(row)
    return DeletedResult(deleted_id=webhook_id)


async def send_ping(
    sessions: SessionFactory, settings: Settings, *, viewer: Viewer, webhook_id: int
) -> PingResult:
    """A PING delivery, sent at once from this process: one attempt, whose outcome is final.
    It is sent even while the webhook is disabled (to check a receiver before turning it on),
    and does not count towards disabling it."""
    box = secret_box(settings)
    async with WebhookSender(
        allow_private=settings.webhook_allow_private,
        allow_http=settings.webhook_allow_http,
        timeout_seconds=settings.webhook_timeout_seconds,
    ) as sender:
        dispatcher = WebhookDispatcher(
            sessions, settings, sender=sender, box=box, metrics=SharedMetrics(None)
        )
        now = utc_now()
        async with sessions.begin() as session:
            webhook = await _own(session, viewer, webhook_id)
            if webhook is None:
                return PingResult(delivery=None, errors=[_not_found()])
            data = {"webhook": {"id": global_id("Webhook", webhook.id), "url": webhook.url}}
            values = outbox.new_delivery_row(
                webhook.id, WebhookEvent.PING, outbox.body(WebhookEvent.PING, data, now), now
            )
            # Claimed by this request from the start, so no worker sends it meanwhile.
            values.update(attempts=1, locked_until=now + dispatcher.lease)
            row = WebhookDelivery(**values)
            session.add(row)
            await session.flush()
            claimed = Claimed.of(row)
            destination = Destination(url=webhook.url, secret=box.open(webhook.secret_sealed))
        outcome = await dispatcher.send(destination, claimed)
        await dispatcher.record(webhook_id, claimed, outcome, retry=False)
    async with sessions() as session:
        return PingResult(delivery=await session.get(WebhookDelivery, claimed.id))


async def delivery_page(
    sessions: SessionFactory, *, webhook_id: int, request: PageRequest
) -> tuple[Page[WebhookDelivery], int]:
    """A page of the webhook's deliveries, newest first, and how many it has."""
    statement = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    async with sessions() as session:
        page = await fetch_keyset_page(
            session,
            statement,
            key_columns=[WebhookDelivery.id],
            request=request,
            unpack_row=lambda row: row[0],
        )
        total = await session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook_id)
        )
    return page, int(total or 0)


async def get_delivery(
    sessions: SessionFactory, *, viewer: Viewer, delivery_id: int
) -> WebhookDelivery | None:
    async with sessions() as session:
        return await session.scalar(
            select(WebhookDelivery)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(WebhookDelivery.id == delivery_id, Webhook.account_id == viewer.account_id)
        )


def stored_events(row: Webhook) -> list[WebhookEvent]:
    """The webhook's events in the order of the enum."""
    chosen = outbox.parse_events(row.events)
    return [event for event in WebhookEvent if event in chosen]


async def _own(session: AsyncSession, viewer: Viewer, webhook_id: int) -> Webhook | None:
    return await session.scalar(
        select(Webhook).where(Webhook.id == webhook_id, Webhook.account_id == viewer.account_id)
    )


def _stored_events(events: list[WebhookEvent]) -> str:
    return ",".join(event.value for event in WebhookEvent if event in set(events))


def _events_errors(events: list[WebhookEvent]) -> list[InputError]:
    if not events:
        return [
            InputError(
                ErrorCode.INVALID_INPUT,
                "Choose at least one event: "
                + ", ".join(event.value for event in SUBSCRIBABLE_EVENTS)
                + ".",
                ("events",),
            )
        ]
    if WebhookEvent.PING in events:
        return [
            InputError(
                ErrorCode.INVALID_INPUT,
                "PING is sent only by testWebhook; it cannot be subscribed to.",
                ("events",),
            )
        ]
    return []


async def _url_errors(url: str, settings: Settings) -> list[InputError]:
    text = url.strip()
    if len(text) > URL_MAX_LENGTH:
        refusal: str | None = f"The URL is longer than {URL_MAX_LENGTH} characters."
    else:
        refusal = await refusal_of_url(
            text,
            allow_http=settings.webhook_allow_http,
            allow_private=settings.webhook_allow_private,
        )
    return [] if refusal is None else [InputError(ErrorCode.INVALID_INPUT, refusal, ("url",))]


def _not_found() -> InputError:
    return InputError(ErrorCode.NOT_FOUND, "No webhook of this account has that id.", ("id",))
