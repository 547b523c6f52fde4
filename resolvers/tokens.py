"""API tokens: random secrets shown once, stored as SHA-256 hashes, named and revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ApiToken, utc_now
from db.session import SessionFactory
from resolvers.errors import ErrorCode, InputError
from resolvers.text_input import clean_text

if TYPE_CHECKING:
    from resolvers.viewer import Viewer

TOKEN_PREFIX = "wt_"
TOKEN_NAME_MAX_LENGTH = 100
MAX_TOKENS_PER_ACCOUNT = 100
# Anything longer than a token we issue is refused without touching the database.
TOKEN_MAX_LENGTH = 100
# `lastUsedAt` is written at most this often per token, so reads stay reads.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    row: ApiToken
    secret: str


@dataclass(frozen=True)
class TokenOwner:
    account_id: int
    token_id: int


@dataclass(frozen=True)
class NewTokenResult:
    token: NewToken | None
    errors: list[InputError] = field(default_factory=list)


@dataclass(frozen=True)
class RevokeResult:
    revoked_id: int | None
    errors: list[InputError] = field(default_factory=list)


def hash_token(secret: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


async def add_token(session: AsyncSession, *, account_id: int, name: str) -> NewToken:
    """Inserts a token in the caller's transaction and returns its secret, the only copy."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(account_id=account_id, name=name, token_hash=hash_token(secret))
    session.add(row)
    await session.flush()
    return NewToken(row=row, secret=secret)


async def create_api_token(
    sessions: SessionFactory, *, viewer: Viewer, name: str
) -> NewTokenResult:
    cleaned, error = clean_text(name, field="name", max_length=TOKEN_NAME_MAX_LENGTH, required=True)
    if cleaned is None:
        assert error is not None
        return NewTokenResult(token=None, errors=[error])
    async with sessions.begin() as session:
        active = await session.scalar(
            select(func.count()).select_from(ApiToken).where(_active_of(viewer))
        )
        if (active or 0) >= MAX_TOKENS_PER_ACCOUNT:
            message = (
                f"This account already has {MAX_TOKENS_PER_ACCOUNT} active tokens, the maximum;"
                " revoke one first."
            )
            return NewTokenResult(
                token=None, errors=[InputError(ErrorCode.LIMIT_EXCEEDED, message)]
            )
        token = await add_token(session, account_id=viewer.account_id, name=cleaned)
    return NewTokenResult(token=token)


async def revoke_api_token(
    sessions: SessionFactory, *, viewer: Viewer, token_id: int
) -> RevokeResult:
    """Revokes one of the viewer's active tokens (the one in use included)."""
    async with sessions.begin() as session:
        revoked = await session.scalar(
            update(ApiToken)
            .where(_active_of(viewer), ApiToken.id == token_id)
            .values(revoked_at=utc_now())
            .returning(ApiToken.id)
        )
    if revoked is None:
        message = "No active API token of this account has that id."
        return RevokeResult(
            revoked_id=None, errors=[InputError(ErrorCode.NOT_FOUND, message, ("id",))]
        )
    return RevokeResult(revoked_id=revoked)


async def list_tokens(sessions: SessionFactory, *, viewer: Viewer) -> list[ApiToken]:
    async with sessions() as session:
        rows = await session.scalars(
            select(ApiToken).where(_active_of(viewer)).order_by(ApiToken.id)
        )
        return list(rows)


async def get_token(sessions: SessionFactory, *, viewer: Viewer, token_id: int) -> ApiToken | None:
    async with sessions() as session:
        return await session.scalar(
            select(ApiToken).where(_active_of(viewer), ApiToken.id == token_id)
        )


async def authenticate(sessions: SessionFactory, secret: str) -> TokenOwner | None:
    """The owner of an active token, recording its use; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > TOKEN_MAX_LENGTH:
        return None
    async with sessions.begin() as session:
        found = (
            await session.execute(
                select(ApiToken.id, ApiToken.account_id, ApiToken.last_used_at).where(
                    ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None)
                )
            )
        ).one_or_none()
        if found is None:
            return None
        now = utc_now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            await session.execute(
                update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=now)
            )
    return TokenOwner(account_id=found.account_id, token_id=found.id)


def _active_of(viewer: Viewer) -> ColumnElement[bool]:
    return (ApiToken.account_id == viewer.account_id) & ApiToken.revoked_at.is_(None)
