"""Accounts and the viewer a request acts as."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import Account
from db.session import SessionFactory
from db.upsert import dialect_insert

LOCAL_ACCOUNT_NAME = "local"


@dataclass(frozen=True)
class Viewer:
    account_id: int


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


async def get_account(sessions: SessionFactory, *, viewer: Viewer) -> Account:
    async with sessions() as session:
        account = await session.get(Account, viewer.account_id)
    if account is None:
        raise LookupError(f"account {viewer.account_id} of the viewer no longer exists")
    return account
