"""Litecoin, Dogecoin and Bitcoin Cash synced from the simulator over HTTP: exact histories
through Blockchair's dashboards of each chain, Litecoin's Esplora as its fallback, and no
fallback (said in words) for Dogecoin and Bitcoin Cash."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.models import Chain, ChainTip, JobStatus, SyncStatus
from tests.utils.sync_harness import (
    COMMON_FAULTS,
    SyncHarness,
    running_balance_problems,
    through_chain_changes,
)
from tools.simulator import coin_seeds
from workers.constants import SHARED_METRICS_KEY
from workers.metrics import PROVIDER_CALLS, figure_field

COINS = [Chain.LITECOIN, Chain.DOGECOIN, Chain.BITCOIN_CASH]
# 300 confirmed transactions.
BUSY = {
    Chain.LITECOIN: coin_seeds.LITECOIN_BUSY_ADDRESS,
    Chain.DOGECOIN: coin_seeds.DOGECOIN_BUSY_ADDRESS,
    Chain.BITCOIN_CASH: coin_seeds.BITCOIN_CASH_BUSY_ADDRESS,
}
# 40 confirmed and 2 unconfirmed transactions.
WITH_MEMPOOL = {
    Chain.LITECOIN: coin_seeds.LITECOIN_P2SH_ADDRESS,
    Chain.DOGECOIN: coin_seeds.DOGECOIN_P2SH_ADDRESS,
    Chain.BITCOIN_CASH: coin_seeds.BITCOIN_CASH_P2SH_ADDRESS,
}
BLOCKCHAIR_PATHS = {
    Chain.LITECOIN: "/litecoin/",
    Chain.DOGECOIN: "/dogecoin/",
    Chain.BITCOIN_CASH: "/bitcoin-cash/",
}


def coin_params(chains: list[Chain] = COINS) -> list[Any]:
    return [pytest.param(chain, id=chain.value.lower()) for chain in chains]


async def assert_synced_exactly(harness: SyncHarness, address: str, chain: Chain) -> None:
    truth = harness.provider_history(address, chain)
    assert await harness.stored_history(address, chain) == truth
    tracked = await harness.tracked(address, chain)
    assert await running_balance_problems(harness.sessions, tracked.address, chain) == []
    assert tracked.sync_status is SyncStatus.SYNCED
    assert tracked.last_sync_error is None
    admin = harness.chain_admin(chain)
    balance = tracked.confirmed_balance_sat + tracked.unconfirmed_balance_sat
    assert balance == admin.balance_sat(address)
    assert balance == sum(amount for _, _, amount in truth)
    assert tracked.transaction_count == len(truth)


@pytest.mark.parametrize("chain", coin_params())
async def test_a_full_sync_from_blockchair_stores_each_chain_s_exact_history(
    harness: SyncHarness, chain: Chain
) -> None:
    for address in (BUSY[chain], WITH_MEMPOOL[chain]):
        job = await harness.sync(address, chain)

        assert job.status is JobStatus.SUCCEEDED, job.error
        assert job.provider == "blockchair"
        await assert_synced_exactly(harness, address, chain)
    assert [height for _, height, _ in await harness.stored_history(WITH_MEMPOOL[chain], chain)][
        :2
    ] == [None, None]
    requests = harness.simulator.admin.requests("blockchair")
    assert requests
    assert all(r.path.startswith(BLOCKCHAIR_PATHS[chain]) for r in requests)
    # Each chain's tip and price, from its own dashboards; Bitcoin's is untouched.
    async with harness.sessions() as session:
        tips = {tip.chain: tip for tip in await session.scalars(select(ChainTip))}
    assert set(tips) == {chain}
    assert tips[chain].height == harness.chain_admin(chain).tip_height
    assert tips[chain].market_price_usd is not None


async def test_bitcoin_cash_added_by_its_legacy_address_is_stored_and_asked_as_cashaddr(
    harness: SyncHarness,
) -> None:
    job = await harness.sync(coin_seeds.BITCOIN_CASH_BUSY_LEGACY, Chain.BITCOIN_CASH)

    assert job.status is JobStatus.SUCCEEDED, job.error
    tracked = await harness.tracked(coin_seeds.BITCOIN_CASH_BUSY_LEGACY, Chain.BITCOIN_CASH)
    assert tracked.address == coin_seeds.BITCOIN_CASH_BUSY_ADDRESS
    await assert_synced_exactly(harness, coin_seeds.BITCOIN_CASH_BUSY_ADDRESS, Chain.BITCOIN_CASH)
    paths = {r.path for r in harness.simulator.admin.requests("blockchair")}
    assert paths == {f"/bitcoin-cash/dashboards/address/{coin_seeds.BITCOIN_CASH_BUSY_ADDRESS}"}


@pytest.mark.parametrize(
    ("chain", "provider"),
    [
        *(
            pytest.param(chain, "blockchair", id=f"{chain.value.lower()}-blockchair")
            for chain in COINS
        ),
        pytest.param(Chain.LITECOIN, "litecoin-esplora", id="litecoin-esplora"),
    ],
)
async def test_incremental_syncs_follow_every_change_of_each_chain(
    harness: SyncHarness, chain: Chain, provider: str
) -> None:
    harness.use_only(provider, chain)
    address = WITH_MEMPOOL[chain]
    admin = harness.chain_admin(chain)
    assert (await harness.sync(address, chain)).provider == provider
    await assert_synced_exactly(harness, address, chain)

    async def sync_and_compare(description: str) -> None:
        job = await harness.sync(address, chain)
        assert job.status is JobStatus.SUCCEEDED, (description, job.error)
        assert job.provider == provider
        assert await harness.stored_history(address, chain) == harness.provider_history(
            address, chain
        ), description
        await assert_synced_exactly(harness, address, chain)

    await through_chain_changes(admin, address, sync_and_compare)


FAULTS = [
    *(
        pytest.param(chain, "blockchair", fault, id=f"{chain.value.lower()}-blockchair-{name}")
        for chain in COINS
        for name, fault in [*COMMON_FAULTS, ("435", {"kind": "error_status", "status": 435})]
    ),
    *(
        pytest.param(Chain.LITECOIN, "litecoin-esplora", fault, id=f"litecoin-esplora-{name}")
        for name, fault in COMMON_FAULTS
    ),
]


# What is tested is each provider's handling of faults, the same on either database (the coins'
# syncs run on both above, and Bitcoin's faults on both in test_sync): SQLite only, for time.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("chain", "provider", "fault"), FAULTS)
async def test_a_passing_fault_is_retried_and_each_chain_s_history_is_exact(
    harness: SyncHarness, chain: Chain, provider: str, fault: dict[str, Any]
) -> None:
    harness.use_only(provider, chain)
    harness.simulator.admin.inject_fault(provider, count=2, **fault)  # type: ignore[arg-type]

    job = await harness.sync(BUSY[chain], chain)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == provider
    await assert_synced_exactly(harness, BUSY[chain], chain)
    assert harness.simulator.admin.requests(provider)[0].refused_by is not None  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [430, 500])
async def test_litecoin_falls_back_to_its_esplora_when_blockchair_refuses_or_fails(
    harness: SyncHarness, status: int
) -> None:
    harness.simulator.admin.inject_fault(
        "blockchair", "error_status", status=status, count=1000, path_contains="/litecoin/"
    )
    calls = figure_field(PROVIDER_CALLS, "litecoin-esplora", "200")
    before = int(await harness.redis.hget(SHARED_METRICS_KEY, calls) or 0)  # type: ignore[misc]

    job = await harness.sync(WITH_MEMPOOL[Chain.LITECOIN], Chain.LITECOIN)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == "litecoin-esplora"
    await assert_synced_exactly(harness, WITH_MEMPOOL[Chain.LITECOIN], Chain.LITECOIN)
    assert harness.simulator.admin.request_count("esplora") == 0
    after = int(await harness.redis.hget(SHARED_METRICS_KEY, calls) or 0)  # type: ignore[misc]
    assert after > before
    # Blockchair's circuit is Litecoin's: Bitcoin still syncs from Blockchair.
    bitcoin = await harness.sync("12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju")
    assert (bitcoin.status, bitcoin.provider) == (JobStatus.SUCCEEDED, "blockchair")


@pytest.mark.parametrize("chain", coin_params([Chain.DOGECOIN, Chain.BITCOIN_CASH]))
@pytest.mark.parametrize("status", [430, 500])
async def test_without_a_fallback_a_blockchair_refusal_fails_the_job_and_says_so(
    harness: SyncHarness, chain: Chain, status: int
) -> None:
    address = WITH_MEMPOOL[chain]
    await harness.sync(address, chain)
    before = await harness.stored_history(address, chain)
    harness.chain_admin(chain).add_mempool_transaction(address, 1_000)
    harness.simulator.admin.inject_fault(
        "blockchair",
        "error_status",
        status=status,
        count=1000,
        path_contains=BLOCKCHAIR_PATHS[chain],
    )

    job = await harness.sync(address, chain)

    name = {Chain.DOGECOIN: "Dogecoin", Chain.BITCOIN_CASH: "Bitcoin Cash"}[chain]
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert job.error.startswith(f"blockchair: HTTP {status}"), job.error
    assert job.error.endswith(f"; {name} has no fallback provider"), job.error
    tracked = await harness.tracked(address, chain)
    assert (tracked.sync_status, tracked.last_sync_error) == (SyncStatus.ERROR, job.error)
    assert await harness.stored_history(address, chain) == before
    assert harness.simulator.admin.request_count("esplora") == 0

    # While the circuit is open the next job fails at once, still saying why.
    calls = harness.simulator.admin.request_count("blockchair")
    again = await harness.sync(address, chain)
    assert again.status is JobStatus.FAILED
    assert again.error is not None
    assert again.error.startswith("blockchair skipped for now (blockchair: HTTP "), again.error
    assert again.error.endswith(f"; {name} has no fallback provider")
    assert harness.simulator.admin.request_count("blockchair") == calls


async def test_the_same_string_on_bitcoin_and_litecoin_is_two_addresses_synced_apart(
    harness: SyncHarness,
) -> None:
    same = coin_seeds.LITECOIN_OLD_P2SH_ADDRESS  # 3J98…, also seeded on Bitcoin

    bitcoin = await harness.sync(same, Chain.BITCOIN)
    litecoin = await harness.sync(same, Chain.LITECOIN)

    assert bitcoin.status is litecoin.status is JobStatus.SUCCEEDED
    assert bitcoin.address_id != litecoin.address_id
    await assert_synced_exactly(harness, same, Chain.LITECOIN)
    assert await harness.stored_history(same, Chain.BITCOIN) == harness.provider_history(same)
    assert await harness.stored_history(same, Chain.BITCOIN) != await harness.stored_history(
        same, Chain.LITECOIN
    )
