"""Ethereum synced from the simulator's Etherscan V2 and Blockscout over HTTP: exact net amounts
per transaction (fees, failures, internal calls, genesis, withdrawals), block-range paging
under both result windows, reorgs, faults, fallback and resume."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from db.models import Chain, JobStatus, SyncStatus, TrackedAddress, Transaction
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

ETH = Chain.ETHEREUM


@pytest.fixture
def ethereum_settings() -> dict[str, Any]:
    """Settings a test changes (parametrize it)."""
    return {}


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
    assert sent[0].amount_sat == -(seeds.BIG_TRANSFER_WEI + sent[0].fee)
    assert sent[0].balance_after_sat == seeds.WHALE_BALANCE_WEI
    assert whale.total_sent_sat == seeds.BIG_TRANSFER_WEI + sent[0].fee


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
