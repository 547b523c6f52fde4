"""Solana synced from the simulator's JSON-RPC over HTTP: exact lamport changes, fees and failed
flags; paging and `until`; rate limits, faults, fallback to the next RPC URL, resumption."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from sqlalchemy import select

from db.models import Chain, ChainTip, JobStatus, SyncJob, SyncStatus, TrackedAddress, Transaction
from db.session import SessionFactory
from tests.conftest import UNREACHABLE_PROVIDER_URL
from tests.utils.sync_harness import COMMON_FAULTS, SyncHarness, harness_settings, sync_harness
from tools.processes import SimulatorProcess
from tools.simulator.paths import SOLANA_PATH
from tools.simulator.solana.admin import SolanaTransfer
from tools.simulator.solana.keys import encode
from tools.simulator.solana.seeds import (
    SOLANA_BUSY_ADDRESS,
    SOLANA_BUSY_SIGNATURES,
    SOLANA_FAILED_ADDRESS,
    SOLANA_RECEIVER_ADDRESS,
    SOLANA_SENDER_ADDRESS,
    SOLANA_UNUSED_ADDRESS,
    SOLANA_V0_ADDRESS,
)
from tools.simulator.testing import RunningSimulator
from workers.redis_server import RedisServer

SOL = Chain.SOLANA
# (signature, slot, lamports, fee, failed)
SolanaRow = tuple[str, int | None, int, int | None, bool]


def truth(harness: SyncHarness, address: str) -> list[SolanaRow]:
    return sorted(
        (tx.signature, tx.slot, tx.lamports, tx.fee if tx.fee_payer else None, tx.failed)
        for tx in harness.simulator.solana.transactions(address)
    )


async def stored(harness: SyncHarness, address: str) -> list[SolanaRow]:
    async with harness.sessions() as session:
        rows = await session.execute(
            select(
                Transaction.txid,
                Transaction.block_height,
                Transaction.amount_sat,
                Transaction.fee,
                Transaction.failed,
            )
            .join(TrackedAddress, TrackedAddress.id == Transaction.address_id)
            .where(TrackedAddress.address == address, TrackedAddress.chain == SOL)
        )
        return sorted(
            (txid, height, amount, fee, failed) for txid, height, amount, fee, failed in rows
        )


async def assert_synced_exactly(harness: SyncHarness, address: str) -> None:
    expected = truth(harness, address)
    assert await stored(harness, address) == expected
    tracked = await harness.tracked(address, SOL)
    assert tracked.sync_status is SyncStatus.SYNCED
    assert tracked.last_sync_error is None
    balance = harness.simulator.solana.balance_lamports(address)
    assert tracked.confirmed_balance_sat == balance == sum(row[2] for row in expected)
    assert tracked.unconfirmed_balance_sat == 0
    assert tracked.transaction_count == len(expected)


async def harness_with_urls(
    sessions: SessionFactory, redis_server: RedisServer, simulator: RunningSimulator, urls: str
) -> AsyncIterator[SyncHarness]:
    settings = harness_settings(simulator, solana_rpc_urls=urls)
    async with sync_harness(
        sessions=sessions, redis_server=redis_server, simulator=simulator, settings=settings
    ) as running:
        yield running


@pytest.fixture
async def two_url_harness(
    sessions: SessionFactory, redis_server: RedisServer, simulator: RunningSimulator
) -> AsyncIterator[SyncHarness]:
    """SOLANA_RPC_URLS naming the simulator twice: `solana`, then `solana-2`."""
    urls = f"{simulator.solana_url},{simulator.solana_url}"
    async for running in harness_with_urls(sessions, redis_server, simulator, urls):
        yield running


@pytest.fixture
async def unreachable_first_harness(
    sessions: SessionFactory, redis_server: RedisServer, simulator: RunningSimulator
) -> AsyncIterator[SyncHarness]:
    """SOLANA_RPC_URLS: nothing listens at the first (`solana`); the simulator is `solana-2`."""
    urls = f"{UNREACHABLE_PROVIDER_URL},{simulator.solana_url}"
    async for running in harness_with_urls(sessions, redis_server, simulator, urls):
        yield running


def rpc_calls(harness: SyncHarness, method: str) -> list[Any]:
    return harness.simulator.admin.requests("solana", method)


async def test_a_full_sync_stores_every_lamport_change_fee_and_failure_exactly(
    harness: SyncHarness,
) -> None:
    for address in (
        SOLANA_SENDER_ADDRESS,  # legacy System transfers
        SOLANA_V0_ADDRESS,  # v0, mostly as a loaded writable address
        SOLANA_FAILED_ADDRESS,
        SOLANA_UNUSED_ADDRESS,
    ):
        job = await harness.sync(address, SOL)

        assert job.status is JobStatus.SUCCEEDED, (address, job.error)
        assert job.provider == "solana"
        await assert_synced_exactly(harness, address)
        signatures = len(truth(harness, address))
        assert job.fetched_transactions == job.expected_transactions == signatures

    failed = [row for row in await stored(harness, SOLANA_FAILED_ADDRESS) if row[4]]
    assert failed, "the seeded address has failed transactions"
    # A failed transaction costs its payer the fee and nobody else anything.
    assert all(row[2] == (-row[3] if row[3] is not None else 0) for row in failed)
    assert any(row[3] is None for row in failed)
    assert any(row[3] for row in failed)
    calls = rpc_calls(harness, "getTransaction")
    assert {call.params[1]["maxSupportedTransactionVersion"] for call in calls} == {0}
    async with harness.sessions() as session:
        tip = await session.get_one(ChainTip, SOL)
    assert tip.height == harness.simulator.solana.tip_slot


@pytest.fixture
def simulator_process(tmp_path: Path) -> Iterator[SimulatorProcess]:
    """The simulator in its own process: thousands of calls, each one HTTP request, would
    share this process's interpreter (and its lock) with the sync otherwise."""
    with SimulatorProcess(tmp_path / "simulator.log") as process:
        yield process


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_thousands_of_signatures_are_read_in_pages_of_a_thousand(
    sessions: SessionFactory,
    redis_server: RedisServer,
    simulator: RunningSimulator,
    simulator_process: SimulatorProcess,
) -> None:
    remote = simulator_process.base_url
    urls = f"{remote}{SOLANA_PATH}"
    async for harness in harness_with_urls(sessions, redis_server, simulator, urls):
        job = await harness.sync(SOLANA_BUSY_ADDRESS, SOL)

        assert job.status is JobStatus.SUCCEEDED, job.error
        assert job.fetched_transactions == job.expected_transactions == SOLANA_BUSY_SIGNATURES
        async with httpx.AsyncClient(base_url=f"{remote}/_admin") as admin:
            history = (
                await admin.get(f"/solana/addresses/{SOLANA_BUSY_ADDRESS}/transactions")
            ).json()
            calls = (await admin.get("/requests", params={"provider": "solana"})).json()["requests"]
        newest_first = [tx["signature"] for tx in history["transactions"]]
        assert await stored(harness, SOLANA_BUSY_ADDRESS) == sorted(
            (
                tx["signature"],
                tx["slot"],
                tx["lamports"],
                tx["fee"] if tx["fee_payer"] else None,
                tx["failed"],
            )
            for tx in history["transactions"]
        )
        tracked = await harness.tracked(SOLANA_BUSY_ADDRESS, SOL)
        assert tracked.confirmed_balance_sat == history["balance_lamports"]
        assert tracked.transaction_count == SOLANA_BUSY_SIGNATURES
        listed = [c["params"][1] for c in calls if c["kind"] == "getSignaturesForAddress"]
        # 1,000 + 1,000 + 500, each page below the last one's oldest; then the top is re-read.
        assert [config.get("before") for config in listed[:3]] == [
            None,
            newest_first[999],
            newest_first[1999],
        ]
        assert all(config["limit"] == 1000 for config in listed)
        assert listed[3] == {"limit": 1000, "commitment": "finalized", "until": newest_first[0]}
        fetched = [c for c in calls if c["kind"] == "getTransaction"]
        assert len(fetched) == SOLANA_BUSY_SIGNATURES


