"""`Viewer`: the account making the request, its API tokens, and the account mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.models import ApiToken as ApiTokenRow
from resolvers import accounts
from resolvers import tokens as token_resolvers
from resolvers.errors import ErrorCode, InputError
from schema.context import ContextInfo
from schema.errors import UserError, user_errors
from schema.node import Node, input_id, to_global_id
from schema.webhooks import Webhook, list_webhooks

SIGN_UP_CLOSED = (
    "Sign-up is closed on this server (ALLOW_SIGNUP=false): its operator creates accounts"
    " with `python -m server create-account NAME`."
)


@strawberry.type
class Account:
    name: str
    created_at: datetime


@strawberry.type
class ApiToken(Node):
    id: strawberry.ID
    name: str
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def from_row(cls, row: ApiTokenRow) -> ApiToken:
        return cls(
            id=to_global_id("ApiToken", row.id),
            name=row.name,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
        )


@strawberry.type
class Viewer:
    @strawberry.field
    async def account(self, info: ContextInfo) -> Account:
        account = await accounts.get_account(info.context.sessions, viewer=info.context.viewer)
        return Account(name=account.name, created_at=account.created_at)

    @strawberry.field(description="The account's active API tokens, oldest first.")
    async def tokens(self, info: ContextInfo) -> list[ApiToken]:
        rows = await token_resolvers.list_tokens(info.context.sessions, viewer=info.context.viewer)
        return [ApiToken.from_row(row) for row in rows]

    webhooks: list[Webhook] = strawberry.field(
        resolver=list_webhooks, description="The account's webhooks, oldest first."
    )


@strawberry.input
class CreateAccountInput:
    name: str


@strawberry.type
class CreateAccountPayload:
    account: Account | None
    token: str | None = strawberry.field(
        description="The account's first API token, shown only here, once."
    )
    errors: list[UserError]


@strawberry.input
class CreateApiTokenInput:
    name: str


@strawberry.type
class CreateApiTokenPayload:
    api_token: ApiToken | None
    token: str | None = strawberry.field(description="The secret, shown only here, once.")
    errors: list[UserError]


@strawberry.input
class RevokeApiTokenInput:
    id: strawberry.ID


@strawberry.type
class RevokeApiTokenPayload:
    revoked_id: strawberry.ID | None
    errors: list[UserError]


async def create_account(info: ContextInfo, input: CreateAccountInput) -> CreateAccountPayload:  # noqa: A002
    if not info.context.settings.allow_signup:
        closed = InputError(ErrorCode.FORBIDDEN, SIGN_UP_CLOSED)
        return CreateAccountPayload(account=None, token=None, errors=user_errors([closed]))
    created = await accounts.create_account(info.context.sessions, name=input.name)
    if created.account is None or created.token is None:
        return CreateAccountPayload(account=None, token=None, errors=user_errors(created.errors))
    account = Account(name=created.account.name, created_at=created.account.created_at)
    return CreateAccountPayload(account=account, token=created.token.secret, errors=[])


async def create_api_token(info: ContextInfo, input: CreateApiTokenInput) -> CreateApiTokenPayload:  # noqa: A002
    created = await token_resolvers.create_api_token(
        info.context.sessions, viewer=info.context.viewer, name=input.name
    )
    if created.token is None:
        return CreateApiTokenPayload(api_token=None, token=None, errors=user_errors(created.errors))
    return CreateApiTokenPayload(
        api_token=ApiToken.from_row(created.token.row), token=created.token.secret, errors=[]
    )


async def revoke_api_token(info: ContextInfo, input: RevokeApiTokenInput) -> RevokeApiTokenPayload:  # noqa: A002
    keys = input_id(input.id, "ApiToken", 1)
    if isinstance(keys, InputError):
        return RevokeApiTokenPayload(revoked_id=None, errors=user_errors([keys]))
    (token_id,) = keys
    revoked = await token_resolvers.revoke_api_token(
        info.context.sessions, viewer=info.context.viewer, token_id=token_id
    )
    revoked_id = (
        to_global_id("ApiToken", revoked.revoked_id) if revoked.revoked_id is not None else None
    )
    return RevokeApiTokenPayload(revoked_id=revoked_id, errors=user_errors(revoked.errors))


async def resolve_token(info: ContextInfo, token_id: int) -> ApiToken | None:
    row = await token_resolvers.get_token(
        info.context.sessions, viewer=info.context.viewer, token_id=token_id
    )
    return ApiToken.from_row(row) if row is not None else None
