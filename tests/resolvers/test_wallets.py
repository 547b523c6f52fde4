"""Wallets are per-account views of shared addresses: one sync, separate labels."""

from __future__ import annotations

from datetime import UTC, datetime

from arq import ArqRedis
from sqlalchemy import func, select

from db.models import Chain, TrackedAddress, Transaction, sort_key_for
from db.session import SessionFactory
from resolvers.accounts import ensure_local_account
from resolvers.viewer import Viewer
from resolvers.wallets import add_wallet, get_wallet, remove_wallet, update_wallet
from tests.utils.factories import create_account

SHARED = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
OTHER = "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju"
SHARED_TXID = "ab" * 32


async def _two_viewers(database_url: str, sessions: SessionFactory) -> tuple[Viewer, Viewer]:
    alice = await ensure_local_account(sessions)
    bob = Viewer(account_id=await create_account(database_url, "bob"))
    return alice, bob


async def test_two_accounts_share_one_address_but_not_labels(
    database_url: str, sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    alice, bob = await _two_viewers(database_url, sessions)

    alice_add = await add_wallet(
        sessions, arq_redis, viewer=alice, chain=Chain.BITCOIN, address=SHARED, label="Alice's"
    )
    bob_add = await add_wallet(
        sessions, arq_redis, viewer=bob, chain=Chain.BITCOIN, address=SHARED.upper(), label="Bob's"
    )

    assert alice_add.errors == bob_add.errors == []
    assert alice_add.wallet is not None
    assert bob_add.wallet is not None
    assert alice_add.wallet.tracked.id == bob_add.wallet.tracked.id
    assert alice_add.wallet.wallet.id != bob_add.wallet.wallet.id
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(TrackedAddress)) == 1

    await update_wallet(
        sessions, viewer=bob, chain=Chain.BITCOIN, address=SHARED, relabel=True, label="Renamed"
    )
    alice_view = await get_wallet(sessions, viewer=alice, chain=Chain.BITCOIN, address=SHARED)
    assert alice_view is not None
    assert alice_view.wallet.label == "Alice's"


async def test_removing_a_wallet_leaves_other_views_and_shared_transactions(
    database_url: str, sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    alice, bob = await _two_viewers(database_url, sessions)
    for viewer in (alice, bob):
        await add_wallet(
            sessions, arq_redis, viewer=viewer, chain=Chain.BITCOIN, address=SHARED, label=None
        )
    await add_wallet(
        sessions, arq_redis, viewer=alice, chain=Chain.BITCOIN, address=OTHER, label=None
    )
    async with sessions.begin() as session:
        address_ids: dict[str, int] = dict(
            (await session.execute(select(TrackedAddress.address, TrackedAddress.id))).all()
        )
        # One transaction moving coins from OTHER to SHARED: each address keeps its own amount.
        session.add_all(
            Transaction(
                address_id=address_ids[address],
                txid=SHARED_TXID,
                block_height=800_000,
                sort_key=sort_key_for(800_000),
                tx_time=datetime(2023, 7, 24, tzinfo=UTC),
                amount_sat=amount_sat,
            )
            for address, amount_sat in ((SHARED, 50_000), (OTHER, -51_000))
        )

    removed = await remove_wallet(
        sessions, arq_redis, viewer=alice, chain=Chain.BITCOIN, address=SHARED
    )

    assert removed.removed_address == SHARED
    assert await get_wallet(sessions, viewer=alice, chain=Chain.BITCOIN, address=SHARED) is None
    assert await get_wallet(sessions, viewer=bob, chain=Chain.BITCOIN, address=SHARED) is not None
    async with sessions() as session:
        amounts: dict[int, int] = dict(
            (
                await session.execute(
                    select(Transaction.address_id, Transaction.amount_sat).where(
                        Transaction.txid == SHARED_TXID
                    )
                )
            ).all()
        )
    assert amounts == {address_ids[SHARED]: 50_000, address_ids[OTHER]: -51_000}


async def test_removing_the_last_view_keeps_the_synced_data_for_a_later_re_add(
    sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    viewer = await ensure_local_account(sessions)
    await add_wallet(
        sessions, arq_redis, viewer=viewer, chain=Chain.BITCOIN, address=SHARED, label="x"
    )
    await remove_wallet(sessions, arq_redis, viewer=viewer, chain=Chain.BITCOIN, address=SHARED)

    again = await add_wallet(
        sessions, arq_redis, viewer=viewer, chain=Chain.BITCOIN, address=SHARED, label=None
    )

    assert again.wallet is not None
    assert again.wallet.wallet.label is None
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(TrackedAddress)) == 1
