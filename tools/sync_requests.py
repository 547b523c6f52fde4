"""Asking for a sync from beside the product, as a user adding a wallet does."""

from __future__ import annotations

from arq import ArqRedis

from db.models import Chain
from db.session import SessionFactory
from resolvers.accounts import ensure_local_account
from resolvers.wallets import add_wallet, find_wallet
from workers.queue import request_sync


async def queue_sync(
    sessions: SessionFactory, redis: ArqRedis, address: str, chain: Chain = Chain.BITCOIN
) -> int:
    """Tracks `address` on `chain` for the local account (unless it is already) and asks for a
    sync; the job id."""
    viewer = await ensure_local_account(sessions)
    await add_wallet(sessions, redis, viewer=viewer, chain=chain, address=address, label=None)
    wallet, error = await find_wallet(sessions, viewer=viewer, chain=chain, address=address)
    assert wallet is not None, error
    job = await request_sync(
        sessions, redis, address_id=wallet.tracked.id, requested_by_account_id=None
    )
    return job.id
