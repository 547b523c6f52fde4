"""Ethereum synced from the simulator's Etherscan V2 and Blockscout over HTTP: exact net amounts
per transaction (fees, failures, internal calls, genesis, withdrawals), block-range paging
under both result windows, reorgs, faults, fallback and resume."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select, update

from db.models import Chain, JobStatus, SyncStatus, TrackedAddress, Transaction, sort_key_for
from tests.utils.sync_harness import (
    COMMON_FAULTS,
    HistoryRow,
    SyncHarness,
    canonical,
    running_balance_problems,
)
from tools.simulator.ethereum import seeds
from tools.simulator.ethereum.admin import relayed_payment
from tools.simulator.ethereum.model import Transfer
from tools.simulator.testing import RunningSimulator
from workers import ethereum_sync

ETH = Chain.ETHEREUM


@pytest.fixture
def ethereum_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings a test changes (parametrize it indirectly)."""
    return dict(getattr(request, "param", {}))


@pytest.fixture
def harness_overrides(
    simulator: RunningSimulator, ethereum_settings: dict[str, Any]
) -> dict[str, Any]:
    return {
        "etherscan_url": simulator.etherscan_url,
        "blockscout_url": simulator.blockscout_url,
        "etherscan_api_key": "test-key",
        "etherscan_rate_limit": 1000.0,
        "blockscout_rate_limit": 1000.0,
        **ethereum_settings,
    }


def truth(simulator: RunningSimulator, address: str) -> list[HistoryRow]:
    """The simulator's balance changes as stored rows: (txid, block, wei)."""
    return canonical(
        [
            (
                entry.hash if entry.hash is not None else f"withdrawal:{entry.withdrawal_index}",
                entry.block_number,
                entry.amount_wei,
            )
            for entry in simulator.admin.ethereum.transactions(address)
        ]
    )


async def assert_synced_exactly(
    harness: SyncHarness, address: str, expected: list[HistoryRow] | None = None
) -> None:
    expected = truth(harness.simulator, address) if expected is None else expected
    assert await harness.stored_history(address, ETH) == expected
    tracked = await harness.tracked(address, ETH)
    assert tracked.address == address.lower()
    assert tracked.sync_status is SyncStatus.SYNCED, tracked.last_sync_error
    assert await running_balance_problems(harness.sessions, tracked.address, ETH) == []
    balance = tracked.confirmed_balance_sat + tracked.unconfirmed_balance_sat
    assert balance == sum(amount for _, _, amount in expected)
    assert tracked.transaction_count == len(expected)


async def stored_rows(harness: SyncHarness, address: str) -> dict[str, Transaction]:
    async with harness.sessions() as session:
        rows = await session.scalars(
            select(Transaction)
            .join(TrackedAddress, TrackedAddress.id == Transaction.address_id)
            .where(TrackedAddress.address == address.lower())
        )
        return {row.txid: row for row in rows}


async def test_a_full_sync_stores_every_net_amount_fee_and_failure_exactly(
    harness: SyncHarness,
) -> None:
    address = seeds.CHECKSUMMED[seeds.BUSY_ADDRESS]
    job = await harness.sync(address, ETH)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == "etherscan"
    assert job.progress == 1.0
    await assert_synced_exactly(harness, address)
    tracked = await harness.tracked(address, ETH)
    assert tracked.confirmed_balance_sat == harness.simulator.admin.ethereum.balance_wei(address)
    rows = await stored_rows(harness, address)
    failed = [row for row in rows.values() if row.failed]
    assert failed, "the busy address has failed calls"
    for row in failed:
        # A failed transaction moves nothing but the fee its sender paid.
        assert row.amount_sat == -(row.fee or 0)
    # Swaps refunded by internal calls and relayed payments are one row per hash.
    assert len(rows) == len(truth(harness.simulator, address))
    # History is read oldest first, in block ranges, always with sort=asc.
    calls = harness.simulator.admin.requests("etherscan")
    listing = [c for c in calls if c.kind in ("txlist", "txlistinternal", "txsBeaconWithdrawal")]
    assert listing
    assert all("sort=asc" in c.query for c in listing)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_first_full_pass_over_rows_stored_before_it_deletes_those_the_explorer_lacks(
    harness: SyncHarness,
) -> None:
    # A row of an earlier attempt that the explorer no longer lists, moving nothing (so the
    # balance check cannot catch it): a pass that began with rows stored must sweep it.
    job = await harness.queue(seeds.BUSY_ADDRESS, ETH)
    tracked = await harness.tracked(seeds.BUSY_ADDRESS, ETH)
    async with harness.sessions.begin() as session:
        await session.execute(
            insert(Transaction).values(
                address_id=tracked.id,
                txid="0x" + "ab" * 32,
                block_height=1,
                sort_key=sort_key_for(1),
                amount_sat=0,
            )
        )

    await harness.engine.run_job(job.id)

    await assert_synced_exactly(harness, seeds.BUSY_ADDRESS)


