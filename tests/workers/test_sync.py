"""Syncing addresses from the simulator over HTTP: exact histories, whatever the provider does."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from db.models import Chain, JobStatus, SyncJob, SyncStatus
from logs import ContextAndRedaction
from tests.utils.sync_harness import (
    COMMON_FAULTS,
    SyncHarness,
    running_balance_problems,
    through_chain_changes,
)
from workers.constants import SHARED_METRICS_KEY, job_channel
from workers.events import decode_job_state
from workers.metrics import SYNC_JOBS, figure_field

NINE_HUNDRED = "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju"
WITH_MEMPOOL = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
NEVER_USED = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
SATOSHI = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


async def assert_synced_exactly(harness: SyncHarness, address: str) -> None:
    assert await harness.stored_history(address) == harness.provider_history(address)
    assert await running_balance_problems(harness.sessions, address) == []
    tracked = await harness.tracked(address)
    assert tracked.sync_status is SyncStatus.SYNCED
    assert tracked.last_sync_error is None
    balance = harness.simulator.admin.balance_sat(address)
    assert tracked.confirmed_balance_sat + tracked.unconfirmed_balance_sat == balance
    assert tracked.transaction_count == len(harness.provider_history(address))


async def test_a_full_sync_from_blockchair_stores_the_exact_history(harness: SyncHarness) -> None:
    job = await harness.sync(NINE_HUNDRED)

    assert job.status is JobStatus.SUCCEEDED
    assert job.provider == "blockchair"
    assert job.error is None
    assert job.expected_transactions == len(harness.provider_history(NINE_HUNDRED))
    assert job.fetched_transactions >= job.expected_transactions
    await assert_synced_exactly(harness, NINE_HUNDRED)
    # One page of up to 10,000 holds the whole history and its summary: one snapshot, so no
    # second look at the newest end for late arrivals (a history of several pages gets one).
    assert harness.simulator.admin.request_count("blockchair") == 1
    assert harness.simulator.admin.request_count("esplora") == 0


async def test_unconfirmed_and_shared_transactions_keep_each_address_s_amount(
    harness: SyncHarness,
) -> None:
    for address in (WITH_MEMPOOL, SATOSHI, NEVER_USED):
        assert (await harness.sync(address)).status is JobStatus.SUCCEEDED
        await assert_synced_exactly(harness, address)

    mempool = [row for row in await harness.stored_history(WITH_MEMPOOL) if row[1] is None]
    assert len(mempool) == 3
    shared = {txid for txid, _, _ in await harness.stored_history(WITH_MEMPOOL)} & {
        txid for txid, _, _ in await harness.stored_history(SATOSHI)
    }
    assert shared, "the simulator seeds a transaction touching both addresses"
    assert await harness.stored_history(NEVER_USED) == []


@pytest.mark.parametrize("harness_overrides", [{"providers": "esplora"}])
async def test_a_full_sync_from_esplora_stores_the_exact_history(harness: SyncHarness) -> None:
    job = await harness.sync(NINE_HUNDRED)

    assert job.status is JobStatus.SUCCEEDED
    assert job.provider == "esplora"
    await assert_synced_exactly(harness, NINE_HUNDRED)


@pytest.mark.parametrize("harness_overrides", [{"blockchair_api_key": None}])
async def test_keyless_blockchair_is_refused_and_the_sync_falls_back_to_esplora(
    harness: SyncHarness,
) -> None:
    harness.simulator.admin.require_api_key("the-real-key")

    job = await harness.sync(WITH_MEMPOOL)

    assert job.status is JobStatus.SUCCEEDED
    assert job.provider == "esplora"
    await assert_synced_exactly(harness, WITH_MEMPOOL)
    # The circuit stays open: the next sync does not knock on Blockchair again.
    blockchair_calls = harness.simulator.admin.request_count("blockchair")
    assert (await harness.sync(SATOSHI)).provider == "esplora"
    assert harness.simulator.admin.request_count("blockchair") == blockchair_calls


async def test_a_rejected_api_key_fails_the_job_and_says_so(harness: SyncHarness) -> None:
    harness.simulator.admin.require_api_key("another-key")

    job = await harness.sync(WITH_MEMPOOL)

    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "invalid or exhausted Blockchair API key" in job.error
    tracked = await harness.tracked(WITH_MEMPOOL)
    assert tracked.sync_status is SyncStatus.ERROR
    assert tracked.last_sync_error == job.error
    assert await harness.stored_history(WITH_MEMPOOL) == []


async def test_an_unchanged_address_costs_one_call(harness: SyncHarness) -> None:
    await harness.sync(NINE_HUNDRED)
    harness.simulator.admin.reset_counters()

    job = await harness.sync(NINE_HUNDRED)

    assert job.status is JobStatus.SUCCEEDED
    assert harness.simulator.admin.request_count() == 1
    await assert_synced_exactly(harness, NINE_HUNDRED)


@pytest.mark.parametrize("provider", ["blockchair", "esplora"])
async def test_incremental_syncs_follow_every_change_of_the_chain(
    harness: SyncHarness, provider: str
) -> None:
    harness.use_only(provider)
    admin = harness.simulator.admin
    await harness.sync(WITH_MEMPOOL)
    await assert_synced_exactly(harness, WITH_MEMPOOL)

    async def sync_and_compare(description: str) -> None:
        job = await harness.sync(WITH_MEMPOOL)
        assert job.status is JobStatus.SUCCEEDED, (description, job.error)
        stored = await harness.stored_history(WITH_MEMPOOL)
        assert stored == harness.provider_history(WITH_MEMPOOL), description
        await assert_synced_exactly(harness, WITH_MEMPOOL)

    await through_chain_changes(admin, WITH_MEMPOOL, sync_and_compare)


FAULTS = [
    *(
        pytest.param(provider, fault, id=f"{provider}-{name}")
        for provider in ("blockchair", "esplora")
        for name, fault in COMMON_FAULTS
    ),
    # Blockchair's soft limit; Esplora has no such status.
    pytest.param("blockchair", {"kind": "error_status", "status": 435}, id="blockchair-435"),
]


@pytest.mark.parametrize(("provider", "fault"), FAULTS)
async def test_a_passing_fault_is_retried_and_the_history_is_exact(
    harness: SyncHarness, provider: str, fault: dict[str, Any]
) -> None:
    harness.use_only(provider)
    harness.simulator.admin.inject_fault(provider, count=2, **fault)  # type: ignore[arg-type]

    job = await harness.sync(NINE_HUNDRED)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == provider
    await assert_synced_exactly(harness, NINE_HUNDRED)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        pytest.param(
            {"kind": "timeout", "delay_seconds": 5},
            "{host} did not answer within 2 s",
            id="timeout",
        ),
        pytest.param(
            {"kind": "drop_connection"},
            "{host} closed the connection or broke the HTTP protocol before answering in full",
            id="dropped-connection",
        ),
    ],
)
async def test_a_provider_that_keeps_failing_on_the_wire_fails_the_job_in_words(
    harness: SyncHarness, fault: dict[str, Any], words: str
) -> None:
    harness.use_only("esplora")
    harness.simulator.admin.inject_fault("esplora", count=1000, **fault)

    job = await harness.sync(NINE_HUNDRED)

    assert job.status is JobStatus.FAILED
    host = harness.simulator.base_url.removeprefix("http://")
    assert job.error == "esplora: address stats: " + words.format(host=host)


@pytest.mark.parametrize(
    "harness_overrides", [{"providers": "esplora", "esplora_url": "http://esplora.invalid/api"}]
)
async def test_a_provider_host_that_does_not_resolve_is_named_in_words(
    harness: SyncHarness,
) -> None:
    job = await harness.sync(NINE_HUNDRED)

    assert job.status is JobStatus.FAILED
    assert job.error is not None
    # "not found", or a "temporary" failure where no DNS server answers at all.
    assert job.error.startswith(
        "esplora: address stats: could not connect to esplora.invalid: the host name "
    ), job.error
    assert "DNS" in job.error


@pytest.mark.parametrize("status", [500, 503])
async def test_a_provider_that_keeps_failing_is_replaced_by_the_next(
    harness: SyncHarness, status: int
) -> None:
    harness.simulator.admin.inject_fault("blockchair", "error_status", status=status, count=1000)

    job = await harness.sync(NINE_HUNDRED)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == "esplora"
    await assert_synced_exactly(harness, NINE_HUNDRED)


async def test_when_every_provider_fails_the_job_fails_naming_each_and_keeps_old_data(
    harness: SyncHarness,
) -> None:
    await harness.sync(WITH_MEMPOOL)
    before = await harness.stored_history(WITH_MEMPOOL)
    harness.simulator.admin.add_mempool_transaction(WITH_MEMPOOL, 1_000)
    harness.simulator.admin.inject_fault("blockchair", "error_status", status=500, count=1000)
    harness.simulator.admin.inject_fault("esplora", "malformed_json", count=1000)

    job = await harness.sync(WITH_MEMPOOL)

    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "blockchair" in job.error
    assert "esplora" in job.error
    assert await harness.stored_history(WITH_MEMPOOL) == before
    tracked = await harness.tracked(WITH_MEMPOOL)
    assert tracked.sync_status is SyncStatus.ERROR


@pytest.mark.parametrize("harness_overrides", [{"blockchair_api_key": None}])
@pytest.mark.parametrize("status", [430, 402])
async def test_a_keyless_refusal_opens_the_circuit_and_esplora_takes_over(
    harness: SyncHarness, status: int
) -> None:
    harness.simulator.admin.inject_fault("blockchair", "error_status", status=status)

    job = await harness.sync(NINE_HUNDRED)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == "esplora"
    await assert_synced_exactly(harness, NINE_HUNDRED)
    assert harness.simulator.admin.request_count("blockchair") == 1


@pytest.mark.parametrize("harness_overrides", [{"blockchair_rate_limit": 5.0}])
async def test_a_stopped_worker_hands_its_job_back_resumable(harness: SyncHarness) -> None:
    big = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
    expected = harness.provider_history(big)
    job = await harness.queue(big)
    handed_back = await harness.stop_when_fetched(job.id, 20_000)
    assert handed_back.status is JobStatus.QUEUED
    assert handed_back.claim_token is None
    assert (await harness.tracked(big)).sync_resume_cursor is not None
    calls_before = harness.simulator.admin.request_count("blockchair")

    await harness.engine.run_job(job.id)

    async with harness.sessions() as session:
        finished = await session.get_one(SyncJob, job.id)
    assert finished.status is JobStatus.SUCCEEDED
    assert finished.attempts == 2
    assert await harness.stored_history(big) == expected
    assert harness.simulator.admin.request_count("blockchair") - calls_before < 16


async def test_an_unexpected_failure_fails_the_job_and_is_logged_once_with_its_context(
    harness: SyncHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken_page(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    for provider in harness.engine.providers[Chain.BITCOIN]:
        monkeypatch.setattr(provider, "page", broken_page)
    caplog.handler.addFilter(ContextAndRedaction())

    with caplog.at_level(logging.INFO):
        job = await harness.sync(NINE_HUNDRED)

    assert job.status is JobStatus.FAILED
    assert job.error == "internal error: RuntimeError: a bug"
    [logged] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert logged.exc_info is not None
    assert getattr(logged, "job_id", None) == str(job.id)
    assert getattr(logged, "address", None) == NINE_HUNDRED


async def test_a_sync_publishes_its_job_and_counts_into_the_shared_metrics(
    harness: SyncHarness,
) -> None:
    finished = figure_field(SYNC_JOBS, "succeeded")
    before = int(await harness.redis.hget(SHARED_METRICS_KEY, finished) or 0)  # type: ignore[misc]
    job = await harness.queue(NINE_HUNDRED)
    async with harness.redis.pubsub() as pubsub:
        await pubsub.subscribe(job_channel(job.id))
        await harness.engine.run_job(job.id)
        published = []
        while (message := await pubsub.get_message(timeout=0.5)) is not None:
            if message["type"] == "message":
                published.append(decode_job_state(message["data"].decode()))

    assert [state["status"] for state in published][-1] == JobStatus.SUCCEEDED.value
    assert published[0]["status"] == JobStatus.RUNNING.value
    after = int(await harness.redis.hget(SHARED_METRICS_KEY, finished) or 0)  # type: ignore[misc]
    assert after == before + 1
