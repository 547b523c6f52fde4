"""`Viewer`: the account making the request and its API tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers import accounts
from schema.context import ContextInfo
from schema.node import Node


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


@strawberry.type
class Viewer:
    @strawberry.field
    async def account(self, info: ContextInfo) -> Account:
        account = await accounts.get_account(info.context.sessions, viewer=info.context.viewer)
        return Account(name=account.name, created_at=account.created_at)

    @strawberry.field
    def tokens(self) -> list[ApiToken]:
        # With AUTH=off there is only the implicit local account, which has no tokens.
        return []