async def test_an_incremental_sync_reads_down_to_the_newest_stored_signature(
    harness: SyncHarness,
) -> None:
    sender, receiver = SOLANA_SENDER_ADDRESS, SOLANA_RECEIVER_ADDRESS
    assert (await harness.sync(sender, SOL)).status is JobStatus.SUCCEEDED
    newest = harness.simulator.solana.transactions(sender)[0].signature
    mined = harness.simulator.solana.mine_slot(
        [
            SolanaTransfer(sender, -2_500_000, counterparty=receiver, fee=7_000),
            SolanaTransfer(sender, 1_000_000),
            SolanaTransfer(sender, -1_000, failed=True, fee=5_000),
            SolanaTransfer(receiver, -10_000, counterparty=sender, version=0, loaded=True),
        ]
    )
    harness.simulator.admin.reset_counters()

    job = await harness.sync(sender, SOL)

    assert job.status is JobStatus.SUCCEEDED, job.error
    await assert_synced_exactly(harness, sender)
    [listing] = [call.params[1] for call in rpc_calls(harness, "getSignaturesForAddress")]
    assert listing["until"] == newest
    assert "before" not in listing
    fetched = sorted(call.params[0] for call in rpc_calls(harness, "getTransaction"))
    assert fetched == sorted(mined.signatures)
    assert job.fetched_transactions == job.expected_transactions == 4
    rows = {row[0]: row for row in await stored(harness, sender)}
    paid, received, failed, loaded = (rows[signature] for signature in mined.signatures)
    assert paid[2:] == (-2_507_000, 7_000, False)
    assert received[2:] == (1_000_000, None, False)
    assert failed[2:] == (-5_000, 5_000, True)
    assert loaded[2:] == (10_000, None, False)

    # The receiver was never synced: its first sync reads everything, v0 included.
    assert (await harness.sync(receiver, SOL)).status is JobStatus.SUCCEEDED
    await assert_synced_exactly(harness, receiver)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("harness_overrides", [{"solana_rate_limit": 4.6}])
