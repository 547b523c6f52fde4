"""Webhooks in the contract: their types, `Viewer.webhooks` and the webhook mutations.

Delivering webhooks is not built yet: an account has none, and the mutations say so in their
`errors` (code FORBIDDEN) and change nothing."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.enums import Chain, ErrorCode
from schema.errors import UserError
from schema.node import Node
from schema.pagination import PageInfo

if TYPE_CHECKING:
    from schema.wallets import Wallet

NOT_AVAILABLE = "Webhooks are not available on this server yet; nothing was changed."


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
    last_status_code: int | None
    last_error: str | None
    payload: str
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class Webhook(Node):
    id: strawberry.ID
    url: str
    events: list[WebhookEvent]
    wallet: Annotated[Wallet, strawberry.lazy("schema.wallets")] | None
    enabled: bool
    created_at: datetime

    @strawberry.field(description="Newest first.")
    def deliveries(
        self, first: int | None = strawberry.UNSET, after: str | None = strawberry.UNSET
    ) -> WebhookDeliveryConnection:
        return WebhookDeliveryConnection(
            edges=[],
            page_info=PageInfo.of_edges([], has_next_page=False),
            total_count=0,
        )


@strawberry.input
class CreateWebhookInput:
    url: str
    events: list[WebhookEvent]
    address: str | None = strawberry.UNSET
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


def _not_available() -> list[UserError]:
    return [UserError(code=ErrorCode.FORBIDDEN, field=None, message=NOT_AVAILABLE)]


def create_webhook(input: CreateWebhookInput) -> CreateWebhookPayload:  # noqa: A002
    return CreateWebhookPayload(webhook=None, secret=None, errors=_not_available())


def update_webhook(input: UpdateWebhookInput) -> UpdateWebhookPayload:  # noqa: A002
    return UpdateWebhookPayload(webhook=None, errors=_not_available())


def delete_webhook(input: DeleteWebhookInput) -> DeleteWebhookPayload:  # noqa: A002
    return DeleteWebhookPayload(deleted_id=None, errors=_not_available())


def send_test_webhook(input: TestWebhookInput) -> TestWebhookPayload:  # noqa: A002
    return TestWebhookPayload(delivery=None, errors=_not_available())
