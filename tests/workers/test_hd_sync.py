"""An HD wallet's sync on real parts: scan, fallback, resumption, re-syncs that cost only the
scan, and derived addresses shared with other wallets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import event, func, select

from db.models import Chain, JobStatus, SyncJob, TrackedAddress, Transaction
from db.session import engine_of
from hd import ScriptKind, parse_hd_input
from resolvers.hd_wallets import WatchedAddress, first_unused_receive_address, watched_addresses
from resolvers.viewer import Viewer
from resolvers.wallets import AddedWallet, add_wallet
from settings import Settings
from tests.hd.test_derivation import BLOCKCHAIR_XPUB
from tests.utils.factories import create_account
from tests.utils.sync_harness import SyncHarness
from tools.simulator.chain_admin import ChainAdmin
from workers import job_claims

ZPUB = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDK"
    "f31mGDtKsAYz2oz2AGutZYs"
)


def derived(keychain: int, count: int, key: str = ZPUB, chain: Chain = Chain.BITCOIN) -> list[str]:
    wallet = parse_hd_input(key, chain).wallet(ScriptKind.P2WPKH)
    return [address.address for address in wallet.derive(keychain, 0, count)]


def bitcoin(harness: SyncHarness) -> ChainAdmin:
    return harness.simulator.chain_admin("bitcoin")


async def add_hd(
    harness: SyncHarness,
    viewer: Viewer | None = None,
    *,
    gap: int | None = None,
    address: str = ZPUB,
    script_type: ScriptKind | None = None,
    settings: Settings | None = None,
) -> AddedWallet:
    added = await add_wallet(
        harness.sessions,
        harness.redis,
        viewer=viewer or harness.viewer,
        chain=Chain.BITCOIN,
        address=address,
        label=None,
        gap_limit=gap,
        script_type=script_type,
        settings=settings,
    )
    assert added.errors == [], added.errors
    assert added.job is not None
    return added


async def watched(
    harness: SyncHarness, added: AddedWallet, *, keychain: int | None, used: bool | None = None
) -> list[WatchedAddress]:
    """Every address the wallet watches on `keychain` (None: both), in order."""
    assert added.wallet is not None
    page = await watched_addresses(
        harness.sessions,
        wallet_address_id=added.wallet.tracked.id,
        after=None,
        limit=1000,
        keychain=keychain,
        used=used,
    )
    return page.rows


async def run(harness: SyncHarness, job_id: int) -> SyncJob:
    await harness.engine.run_job(job_id)
    async with harness.sessions() as session:
        return await session.get_one(SyncJob, job_id)


async def resync(harness: SyncHarness, added: AddedWallet) -> SyncJob:
    from workers.queue import request_sync

    assert added.wallet is not None
    job = await request_sync(
        harness.sessions,
        harness.redis,
        address_id=added.wallet.tracked.id,
        requested_by_account_id=None,
    )
    return await run(harness, job.id)


async def netted(harness: SyncHarness, added: AddedWallet) -> dict[str, int]:
    assert added.wallet is not None
    async with harness.sessions() as session:
        rows = await session.execute(
            select(Transaction.txid, Transaction.amount_sat).where(
                Transaction.address_id == added.wallet.tracked.id
            )
        )
        return {txid: amount for txid, amount in rows}


def wallet_truth(harness: SyncHarness, receive: int = 20, change: int = 20) -> dict[str, int]:
    return bitcoin(harness).net_amounts([*derived(0, receive), *derived(1, change)])


async def test_an_unchanged_wallet_re_syncs_with_its_scan_alone(harness: SyncHarness) -> None:
    receive, change = derived(0, 40), derived(1, 20)
    bitcoin(harness).add_wallet_history(
        receive[:15], change[:10], used_receive=list(range(15)), transactions=50
    )
    added = await add_hd(harness)
    assert added.job is not None
    first = await run(harness, added.job.id)
    assert first.status is JobStatus.SUCCEEDED, first.error
    assert await netted(harness, added) == wallet_truth(harness, 60, 40)

    admin = harness.simulator.admin
    admin.reset_counters()
    again = await resync(harness, added)

    assert again.status is JobStatus.SUCCEEDED, again.error
    # 15 used + 20 receive, up to 10 used + 20 change: one call for every address (the scan
    # looks 50 ahead on each keychain where a call holds 100), and no address's history read
    # again.
    assert admin.request_count("blockchair", "addresses_dashboard") == 1
    assert admin.request_count("blockchair", "address_dashboard") == 0
    assert again.addresses_scanned == 100
    assert await netted(harness, added) == wallet_truth(harness, 60, 40)


async def test_only_the_addresses_that_changed_are_synced_again(harness: SyncHarness) -> None:
    receive = derived(0, 10)
    bitcoin(harness).add_wallet_history(
        receive[:4], derived(1, 4), used_receive=[0, 1, 2, 3], transactions=30
    )
    added = await add_hd(harness)
    assert added.job is not None
    await run(harness, added.job.id)

    bitcoin(harness).mine_block(address=receive[2], amounts_sat=[12_345])
    admin = harness.simulator.admin
    admin.reset_counters()
    again = await resync(harness, added)

    assert again.status is JobStatus.SUCCEEDED, again.error
    synced_again = {
        record.path.split("/")[-1] for record in admin.requests("blockchair", "address_dashboard")
    }
    assert synced_again == {receive[2]}
    assert await netted(harness, added) == wallet_truth(harness)


async def test_a_scan_falls_back_to_esplora_when_blockchair_fails(harness: SyncHarness) -> None:
    bitcoin(harness).add_wallet_history(
        derived(0, 3), derived(1, 3), used_receive=[0, 2], transactions=12
    )
    harness.simulator.admin.inject_fault(
        "blockchair", "error_status", status=503, count=100, path_contains="dashboards/addresses"
    )
    added = await add_hd(harness, gap=5)
    assert added.job is not None

    job = await run(harness, added.job.id)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == "esplora"
    assert await netted(harness, added) == wallet_truth(harness)


async def test_a_stopped_scan_resumes_and_ends_exact(harness: SyncHarness) -> None:
    receive = derived(0, 12)
    bitcoin(harness).add_wallet_history(
        receive[:12], derived(1, 6), used_receive=list(range(12)), transactions=400
    )
    added = await add_hd(harness, gap=5)
    assert added.job is not None

    stopped = await harness.stop_when_fetched(added.job.id, 50)
    assert stopped.status is JobStatus.QUEUED
    finished = await run(harness, added.job.id)

    assert finished.status is JobStatus.SUCCEEDED, finished.error
    assert await netted(harness, added) == wallet_truth(harness)


async def test_an_address_of_an_hd_wallet_is_tracked_once_and_synced_for_both(
    harness: SyncHarness, database_url: str
) -> None:
    receive = derived(0, 5)
    bitcoin(harness).add_wallet_history(
        receive[:3], derived(1, 3), used_receive=[0, 1, 2], transactions=20
    )
    bob = Viewer(account_id=await create_account(database_url, "bob"))
    hd = await add_hd(harness, gap=5)
    single = await add_wallet(
        harness.sessions,
        harness.redis,
        viewer=bob,
        chain=Chain.BITCOIN,
        address=receive[1],
        label=None,
    )
    assert single.job is not None
    assert hd.job is not None

    assert (await run(harness, hd.job.id)).status is JobStatus.SUCCEEDED
    assert (await run(harness, single.job.id)).status is JobStatus.SUCCEEDED

    async with harness.sessions() as session:
        rows = await session.scalar(
            select(func.count())
            .select_from(TrackedAddress)
            .where(TrackedAddress.address == receive[1])
        )
    assert rows == 1
    assert await harness.stored_history(receive[1]) == harness.provider_history(receive[1])
    assert await netted(harness, hd) == wallet_truth(harness)


XPUB = (
    "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoek"
    "kudhUd9yLb6qx39T9nMdj"
)


@pytest.mark.parametrize(
    ("chain", "key", "script", "prefix"),
    [
        pytest.param(Chain.LITECOIN, ZPUB, ScriptKind.P2WPKH, "ltc1q", id="litecoin-zpub"),
        pytest.param(Chain.DOGECOIN, XPUB, ScriptKind.P2PKH, "D", id="dogecoin-xpub"),
    ],
)
async def test_litecoin_and_dogecoin_wallets_are_scanned_and_netted(
    harness: SyncHarness, chain: Chain, key: str, script: ScriptKind, prefix: str
) -> None:
    wallet = parse_hd_input(key, chain).wallet(script)
    receive = [derived.address for derived in wallet.derive(0, 0, 6)]
    change = [derived.address for derived in wallet.derive(1, 0, 6)]
    assert all(address.startswith(prefix) for address in receive)
    admin = harness.simulator.chain_admin(chain.value.lower())
    admin.add_wallet_history(receive[:4], change[:3], used_receive=[0, 3], transactions=15)

    added = await add_wallet(
        harness.sessions,
        harness.redis,
        viewer=harness.viewer,
        chain=chain,
        address=key,
        label=None,
        gap_limit=3,
        script_type=script if parse_hd_input(key, chain).script is None else None,
    )
    assert added.errors == [], added.errors
    assert added.job is not None
    job = await run(harness, added.job.id)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert await netted(harness, added) == admin.net_amounts([*receive, *change])


async def test_an_address_another_run_is_syncing_is_left_to_it(harness: SyncHarness) -> None:
    """Two syncs of one address at once could each delete what the other wrote: the wallet
    never syncs an address whose own job another run holds, and takes over a queued one."""
    receive = derived(0, 5)
    bitcoin(harness).add_wallet_history(
        receive[:3], derived(1, 3), used_receive=[0, 1, 2], transactions=20
    )
    busy, queued = [
        await add_wallet(
            harness.sessions,
            harness.redis,
            viewer=harness.viewer,
            chain=Chain.BITCOIN,
            address=address,
            label=None,
        )
        for address in (receive[1], receive[2])
    ]
    assert busy.job is not None
    assert queued.job is not None
    other_run = await job_claims.claim_job(
        harness.sessions,
        job_id=busy.job.id,
        claim_token="another-run",
        stale_after=timedelta(hours=1),
    )
    assert other_run is not None

    hd = await add_hd(harness, gap=5)
    assert hd.job is not None
    assert (await run(harness, hd.job.id)).status is JobStatus.SUCCEEDED

    async with harness.sessions() as session:
        busy_job = await session.get_one(SyncJob, busy.job.id)
        queued_job = await session.get_one(SyncJob, queued.job.id)
    assert busy_job.status is JobStatus.RUNNING
    assert busy_job.claim_token == "another-run"
    assert await harness.stored_history(receive[1]) == []
    # The queued one was taken over and synced within the wallet's run.
    assert queued_job.status is JobStatus.SUCCEEDED
    assert await harness.stored_history(receive[2]) == harness.provider_history(receive[2])


async def test_a_two_of_two_multisig_descriptor_is_scanned_and_netted(
    harness: SyncHarness,
) -> None:
    account_84 = parse_hd_input(ZPUB, Chain.BITCOIN).wallet(ScriptKind.P2WPKH).descriptor
    xpub_84 = account_84.split("(")[1].split("/")[0]
    descriptor = f"wsh(sortedmulti(2,{xpub_84}/<0;1>/*,{XPUB}/<0;1>/*))"
    wallet = parse_hd_input(descriptor, Chain.BITCOIN).wallet()
    assert wallet.script is ScriptKind.P2WSH_SORTEDMULTI
    receive = [derived.address for derived in wallet.derive(0, 0, 4)]
    change = [derived.address for derived in wallet.derive(1, 0, 4)]
    # P2WSH: bech32 with a 32-byte program.
    assert all(address.startswith("bc1q") and len(address) == 62 for address in receive)
    bitcoin(harness).add_wallet_history(
        receive[:3], change[:2], used_receive=[0, 2], transactions=12
    )

    added = await add_hd(harness, gap=3, address=descriptor)
    assert added.job is not None
    job = await run(harness, added.job.id)

    assert job.status is JobStatus.SUCCEEDED, job.error
    assert await netted(harness, added) == bitcoin(harness).net_amounts([*receive, *change])


async def test_an_address_with_only_unconfirmed_transactions_is_used(
    harness: SyncHarness,
) -> None:
    """Used means any transaction, mempool included: an unconfirmed payment to the receive
    address handed out moves `receiveAddress` on, and one further out moves the window."""
    receive = derived(0, 12)
    bitcoin(harness).add_wallet_history(
        receive[:1], derived(1, 2), used_receive=[0], transactions=4
    )
    added = await add_hd(harness, gap=3)
    assert added.job is not None
    assert added.wallet is not None
    assert (await run(harness, added.job.id)).status is JobStatus.SUCCEEDED
    wallet_id = added.wallet.tracked.id
    assert (
        await first_unused_receive_address(harness.sessions, wallet_address_id=wallet_id)
        == (receive[1])
    )

    # Index 1 (the address handed out) and index 4 (within the gap after it) are paid, both
    # unconfirmed: one sync finds both and watches 3 past index 4.
    for index in (1, 4):
        bitcoin(harness).add_mempool_transaction(receive[index], 25_000)
    again = await resync(harness, added)

    assert again.status is JobStatus.SUCCEEDED, again.error
    assert [row.index for row in await watched(harness, added, keychain=0, used=True)] == [0, 1, 4]
    assert [row.index for row in await watched(harness, added, keychain=0)] == list(range(8))
    assert (
        await first_unused_receive_address(harness.sessions, wallet_address_id=wallet_id)
        == (receive[2])
    )
    assert await netted(harness, added) == wallet_truth(harness, 12, 5)


async def test_a_wallet_added_without_a_gap_limit_watches_default_gap_limit_addresses(
    harness: SyncHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_GAP_LIMIT", "7")
    added = await add_hd(harness, settings=Settings())
    assert added.job is not None
    assert added.wallet is not None
    assert added.wallet.hd is not None
    assert added.wallet.hd.gap_limit == 7
    assert (await run(harness, added.job.id)).status is JobStatus.SUCCEEDED

    for keychain in (0, 1):
        rows = await watched(harness, added, keychain=keychain)
        assert [row.index for row in rows] == list(range(7))

    for outside in ("0", "1001"):
        monkeypatch.setenv("DEFAULT_GAP_LIMIT", outside)
        with pytest.raises(ValidationError, match="default_gap_limit"):
            Settings()


@pytest.mark.parametrize(
    ("gap", "found"),
    [
        pytest.param(10, False, id="gap-10"),
        pytest.param(18, False, id="gap-18-equals-the-unused-run"),
        pytest.param(19, True, id="gap-19"),
        pytest.param(20, True, id="gap-20"),
    ],
)
@pytest.mark.parametrize("scanner", ["blockchair", "esplora"])
async def test_the_blockchair_example_wallet_finds_0_29_only_within_the_gap(
    harness: SyncHarness, gap: int, found: bool, scanner: str
) -> None:
    """The real wallet of Blockchair's docs: used 0/0-0/6, 0/8-0/10, then 18 unused (0/11 to
    0/28) before 0/29. A gap of 18 stops at 0/28; 19 reaches 0/29. Blockchair's batched scan
    looks past the gap: what it sees there must not count."""
    wallet = parse_hd_input(BLOCKCHAIR_XPUB, Chain.BITCOIN).wallet(ScriptKind.P2PKH)
    receive = [item.address for item in wallet.derive(0, 0, 30)]
    used = [*range(7), 8, 9, 10, 29]
    bitcoin(harness).add_wallet_history(
        receive,
        [item.address for item in wallet.derive(1, 0, 3)],
        used_receive=used,
        transactions=24,
    )
    if scanner == "esplora":
        harness.simulator.admin.inject_fault(
            "blockchair", "error_status", status=503, count=1000, path_contains="dashboards"
        )
    added = await add_hd(harness, gap=gap, address=BLOCKCHAIR_XPUB, script_type=ScriptKind.P2PKH)
    assert added.job is not None
    job = await run(harness, added.job.id)
    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.provider == scanner

    rows = await watched(harness, added, keychain=0)
    last_used = 29 if found else 10
    assert [row.index for row in rows] == list(range(last_used + gap + 1))
    used_rows = [row.index for row in rows if row.tracked.transaction_count > 0]
    assert used_rows == (used if found else used[:-1])


async def test_watched_addresses_page_by_keyset_without_offset(harness: SyncHarness) -> None:
    bitcoin(harness).add_wallet_history(
        derived(0, 3), derived(1, 3), used_receive=[0, 2], transactions=10
    )
    added = await add_hd(harness, gap=5)
    assert added.job is not None
    assert added.wallet is not None
    assert (await run(harness, added.job.id)).status is JobStatus.SUCCEEDED
    offsets: list[object] = []
    statements: list[str] = []

    def record(*args: Any) -> None:
        statement, parameters = str(args[2]).upper(), args[3]
        statements.append(statement)
        if "OFFSET" in statement:
            # SQLite's dialect always writes `LIMIT ? OFFSET ?`: the offset must stay 0.
            offsets.append(parameters[-1])

    engine = engine_of(harness.sessions).sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        rows: list[tuple[int, int]] = []
        after: tuple[int, int] | None = None
        while True:
            page = await watched_addresses(
                harness.sessions,
                wallet_address_id=added.wallet.tracked.id,
                after=after,
                limit=4,
                keychain=None,
                used=None,
            )
            rows.extend((row.keychain, row.index) for row in page.rows)
            if not page.has_next_page:
                break
            after = rows[-1]
    finally:
        event.remove(engine, "before_cursor_execute", record)

    whole = await watched(harness, added, keychain=None)
    assert rows == [(row.keychain, row.index) for row in whole]
    assert rows == sorted(rows)
    assert rows[:8] == [(0, index) for index in range(8)]
    assert statements
    assert set(offsets) <= {0}
