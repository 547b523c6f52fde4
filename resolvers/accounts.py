"""Accounts: sign-up, the local account of AUTH=off, and the command that creates one."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from db.models import Account
from db.session import SessionFactory
from db.upsert import dialect_insert
from resolvers.errors import ErrorCode, InputError
from resolvers.text_input import clean_text
from resolvers.tokens import NewToken, add_token
from resolvers.viewer import Viewer

LOCAL_ACCOUNT_NAME = "local"
ACCOUNT_NAME_MAX_LENGTH = 100
FIRST_TOKEN_NAME = "first token"


@dataclass(frozen=True)
class NewAccount:
    account: Account | None
    token: NewToken | None
    errors: list[InputError] = field(default_factory=list)


async def ensure_local_account(sessions: SessionFactory) -> Viewer:
    """The implicit account every request acts as with AUTH=off, created on first start."""
    async with sessions.begin() as session:
        insert = dialect_insert(session, Account)
        await session.execute(
            insert.values(name=LOCAL_ACCOUNT_NAME).on_conflict_do_nothing(index_elements=["name"])
        )
        account_id = await session.scalar(
            select(Account.id).where(Account.name == LOCAL_ACCOUNT_NAME)
        )
    assert account_id is not None
    return Viewer(account_id=account_id)


async def create_account(sessions: SessionFactory, *, name: str) -> NewAccount:
    """A new account with its first API token; an error when the name is invalid or taken."""
    cleaned, error = clean_text(
        name, field="name", max_length=ACCOUNT_NAME_MAX_LENGTH, required=True
    )
    if cleaned is None:
        assert error is not None
        return NewAccount(account=None, token=None, errors=[error])
    async with sessions.begin() as session:
        insert = dialect_insert(session, Account)
        account_id = await session.scalar(
            insert.values(name=cleaned)
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(Account.id)
        )
        if account_id is None:
            message = f"An account named {cleaned!r} already exists; choose another name."
            taken = InputError(ErrorCode.INVALID_INPUT, message, ("name",))
            return NewAccount(account=None, token=None, errors=[taken])
        token = await add_token(session, account_id=account_id, name=FIRST_TOKEN_NAME)
        account = await session.get_one(Account, account_id)
    return NewAccount(account=account, token=token)


async def get_account(sessions: SessionFactory, *, viewer: Viewer) -> Account:
    async with sessions() as session:
        account = await session.get(Account, viewer.account_id)
    if account is None:
        raise LookupError(f"account {viewer.account_id} of the viewer no longer exists")
    return account
