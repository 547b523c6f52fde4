"""Running balances (`balance_after_sat`) stay exact when a sync deletes or moves rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from db.models import Chain, TrackedAddress, Transaction, sort_key_for
from tests.utils.sync_harness import (
    SyncHarness,
    running_balance_problems,
)
from workers import job_claims, running_balances, transaction_history

ADDRESS = "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju"
KEPT_PASS, BOGUS_PASS = 1, 2


async def test_deleting_an_old_confirmed_row_rebalances_everything_after_it(
    harness: SyncHarness,
) -> None:
    await harness.sync(ADDRESS)
    address_id = (await harness.tracked(ADDRESS)).id
    sessions = harness.sessions
    async with sessions.begin() as session:
        times = list(
            await session.scalars(
                select(Transaction.tx_time)
                .where(Transaction.address_id == address_id, Transaction.block_height.is_not(None))
                .order_by(Transaction.tx_time)
            )
        )
        middle = times[len(times) // 2]
        assert middle is not None
        # A confirmed transaction the provider has since forgotten, in the middle of history,
        # with every running balance made consistent with it.
        await session.execute(
            update(Transaction)
            .where(Transaction.address_id == address_id)
            .values(sync_pass=KEPT_PASS, balance_after_sat=None)
        )
        await session.execute(
            update(TrackedAddress)
            .where(TrackedAddress.id == address_id)
            .values(balances_stale_from=times[0])
        )
        await session.execute(
            insert(Transaction).values(
                address_id=address_id,
                txid="ee" * 32,
                block_height=1,
                sort_key=sort_key_for(1),
                tx_time=middle - timedelta(seconds=1),
                amount_sat=987_654,
                sync_pass=BOGUS_PASS,
            )
        )
        await running_balances.refresh_running_balances(session, address_id, chain=Chain.BITCOIN)
    assert await running_balance_problems(sessions, ADDRESS) == []

    job = await harness.queue(ADDRESS)
    claimed = await job_claims.claim_job(
        sessions, job_id=job.id, claim_token="t" * 32, stale_after=timedelta(minutes=1)
    )
    assert claimed is not None
    deleted = await transaction_history.delete_unseen(
        sessions, claimed, sync_pass=KEPT_PASS, above_height=None
    )
    assert deleted == 1
    async with sessions.begin() as session:
        await running_balances.refresh_running_balances(session, address_id, chain=Chain.BITCOIN)
    assert await running_balance_problems(sessions, ADDRESS) == []


async def test_running_balances_are_exact_across_refresh_chunks(
    harness: SyncHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of 7 rows: boundaries fall inside blocks, between transactions sharing a time.
    monkeypatch.setattr(running_balances, "REFRESH_CHUNK_ROWS", 7)
    await harness.sync(ADDRESS)
    assert await running_balance_problems(harness.sessions, ADDRESS) == []