async def test_the_rate_limit_is_kept_per_method_and_a_429_s_retry_after_is_obeyed(
    harness: SyncHarness,
) -> None:
    admin = harness.simulator.admin
    admin.set_rate_limit("solana", 5)
    admin.inject_fault("solana", "error_status", status=429, path_contains="method=getTransaction")

    job = await harness.sync(SOLANA_SENDER_ADDRESS, SOL)

    assert job.status is JobStatus.SUCCEEDED, job.error
    await assert_synced_exactly(harness, SOLANA_SENDER_ADDRESS)
    calls = rpc_calls(harness, "getTransaction")
    assert calls[0].status == 429
    # The simulator says Retry-After: 1; the harness's own backoff is at most 0.05 s.
    assert calls[1].at - calls[0].at >= 1.0
    for method in ("getTransaction", "getSignaturesForAddress", "getBalance"):
        assert admin.peak_request_rate("solana", method, window_seconds=1.0) <= 5
    assert [call for call in admin.requests("solana") if call.refused_by == "rate_limited"] == []


SOLANA_FAULTS: list[tuple[str, dict[str, Any]]] = [
    *cast("list[tuple[str, dict[str, Any]]]", COMMON_FAULTS),
    ("502", {"kind": "error_status", "status": 502}),
    ("504", {"kind": "error_status", "status": 504}),
    *(
        (f"rpc{code}", {"kind": "rpc_error", "status": code})
        # -32007 and -32009 are getBlock's slot errors: never skipped here, which would lose a
        # listed transaction's amount, but retried.
        for code in (-32005, -32007, -32009, -32014, -32016, -32019)
    ),
    ("null-transaction", {"kind": "null_result"}),
]


# Calls that each fault is tried on (getTransaction gets every kind).
FAULTED_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    *(("getTransaction", name, fault) for name, fault in SOLANA_FAULTS),
    *(
        (method, name, fault)
        for method in ("getSignaturesForAddress", "getBalance")
        for name, fault in (SOLANA_FAULTS[0], SOLANA_FAULTS[-2])
    ),
]


# The faults are the provider's, the same on either database: SQLite only, and one harness
# for all of them (an incremental sync per fault, each with a new transaction to fetch).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("harness_overrides", [{"provider_timeout_seconds": 0.5}])
async def test_every_passing_fault_is_retried_and_the_history_stays_exact(
    harness: SyncHarness,
) -> None:
    address = SOLANA_SENDER_ADDRESS
    assert (await harness.sync(address, SOL)).status is JobStatus.SUCCEEDED
    for number, (method, name, fault) in enumerate(FAULTED_CALLS):
        harness.simulator.solana.mine_slot([SolanaTransfer(address, 1_000 + number)])
        harness.simulator.admin.reset_counters()
        harness.simulator.admin.inject_fault(
            "solana",
            count=2,
            path_contains=f"method={method}",
            **fault,
        )

        job = await harness.sync(address, SOL)

        assert job.status is JobStatus.SUCCEEDED, (method, name, job.error)
        assert job.provider == "solana", (method, name)
        assert await stored(harness, address) == truth(harness, address), (method, name)
        calls = rpc_calls(harness, method)
        assert [call.refused_by is not None for call in calls[:3]] == [True, True, False], (
            method,
            name,
        )
    await assert_synced_exactly(harness, address)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"kind": "error_status", "status": 403}, id="403"),
        pytest.param({"kind": "error_status", "status": 410}, id="410"),
        pytest.param({"kind": "rpc_error", "status": -32011}, id="rpc-32011"),
    ],
)
async def test_a_node_that_refuses_is_left_for_the_next_rpc_url(
    two_url_harness: SyncHarness, fault: dict[str, Any]
) -> None:
    harness = two_url_harness
    harness.simulator.admin.inject_fault("solana", count=1, **fault)

    job = await harness.sync(SOLANA_V0_ADDRESS, SOL)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == "solana-2"
    await assert_synced_exactly(harness, SOLANA_V0_ADDRESS)
    # The refusing node's circuit is open: the next sync goes to the second URL at once.
    harness.simulator.admin.reset_counters()
    again = await harness.sync(SOLANA_V0_ADDRESS, SOL)
    assert again.provider == "solana-2"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_unreachable_first_rpc_url_falls_back_to_the_second(
    unreachable_first_harness: SyncHarness,
) -> None:
    harness = unreachable_first_harness

    job = await harness.sync(SOLANA_FAILED_ADDRESS, SOL)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == "solana-2"
    await assert_synced_exactly(harness, SOLANA_FAILED_ADDRESS)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_when_every_rpc_url_fails_the_job_fails_naming_them(
    unreachable_first_harness: SyncHarness,
) -> None:
    harness = unreachable_first_harness
    harness.simulator.admin.inject_fault("solana", "error_status", status=403, count=100)

    job = await harness.sync(SOLANA_FAILED_ADDRESS, SOL)

    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert job.error.startswith("solana: balance of"), job.error
    assert "could not connect to 127.0.0.1:9" in job.error
    assert "; solana-2: balance of" in job.error
    assert "HTTP 403" in job.error


