"""A first full sync writes its newest-first pages with running balances known in advance: they
must equal what the recompute would give, or be left to it when a page cannot prove them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import Chain, JobStatus, Transaction
from tests.utils.sync_harness import SyncHarness, running_balance_problems
from workers import job_claims, running_balances, sync, transaction_history
from workers.first_sync_pages import BalanceCarry
from workers.providers.base import ProviderTransaction

# Blocks with several of its transactions: pages of 7 rows split them between two pages.
ADDRESS = "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju"
SMALL_PAGE = 7
PASS = 5
BIG = 2**70
T0 = datetime(2030, 1, 1, tzinfo=UTC)


def _at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def _tx(name: str, height: int | None, hours: int | None, amount: int) -> ProviderTransaction:
    return ProviderTransaction(name * 32, height, None if hours is None else _at(hours), amount)


async def _claimed(harness: SyncHarness) -> job_claims.ClaimedJob:
    job = await harness.queue(ADDRESS)
    claimed = await job_claims.claim_job(
        harness.sessions, job_id=job.id, claim_token="t" * 32, stale_after=timedelta(minutes=1)
    )
    assert claimed is not None
    return claimed


async def _write_pages(
    harness: SyncHarness, pages: Sequence[Sequence[ProviderTransaction]], balance: int
) -> BalanceCarry:
    """The pages as a first pass writes them, newest first; `balance` as the provider says."""
    job = await _claimed(harness)
    carry = BalanceCarry(balance_before=balance)
    for number, page in enumerate(pages):
        _, carry = await transaction_history.save_first_sync_page(
            harness.sessions,
            job,
            page,
            sync_pass=PASS,
            provider="blockchair",
            fetched_transactions=0,
            expected_transactions=None,
            carry=carry,
            last_page=number == len(pages) - 1,
            resume_cursor=lambda _: None,
        )
    return carry


async def _recompute(harness: SyncHarness) -> None:
    address_id = (await harness.tracked(ADDRESS)).id
    async with harness.sessions.begin() as session:
        await running_balances.refresh_running_balances(session, address_id, chain=Chain.BITCOIN)


async def _txids(harness: SyncHarness) -> list[str]:
    async with harness.sessions() as session:
        return sorted(
            await session.scalars(
                select(Transaction.txid).where(
                    Transaction.address_id == (await harness.tracked(ADDRESS)).id
                )
            )
        )


async def test_a_first_sync_in_pages_that_split_blocks_has_exact_running_balances(
    harness: SyncHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync, "FULL_PAGE_SIZE", SMALL_PAGE)
    expected = harness.provider_history(ADDRESS)
    assert len(expected) > 3 * SMALL_PAGE

    finished = await harness.sync(ADDRESS)

    assert finished.status is JobStatus.SUCCEEDED
    assert await harness.stored_history(ADDRESS) == expected
    assert await running_balance_problems(harness.sessions, ADDRESS) == []


@pytest.mark.parametrize("harness_overrides", [{"blockchair_rate_limit": 20.0}])
async def test_a_first_sync_stopped_midway_resumes_with_exact_running_balances(
    harness: SyncHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync, "FULL_PAGE_SIZE", SMALL_PAGE)
    expected = harness.provider_history(ADDRESS)
    job = await harness.queue(ADDRESS)
    handed_back = await harness.stop_when_fetched(job.id, 2 * SMALL_PAGE)
    assert handed_back.status is JobStatus.QUEUED
    assert (await harness.tracked(ADDRESS)).sync_resume_cursor is not None

    await harness.engine.run_job(job.id)

    async with harness.sessions() as session:
        finished = await session.get_one(type(handed_back), job.id)
    assert finished.status is JobStatus.SUCCEEDED
    assert await harness.stored_history(ADDRESS) == expected
    assert await running_balance_problems(harness.sessions, ADDRESS) == []


async def test_pages_splitting_a_block_are_exact_with_no_recompute_even_past_64_bits(
    harness: SyncHarness,
) -> None:
    pages = [
        [
            _tx("a", None, None, 5),  # in the mempool: no running balance
            _tx("b", 40, 4, 100),
            _tx("c", 30, 3, -30),
            _tx("d", 30, 3, BIG),
        ],
        # The rest of block 30 (written after the rows above, so after them in balance order).
        [_tx("e", 30, 3, 7), _tx("f", 20, 2, BIG + 1)],
        [_tx("0", 10, 1, 50)],
    ]
    balance = sum(tx.amount_sat for page in pages for tx in page)

    carry = await _write_pages(harness, pages, balance)

    assert carry.exact
    assert carry.balance_before == 0
    # Nothing left for the finish to recompute, and nothing to recompute.
    assert (await harness.tracked(ADDRESS)).balances_stale_from is None
    assert await running_balance_problems(harness.sessions, ADDRESS) == []


async def test_a_transaction_listed_again_on_the_next_page_is_stored_once_and_recomputed(
    harness: SyncHarness,
) -> None:
    moved = _tx("b", 30, 3, -30)
    # The explorer's list shifted between two reads: the next page lists `moved` again.
    pages = [[_tx("a", 40, 4, 100), moved], [moved, _tx("c", 20, 2, 9)], [_tx("d", 10, 1, 50)]]
    balance = 100 - 30 + 9 + 50

    carry = await _write_pages(harness, pages, balance)

    assert not carry.exact
    assert await _txids(harness) == sorted(name * 32 for name in "abcd")
    assert (await harness.tracked(ADDRESS)).balances_stale_from is not None
    await _recompute(harness)
    assert await running_balance_problems(harness.sessions, ADDRESS) == []


@pytest.mark.parametrize(
    ("pages", "balance"),
    [
        # A block on the older page is later than one on the page before (block times are
        # not in height order).
        ([[_tx("a", 40, 4, 100), _tx("b", 30, 2, -30)], [_tx("c", 29, 3, 9)]], 79),
        # The provider's balance disagrees with the amounts it lists.
        ([[_tx("a", 40, 4, 100)], [_tx("b", 30, 2, -30)]], 71),
        # A mempool transaction below the first page.
        ([[_tx("a", 40, 4, 100)], [_tx("b", None, None, -30)]], 70),
    ],
    ids=["times-out-of-order", "balance-disagrees", "mempool-further-down"],
)
async def test_a_first_pass_that_cannot_prove_its_balances_leaves_them_to_the_recompute(
    harness: SyncHarness, pages: list[list[ProviderTransaction]], balance: int
) -> None:
    await _write_pages(harness, pages, balance)

    assert (await harness.tracked(ADDRESS)).balances_stale_from is not None
    await _recompute(harness)
    assert await running_balance_problems(harness.sessions, ADDRESS) == []


async def test_a_page_of_one_block_is_stored_in_the_explorers_order(
    harness: SyncHarness,
) -> None:
    # Rows of one time are ordered by id for their running balances: the ids must follow the
    # page (txids in no sorted order, so an insert that reordered them would show).
    names = [format(number * 7919 % 1000, "03x") for number in range(300)]
    page = [
        ProviderTransaction(name * 21 + name[0], 100, _at(1), number + 1)
        for number, name in enumerate(names)
    ]
    total = sum(tx.amount_sat for tx in page)

    carry = await _write_pages(harness, [page], total)

    assert carry.balance_before == 0
    async with harness.sessions() as session:
        stored = (
            await session.execute(
                select(Transaction.txid, Transaction.balance_after_sat)
                .where(Transaction.address_id == (await harness.tracked(ADDRESS)).id)
                .order_by(Transaction.id)
            )
        ).all()
    assert [txid for txid, _ in stored] == [tx.txid for tx in page]
    assert await running_balance_problems(harness.sessions, ADDRESS) == []