# What this checks does not depend on the database (both run the full, big-amount and reorg
# syncs above): SQLite only, for time.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_internal_only_receipt_a_genesis_allocation_and_withdrawals_are_stored(
    harness: SyncHarness,
) -> None:
    for address in (seeds.RELAYED_ADDRESS, seeds.GENESIS_ADDRESS, seeds.VALIDATOR_ADDRESS):
        job = await harness.sync(address, ETH)
        assert job.status is JobStatus.SUCCEEDED, job.error
        await assert_synced_exactly(harness, address)
    relayed = await stored_rows(harness, seeds.RELAYED_ADDRESS)
    assert len(relayed) == seeds.RELAYED_PAYMENTS
    assert all(row.amount_sat > 0 and row.fee is None for row in relayed.values())
    genesis = await stored_rows(harness, seeds.GENESIS_ADDRESS)
    allocation = genesis[f"GENESIS_{seeds.GENESIS_ADDRESS[2:]}"]
    assert (allocation.block_height, allocation.amount_sat) == (0, seeds.GENESIS_ALLOCATION_WEI)
    assert any(row.failed for row in genesis.values())
    validator = await stored_rows(harness, seeds.VALIDATOR_ADDRESS)
    withdrawals = [row for txid, row in validator.items() if txid.startswith("withdrawal:")]
    assert len(withdrawals) == seeds.VALIDATOR_WITHDRAWALS
    # Gwei became wei.
    assert all(row.amount_sat % 10**9 == 0 and row.amount_sat > 0 for row in withdrawals)


async def test_amounts_beyond_64_bits_are_exact_in_every_figure(harness: SyncHarness) -> None:
    for address in (seeds.WHALE_ADDRESS, seeds.BIG_RECIPIENT_ADDRESS):
        job = await harness.sync(address, ETH)
        assert job.status is JobStatus.SUCCEEDED, job.error
        await assert_synced_exactly(harness, address)
    whale = await harness.tracked(seeds.WHALE_ADDRESS, ETH)
    assert whale.confirmed_balance_sat == seeds.WHALE_BALANCE_WEI
    recipient = await harness.tracked(seeds.BIG_RECIPIENT_ADDRESS, ETH)
    assert recipient.confirmed_balance_sat == seeds.BIG_TRANSFER_WEI
    assert recipient.total_received_sat == seeds.BIG_TRANSFER_WEI
    sent = [r for r in (await stored_rows(harness, seeds.WHALE_ADDRESS)).values() if r.fee]
    assert len(sent) == 1
    fee = sent[0].fee
    assert fee is not None
    assert sent[0].amount_sat == -(seeds.BIG_TRANSFER_WEI + fee)
    assert sent[0].balance_after_sat == seeds.WHALE_BALANCE_WEI
    assert whale.total_sent_sat == seeds.BIG_TRANSFER_WEI + fee


async def test_an_incremental_sync_reads_new_blocks_and_corrects_a_reorg(
    harness: SyncHarness,
) -> None:
    admin = harness.simulator.admin.ethereum
    address = seeds.BUSY_ADDRESS
    assert (await harness.sync(address, ETH)).status is JobStatus.SUCCEEDED
    for _ in range(3):
        admin.mine_block(
            [
                Transfer(sender=address, recipient=seeds.UNUSED_ADDRESS, value_wei=10**16),
                relayed_payment(address, 7 * 10**15),
                Transfer(sender=seeds.WHALE_ADDRESS, recipient=address, value_wei=3, failed=True),
            ]
        )
    harness.simulator.admin.reset_counters()
    job = await harness.sync(address, ETH)
    assert job.status is JobStatus.SUCCEEDED, job.error
    await assert_synced_exactly(harness, address)
    # Only the last blocks were read again, not the whole history.
    txlist_calls = harness.simulator.admin.requests("etherscan")
    assert all("startblock=0&" not in c.query + "&" for c in txlist_calls)

    report = admin.reorg(3)
    # Some of the address's transactions were dropped, some moved a block up.
    assert None in report.transactions.values()
    job = await harness.sync(address, ETH)
    assert job.status is JobStatus.SUCCEEDED, job.error
    await assert_synced_exactly(harness, address)


def admin_requests(harness: SyncHarness, provider: str) -> list[Any]:
    return list(harness.simulator.admin.requests(provider))  # type: ignore[arg-type]


async def close_circuits(harness: SyncHarness) -> None:
    keys = await harness.redis.keys("*:circuit:*")
    if keys:
        await harness.redis.delete(*keys)