RESUMED_SIGNATURES = 400


def busy_new_address(harness: SyncHarness, signatures: int) -> str:
    """A fresh address receiving `signatures` transfers, 50 to a slot."""
    address = encode(hashlib.sha256(b"a Solana address to resume").digest())
    for start in range(0, signatures, 50):
        harness.simulator.solana.mine_slot(
            [SolanaTransfer(address, 1_000 + n) for n in range(start, min(start + 50, signatures))]
        )
    return address


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_interrupted_full_sync_resumes_where_it_stopped(harness: SyncHarness) -> None:
    address = busy_new_address(harness, RESUMED_SIGNATURES)
    job = await harness.queue(address, SOL)
    handed_back = await harness.stop_when_fetched(job.id, 200)
    assert handed_back.status is JobStatus.QUEUED
    # Known once the listing ended, long before the transactions were all fetched.
    assert handed_back.expected_transactions == RESUMED_SIGNATURES
    saved = handed_back.fetched_transactions
    assert saved < RESUMED_SIGNATURES
    assert (await harness.tracked(address, SOL)).sync_resume_cursor is not None
    assert len(await stored(harness, address)) == saved
    harness.simulator.admin.reset_counters()

    await harness.engine.run_job(job.id)

    async with harness.sessions() as session:
        finished = await session.get_one(SyncJob, job.id)
    assert finished.status is JobStatus.SUCCEEDED, finished.error
    assert finished.attempts == 2
    assert finished.fetched_transactions == finished.expected_transactions == RESUMED_SIGNATURES
    await assert_synced_exactly(harness, address)
    # Only what was not saved is fetched again, listed from below the last saved signature.
    fetched_again = sorted(call.params[0] for call in rpc_calls(harness, "getTransaction"))
    newest_first = [tx.signature for tx in harness.simulator.solana.transactions(address)]
    assert fetched_again == sorted(newest_first[saved:])
    first_listing = rpc_calls(harness, "getSignaturesForAddress")[0].params[1]
    assert first_listing["before"] == newest_first[saved - 1]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_transaction_that_stays_missing_fails_the_sync_and_stores_no_zero(
    two_url_harness: SyncHarness,
) -> None:
    harness = two_url_harness
    address = SOLANA_SENDER_ADDRESS
    assert (await harness.sync(address, SOL)).status is JobStatus.SUCCEEDED
    before = await stored(harness, address)
    [signature] = harness.simulator.solana.mine_slot([SolanaTransfer(address, 4_321)]).signatures
    harness.simulator.admin.inject_fault(
        "solana", "null_result", count=1_000, path_contains="method=getTransaction"
    )

    job = await harness.sync(address, SOL)

    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert f"solana: transaction {signature} not found (getTransaction answered null)" in (
        job.error
    )
    assert f"solana-2: transaction {signature} not found" in job.error
    assert await stored(harness, address) == before


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_unsupported_transaction_version_fails_the_job_naming_the_setting(
    two_url_harness: SyncHarness,
) -> None:
    harness = two_url_harness
    harness.simulator.admin.inject_fault(
        "solana", "rpc_error", status=-32015, path_contains="method=getTransaction"
    )

    job = await harness.sync(SOLANA_V0_ADDRESS, SOL)

    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert job.error.startswith("solana: transaction "), job.error
    assert "getTransaction error -32015" in job.error
    assert "raise SOLANA_MAX_TRANSACTION_VERSION" in job.error
    # Every node would say the same: the second URL is not asked.
    assert "solana-2" not in job.error
    tracked = await harness.tracked(SOLANA_V0_ADDRESS, SOL)
    assert tracked.sync_status is SyncStatus.ERROR
