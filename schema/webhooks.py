"""Webhooks in the contract: their types, `Viewer.webhooks`, the webhook mutations, and a
webhook's deliveries."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from resolvers import wallets as wallet_reads
from resolvers import webhooks as webhook_resolvers
from resolvers.errors import InputError
from resolvers.pagination import page_request
from schema.context import ContextInfo
from schema.enums import Chain
from schema.errors import UserError, user_errors
from schema.node import Node, input_id, to_global_id
from schema.pagination import PageInfo, given

if TYPE_CHECKING:
    from schema.wallets import Wallet


@strawberry.enum(description="What a webhook is told about.")
class WebhookEvent(enum.Enum):
    TRANSACTION_NEW = strawberry.enum_value(
        "TRANSACTION_NEW", description="A transaction appeared in a wallet (confirmed or not)."
    )
    TRANSACTION_CONFIRMED = strawberry.enum_value(
        "TRANSACTION_CONFIRMED", description="A wallet's transaction got its first confirmation."
    )
    TRANSACTION_DROPPED = strawberry.enum_value(
        "TRANSACTION_DROPPED",
        description=(
            "A wallet's transaction disappeared: dropped from the mempool or reorganised out."
        ),
    )
    SYNC_FAILED = strawberry.enum_value("SYNC_FAILED", description="A wallet's sync failed.")
    PING = strawberry.enum_value("PING", description="Sent only by testWebhook.")


@strawberry.enum
class DeliveryStatus(enum.Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = strawberry.enum_value(
        "FAILED", description="Every attempt failed; no more will be made."
    )


@strawberry.type
class WebhookDelivery(Node):
    id: strawberry.ID
    event: WebhookEvent
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None = strawberry.field(
        description="HTTP status of the last attempt, when one was received."
    )
    last_error: str | None
    payload: str = strawberry.field(description="The JSON body that is (or was) sent.")
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    message_id: str = strawberry.field(
        description="Its `webhook-id` header: the same in every attempt, for receivers to "
        "drop repeats."
    )
    last_response: str | None = strawberry.field(
        description="The first 1 KB of the last answer's body."
    )

    @classmethod
    def from_row(cls, row: models.WebhookDelivery) -> WebhookDelivery:
        return cls(
            id=to_global_id("WebhookDelivery", row.id),
            event=WebhookEvent(row.event.value),
            status=DeliveryStatus(row.status.value),
            attempts=row.attempts,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            payload=row.payload,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
            next_attempt_at=(
                row.next_attempt_at if row.status is models.DeliveryStatus.PENDING else None
            ),
            message_id=row.message_id,
            last_response=row.last_response,
        )


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(
    description=(
        "An HTTPS endpoint of the viewer's that is sent signed events (Standard Webhooks: "
        "webhook-id, webhook-timestamp, webhook-signature headers)."
    )
)
class Webhook(Node):
    id: strawberry.ID
    url: str
    events: list[WebhookEvent]
    enabled: bool = strawberry.field(
        description=(
            "False after repeated failures or when turned off; nothing is sent while false."
        )
    )
    disabled_reason: str | None = strawberry.field(
        description="Why it is not enabled: turned off, or disabled after deliveries failed."
    )
    created_at: datetime
    webhook_id: strawberry.Private[int]
    wallet_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Webhook) -> Webhook:
        return cls(
            id=to_global_id("Webhook", row.id),
            url=row.url,
            events=[WebhookEvent(event.value) for event in webhook_resolvers.stored_events(row)],
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            created_at=row.created_at,
            webhook_id=row.id,
            wallet_id=row.wallet_id,
        )

    @strawberry.field(description="Only this wallet's events; null: every wallet of the account.")
    async def wallet(
        self, info: ContextInfo
    ) -> Annotated[Wallet, strawberry.lazy("schema.wallets")] | None:
        from schema.wallets import Wallet

        if self.wallet_id is None:
            return None
        view = await wallet_reads.get_wallet_by_id(
            info.context.sessions, viewer=info.context.viewer, wallet_id=self.wallet_id
        )
        return Wallet.from_view(view) if view is not None else None

    @strawberry.field(description="Newest first.")
    async def deliveries(
        self,
        info: ContextInfo,
        first: int | None = strawberry.UNSET,
        after: str | None = strawberry.UNSET,
    ) -> WebhookDeliveryConnection:
        codec = webhook_resolvers.delivery_cursors(self.webhook_id)
        request = page_request(
            first=given(first), after=given(after), last=None, before=None, codec=codec
        )
        page, total = await webhook_resolvers.delivery_page(
            info.context.sessions, webhook_id=self.webhook_id, request=request
        )
        edges = [
            WebhookDeliveryEdge(cursor=codec.encode((row.id,)), node=WebhookDelivery.from_row(row))
            for row in page.rows
        ]
        return WebhookDeliveryConnection(
            edges=edges,
            page_info=PageInfo.of_edges(
                [edge.cursor for edge in edges],
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
            ),
            total_count=total,
        )


@strawberry.input
class CreateWebhookInput:
    url: str
    events: list[WebhookEvent]
    address: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Limit the webhook to one wallet; absent: every wallet of the account.",
    )
    chain: Chain | None = strawberry.UNSET


@strawberry.type
class CreateWebhookPayload:
    webhook: Webhook | None
    secret: str | None = strawberry.field(
        description="The signing secret (whsec_...), shown only here, once."
    )
    errors: list[UserError]


@strawberry.input
class UpdateWebhookInput:
    id: strawberry.ID
    url: str | None = strawberry.UNSET
    events: list[WebhookEvent] | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET


@strawberry.type
class UpdateWebhookPayload:
    webhook: Webhook | None
    errors: list[UserError]


@strawberry.input
class DeleteWebhookInput:
    id: strawberry.ID


@strawberry.type
class DeleteWebhookPayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.input
class TestWebhookInput:
    id: strawberry.ID


@strawberry.type
class TestWebhookPayload:
    delivery: WebhookDelivery | None = strawberry.field(
        description="A delivery of a PING event, sent at once."
    )
    errors: list[UserError]


def _events(events: list[WebhookEvent] | None) -> list[models.WebhookEvent] | None:
    return None if events is None else [models.WebhookEvent(event.value) for event in events]


async def list_webhooks(info: ContextInfo) -> list[Webhook]:
    rows = await webhook_resolvers.list_webhooks(info.context.sessions, viewer=info.context.viewer)
    return [Webhook.from_row(row) for row in rows]


async def create_webhook(info: ContextInfo, input: CreateWebhookInput) -> CreateWebhookPayload:  # noqa: A002
    chain = given(input.chain)
    created = await webhook_resolvers.create_webhook(
        info.context.sessions,
        info.context.settings,
        viewer=info.context.viewer,
        url=input.url,
        events=_events(input.events) or [],
        address=given(input.address),
        chain=models.Chain(chain.value) if chain is not None else None,
    )
    if created.webhook is None:
        return CreateWebhookPayload(webhook=None, secret=None, errors=user_errors(created.errors))
    return CreateWebhookPayload(
        webhook=Webhook.from_row(created.webhook), secret=created.secret, errors=[]
    )


async def update_webhook(info: ContextInfo, input: UpdateWebhookInput) -> UpdateWebhookPayload:  # noqa: A002
    keys = input_id(input.id, "Webhook", 1)
    if isinstance(keys, InputError):
        return UpdateWebhookPayload(webhook=None, errors=user_errors([keys]))
    updated = await webhook_resolvers.update_webhook(
        info.context.sessions,
        info.context.settings,
        viewer=info.context.viewer,
        webhook_id=keys[0],
        url=given(input.url),
        events=_events(given(input.events)),
        enabled=given(input.enabled),
    )
    if updated.webhook is None:
        return UpdateWebhookPayload(webhook=None, errors=user_errors(updated.errors))
    return UpdateWebhookPayload(webhook=Webhook.from_row(updated.webhook), errors=[])


async def delete_webhook(info: ContextInfo, input: DeleteWebhookInput) -> DeleteWebhookPayload:  # noqa: A002
    keys = input_id(input.id, "Webhook", 1)
    if isinstance(keys, InputError):
        return DeleteWebhookPayload(deleted_id=None, errors=user_errors([keys]))
    deleted = await webhook_resolvers.delete_webhook(
        info.context.sessions, viewer=info.context.viewer, webhook_id=keys[0]
    )
    deleted_id = (
        to_global_id("Webhook", deleted.deleted_id) if deleted.deleted_id is not None else None
    )
    return DeleteWebhookPayload(deleted_id=deleted_id, errors=user_errors(deleted.errors))


async def send_test_webhook(info: ContextInfo, input: TestWebhookInput) -> TestWebhookPayload:  # noqa: A002
    keys = input_id(input.id, "Webhook", 1)
    if isinstance(keys, InputError):
        return TestWebhookPayload(delivery=None, errors=user_errors([keys]))
    sent = await webhook_resolvers.send_ping(
        info.context.sessions,
        info.context.settings,
        viewer=info.context.viewer,
        webhook_id=keys[0],
    )
    delivery = WebhookDelivery.from_row(sent.delivery) if sent.delivery is not None else None
    return TestWebhookPayload(delivery=delivery, errors=user_errors(sent.errors))


async def resolve_webhook_node(
    info: ContextInfo, type_name: str, keys: tuple[int, ...]
) -> Webhook | WebhookDelivery | None:
    sessions, viewer = info.context.sessions, info.context.viewer
    if type_name == "Webhook" and len(keys) == 1:
        row = await webhook_resolvers.get_webhook(sessions, viewer=viewer, webhook_id=keys[0])
        return Webhook.from_row(row) if row is not None else None
    if type_name == "WebhookDelivery" and len(keys) == 1:
        delivery = await webhook_resolvers.get_delivery(
            sessions, viewer=viewer, delivery_id=keys[0]
        )
        return WebhookDelivery.from_row(delivery) if delivery is not None else None
    return None