# A timed-out call costs the client's whole timeout: a short one where a timeout is injected.
SHORT_TIMEOUT = {"provider_timeout_seconds": 0.3}
FAULTS = [
    *(
        pytest.param(
            "etherscan", fault, SHORT_TIMEOUT if name == "timeout" else {}, id=f"etherscan-{name}"
        )
        for name, fault in COMMON_FAULTS
    ),
    # Blockscout shares Etherscan's client code: its HTTP errors and bodies, for time.
    *(
        pytest.param("blockscout", fault, {}, id=f"blockscout-{name}")
        for name, fault in COMMON_FAULTS
        if name in ("503", "429", "malformed-json")
    ),
    pytest.param("etherscan", {"kind": "notok"}, {}, id="etherscan-free-api-unavailable"),
]


# Each explorer's handling of faults is the same on either database: SQLite only, for time.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("provider", "fault", "ethereum_settings"), FAULTS, indirect=["ethereum_settings"]
)
async def test_a_passing_fault_is_retried_and_the_history_is_exact(
    harness: SyncHarness, provider: str, fault: dict[str, Any]
) -> None:
    harness.use_only(provider, ETH)
    harness.simulator.admin.inject_fault(provider, count=2, **fault)  # type: ignore[arg-type]

    job = await harness.sync(seeds.RELAYED_ADDRESS, ETH)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == provider
    await assert_synced_exactly(harness, seeds.RELAYED_ADDRESS)
    assert harness.simulator.admin.requests(provider)[0].refused_by is not None  # type: ignore[arg-type]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("provider", ["etherscan", "blockscout"])
async def test_an_explorer_s_rate_limit_is_waited_out(harness: SyncHarness, provider: str) -> None:
    harness.use_only(provider, ETH)
    harness.simulator.admin.set_rate_limit(provider, 2, per_seconds=0.1)  # type: ignore[arg-type]

    job = await harness.sync(seeds.GENESIS_ADDRESS, ETH)

    assert job.status is JobStatus.SUCCEEDED, job.error
    records = harness.simulator.admin.requests(provider)  # type: ignore[arg-type]
    assert any(record.refused_by for record in records)
    expected = truth(harness.simulator, seeds.GENESIS_ADDRESS)
    if provider == "blockscout":
        # Blockscout lists no genesis allocation: the history lacks it, and the balance check
        # accepts a stored sum below the balance from such an explorer.
        expected = [row for row in expected if not row[0].startswith("GENESIS_")]
    await assert_synced_exactly(harness, seeds.GENESIS_ADDRESS, expected)


# What this checks does not depend on the database (both run the full, big-amount and reorg
# syncs above): SQLite only, for time.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_blockscout_takes_over_and_keeps_the_withdrawals_etherscan_listed(
    harness: SyncHarness,
) -> None:
    address = seeds.VALIDATOR_ADDRESS
    assert (await harness.sync(address, ETH)).status is JobStatus.SUCCEEDED
    harness.simulator.admin.inject_fault("etherscan", "error_status", status=503, count=1000)
    harness.simulator.admin.ethereum.mine_block(
        [Transfer(sender=seeds.WHALE_ADDRESS, recipient=address, value_wei=10**18)]
    )

    job = await harness.sync(address, ETH)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == "blockscout"
    await assert_synced_exactly(harness, address)
    # Blockscout has no withdrawal listing: asked once, answered "Unknown action", not again.
    assert harness.simulator.admin.request_count("blockscout", "txsBeaconWithdrawal") == 0


