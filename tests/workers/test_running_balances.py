"""Running balances (`balance_after_sat`) stay exact when a sync deletes or moves rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from db.models import Chain, TrackedAddress, Transaction, sort_key_for
from tests.utils.sync_harness import (
    SyncHarness,
    running_balance_problems,
)
from workers import job_claims, running_balances, transaction_history
from workers.providers.base import ProviderTransaction

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


async def _claimed_job(harness: SyncHarness) -> job_claims.ClaimedJob:
    job = await harness.queue(ADDRESS)
    claimed = await job_claims.claim_job(
        harness.sessions, job_id=job.id, claim_token="t" * 32, stale_after=timedelta(minutes=1)
    )
    assert claimed is not None
    return claimed


async def test_a_page_moving_an_old_row_later_rebalances_from_its_old_time(
    harness: SyncHarness,
) -> None:
    await harness.sync(ADDRESS)
    address_id = (await harness.tracked(ADDRESS)).id
    async with harness.sessions() as session:
        oldest = (
            await session.execute(
                select(Transaction)
                .where(Transaction.address_id == address_id, Transaction.block_height.is_not(None))
                .order_by(Transaction.tx_time, Transaction.id)
                .limit(1)
            )
        ).scalar_one()
        newest_time = await session.scalar(
            select(func.max(Transaction.tx_time)).where(Transaction.address_id == address_id)
        )
    assert newest_time is not None
    # A reorg re-mines the oldest transaction after everything else: every page time is
    # later than where its old place leaves the running balances wrong.
    moved = ProviderTransaction(
        txid=oldest.txid,
        block_height=(oldest.block_height or 0) + 1_000_000,
        time=newest_time + timedelta(hours=1),
        amount_sat=oldest.amount_sat,
    )
    await transaction_history.save_page(
        harness.sessions,
        await _claimed_job(harness),
        [moved],
        sync_pass=KEPT_PASS,
        provider="esplora",
        fetched_transactions=1,
        expected_transactions=None,
        resume_cursor=None,
    )
    async with harness.sessions.begin() as session:
        await running_balances.refresh_running_balances(session, address_id, chain=Chain.BITCOIN)
    assert await running_balance_problems(harness.sessions, ADDRESS) == []


async def test_a_page_listing_a_transaction_twice_stores_its_last_listing(
    harness: SyncHarness,
) -> None:
    claimed = await _claimed_job(harness)
    address_id = claimed.address_id
    txid = "ab" * 32
    listed = [
        ProviderTransaction(txid, 900_000, datetime(2030, 1, 1, tzinfo=UTC), 1_000),
        ProviderTransaction(txid, 900_001, datetime(2030, 1, 2, tzinfo=UTC), -(2**70)),
    ]
    await transaction_history.save_page(
        harness.sessions,
        claimed,
        listed,
        sync_pass=KEPT_PASS,
        provider="esplora",
        fetched_transactions=2,
        expected_transactions=None,
        resume_cursor=None,
    )
    async with harness.sessions() as session:
        stored = (
            await session.execute(
                select(Transaction.block_height, Transaction.tx_time, Transaction.amount_sat).where(
                    Transaction.address_id == address_id, Transaction.txid == txid
                )
            )
        ).all()
    assert stored == [(900_001, datetime(2030, 1, 2, tzinfo=UTC), -(2**70))]


async def test_a_page_of_amounts_past_64_bits_is_stored_exactly(
    harness: SyncHarness,
) -> None:
    claimed = await _claimed_job(harness)
    amounts = [2**256 - 1, -(2**70) - 21_000 * 10**9, 10**24, -(2**256 - 1) + 7]
    page = [
        ProviderTransaction(
            f"{number:064x}", 900_000 + number, datetime(2030, 1, 1 + number, tzinfo=UTC), amount
        )
        for number, amount in enumerate(amounts)
    ]
    await transaction_history.save_page(
        harness.sessions,
        claimed,
        page,
        sync_pass=KEPT_PASS,
        provider="esplora",
        fetched_transactions=len(page),
        expected_transactions=None,
        resume_cursor=None,
    )
    async with harness.sessions() as session:
        stored = (
            await session.execute(
                select(Transaction.amount_sat)
                .where(Transaction.address_id == claimed.address_id)
                .order_by(Transaction.tx_time)
            )
        ).all()
    assert [amount for (amount,) in stored] == amounts


# Pages written oldest first carry their balances on SQLite; PostgreSQL recomputes them at the
# end of the sync in one UPDATE, as every other sync does.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_pages_written_oldest_first_are_exact_as_soon_as_committed(
    harness: SyncHarness,
) -> None:
    claimed = await _claimed_job(harness)
    start = datetime(2030, 1, 1, tzinfo=UTC)

    def listed(number: int, day: int, amount: int) -> ProviderTransaction:
        return ProviderTransaction(
            f"{number:064x}", 900_000 + day, start + timedelta(days=day), amount
        )

    async def save(page: list[ProviderTransaction]) -> None:
        await transaction_history.save_page(
            harness.sessions,
            claimed,
            page,
            sync_pass=KEPT_PASS,
            provider="etherscan",
            fetched_transactions=len(page),
            expected_transactions=None,
            resume_cursor=None,
            oldest_first=True,
        )

    # Out of time order within a page, two rows of one block, amounts past 64 bits (summed
    # exactly as for Ethereum).
    pages = [
        [listed(0, 1, 2**256 - 6), listed(1, 0, 5)],
        [listed(2, 2, -(2**70)), listed(3, 2, 7), listed(4, 3, -(10**24))],
    ]
    for page in pages:
        await save(page)
        assert await running_balance_problems(harness.sessions, ADDRESS) == []
    # A reorg moves a stored row after the others: the page is upserted and the balances
    # from the row's old place are recomputed as usual.
    await save([listed(1, 4, 5)])
    async with harness.sessions.begin() as session:
        await running_balances.refresh_running_balances(
            session, claimed.address_id, chain=Chain.ETHEREUM
        )
    assert await running_balance_problems(harness.sessions, ADDRESS) == []
    async with harness.sessions() as session:
        heights = await session.scalars(
            select(Transaction.block_height)
            .where(Transaction.address_id == claimed.address_id)
            .order_by(Transaction.tx_time, Transaction.id)
        )
        assert list(heights) == [900_001, 900_002, 900_002, 900_003, 900_004]