# What this checks does not depend on the database (both run the full, big-amount and reorg
# syncs above): SQLite only, for time.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_keyless_blockscout_sync_of_a_mixed_history_is_exact(
    harness: SyncHarness,
) -> None:
    harness.use_only("blockscout", ETH)
    job = await harness.sync(seeds.BUSY_ADDRESS, ETH)

    assert job.status is JobStatus.SUCCEEDED, job.error
    await assert_synced_exactly(harness, seeds.BUSY_ADDRESS)
    records = harness.simulator.admin.requests("blockscout")
    assert all("sort=asc" in r.query for r in records if r.kind.startswith("txlist"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_rejected_etherscan_key_fails_the_job_and_says_so(harness: SyncHarness) -> None:
    harness.simulator.admin.ethereum.require_etherscan_api_key("another-key")

    job = await harness.sync(seeds.RELAYED_ADDRESS, ETH)

    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "etherscan" in job.error
    assert "Invalid API Key" in job.error
    assert harness.simulator.admin.request_count("blockscout") == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("ethereum_settings", "window", "max_records", "pages_within_a_block"),
    [
        pytest.param({"ethereum_page_size": 10_000}, 10_000, None, False, id="window-10000"),
        pytest.param({"ethereum_page_size": 10_000}, 1_000, 1_000, False, id="window-1000-shrinks"),
        # CROWDED_BLOCK holds more rows than a page: pages are cut mid-block and one block is
        # paged through on its own.
        pytest.param({"ethereum_page_size": 5}, 10_000, None, True, id="pages-cut-mid-block"),
    ],
    indirect=["ethereum_settings"],
)
async def test_paging_by_block_range_is_exact_under_every_window(
    harness: SyncHarness, window: int, max_records: int | None, pages_within_a_block: bool
) -> None:
    admin = harness.simulator.admin.ethereum
    admin.set_result_window(window)
    admin.set_etherscan_max_records(max_records)
    every_provider = dict(harness.engine.providers)
    for provider in ("etherscan", "blockscout"):
        harness.engine.providers = every_provider
        harness.use_only(provider, ETH)
        job = await harness.sync(seeds.BUSY_ADDRESS, ETH)
        assert job.status is JobStatus.SUCCEEDED, job.error
        assert job.provider == provider
        await assert_synced_exactly(harness, seeds.BUSY_ADDRESS)
        second_pages = [r for r in admin_requests(harness, provider) if "page=2&" in r.query + "&"]
        assert bool(second_pages) is pages_within_a_block
        async with harness.sessions() as session:
            await session.execute(update(TrackedAddress).values(last_synced_at=None))
            await session.commit()


@pytest.mark.parametrize("ethereum_settings", [{"ethereum_page_size": 5}], indirect=True)
async def test_a_pass_committed_range_by_range_is_exact(
    harness: SyncHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A commit at every range read (as a slow explorer's pass makes them, one every few
    # seconds) instead of every 10,000 rows: rows appended after earlier commits carry on
    # their running balances.
    monkeypatch.setattr(ethereum_sync, "COMMIT_ROWS", 1)
    harness.use_only("etherscan", ETH)

    job = await harness.sync(seeds.BUSY_ADDRESS, ETH)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.progress == 1.0
    await assert_synced_exactly(harness, seeds.BUSY_ADDRESS)


# What this checks does not depend on the database (both run the full, big-amount and reorg
# syncs above): SQLite only, for time.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_blockscout_s_partial_internal_data_never_marks_blocks_done(
    harness: SyncHarness,
) -> None:
    harness.use_only("blockscout", ETH)
    admin = harness.simulator.admin.ethereum
    admin.set_blockscout_unprocessed([seeds.CROWDED_BLOCK])

    job = await harness.sync(seeds.BUSY_ADDRESS, ETH)

    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "not yet been processed" in job.error
    assert "blockscout" in job.error
    stored = await harness.stored_history(seeds.BUSY_ADDRESS, ETH)
    assert all(height is not None and height < seeds.CROWDED_BLOCK for _, height, _ in stored)

    admin.set_blockscout_unprocessed([])
    await close_circuits(harness)
    job = await harness.sync(seeds.BUSY_ADDRESS, ETH)
    assert job.status is JobStatus.SUCCEEDED, job.error
    await assert_synced_exactly(harness, seeds.BUSY_ADDRESS)


# What this checks does not depend on the database (both run the full, big-amount and reorg
# syncs above): SQLite only, for time.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("ethereum_settings", [{"ethereum_page_size": 20}], indirect=True)
async def test_an_interrupted_full_sync_resumes_where_it_stopped(harness: SyncHarness) -> None:
    harness.use_only("etherscan", ETH)
    sim = harness.simulator
    # The second txlist page starts at the block of the first page's last row.
    async with httpx.AsyncClient() as client:
        first_page = (
            await client.get(
                sim.etherscan_url,
                params={
                    "chainid": "1",
                    "module": "account",
                    "action": "txlist",
                    "address": seeds.BUSY_ADDRESS,
                    "page": "1",
                    "offset": "20",
                    "sort": "asc",
                    "apikey": "test-key",
                },
            )
        ).json()["result"]
    second_start = first_page[-1]["blockNumber"]
    sim.admin.inject_fault(
        "etherscan",
        "error_status",
        status=500,
        count=1000,
        path_contains=f"startblock={second_start}&",
    )

    job = await harness.sync(seeds.BUSY_ADDRESS, ETH)
    assert job.status is JobStatus.FAILED
    stored = await harness.stored_history(seeds.BUSY_ADDRESS, ETH)
    assert stored, "the ranges read before the failure are kept"
    tracked = await harness.tracked(seeds.BUSY_ADDRESS, ETH)
    assert tracked.sync_resume_cursor is not None

    sim.admin.clear_faults()
    sim.admin.reset_counters()
    await close_circuits(harness)
    job = await harness.sync(seeds.BUSY_ADDRESS, ETH)
    assert job.status is JobStatus.SUCCEEDED, job.error
    await assert_synced_exactly(harness, seeds.BUSY_ADDRESS)
    assert not any("startblock=0&" in r.query for r in sim.admin.requests("etherscan"))
