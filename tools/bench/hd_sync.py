"""An HD wallet of 1,000 used addresses (500 receive, 500 change) and 50,000 transactions: its
full scan against the same number of transactions on one address, its unchanged re-syncs, and
its transactions paged over HTTP at depth 0 and at its deepest page.

HD_BENCH_TRANSACTIONS sets the wallet's transactions (default 50,000); the single-address
baseline always has as many."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass

import httpx
from sqlalchemy import select

from db.models import Chain, HdWallet, TrackedAddress, Transaction
from db.session import SessionFactory
from hd import ScriptKind, parse_hd_input
from resolvers.accounts import ensure_local_account
from resolvers.wallets import add_wallet
from tools.bench.full_sync import SYNC_TIMEOUT_SECONDS, sync_in_worker
from tools.bench.http_load import GraphQLConnection, latencies
from tools.bench.paging import MAX_DEPTH_RATIO, PAGE_SIZE, REQUESTS_PER_RUN, TRANSACTIONS_PAGE
from tools.bench.paging import deep_page as deep_page_of
from tools.bench.report import Row, median, seconds
from tools.bench.system import (
    BLOCKCHAIR_KEY,
    BenchContext,
    job_seconds,
    open_sessions,
    server_process,
    wait_for_job,
)
from tools.processes import WorkerProcess
from workers.queue import request_sync
from workers.sync import REORG_SAFETY_DEPTH

# "abandon ... about", m/84'/0'/0' (BIP-84's vector), as the derivation benchmark.
ZPUB = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDK"
    "f31mGDtKsAYz2oz2AGutZYs"
)
USED_RECEIVE = 500
# The history generator sends change to the change keychain in order, then reuses it: with
# many more payments than this, every one of these change addresses is used.
USED_CHANGE = 500
# Derived beyond the used ones on each keychain: past any gap limit the scan looks at.
DERIVED_BEYOND = 200
MAX_RESYNC_CALLS = 15
# Re-syncs take a fraction of a second: a few more runs steady the median.
MIN_RESYNC_RUNS = 5
ACTIVITY_BATCH = 100


def wallet_transactions() -> int:
    return int(os.environ.get("HD_BENCH_TRANSACTIONS", "50000"))


def log(message: str) -> None:
    print(f"   {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class WalletAddresses:
    receive: list[str]
    change: list[str]

    @property
    def all(self) -> list[str]:
        return [*self.receive, *self.change]


@dataclass(frozen=True)
class ScanRun:
    database_url: str
    seconds: float
    calls_by_kind: dict[str, int]
    resyncs: list[tuple[float, int]]


def derive_addresses() -> WalletAddresses:
    wallet = parse_hd_input(ZPUB, Chain.BITCOIN).wallet(ScriptKind.P2WPKH)
    return WalletAddresses(
        receive=[derived.address for derived in wallet.derive(0, 0, USED_RECEIVE + DERIVED_BEYOND)],
        change=[derived.address for derived in wallet.derive(1, 0, USED_CHANGE + DERIVED_BEYOND)],
    )


def warm_simulator(bench: BenchContext, addresses: WalletAddresses, used: list[str]) -> None:
    """Every summary the scan and the member syncs read, computed before any timing (a real
    provider serves them precomputed)."""
    everything = addresses.all
    with httpx.Client(base_url=f"{bench.simulator.blockchair_url}/bitcoin", timeout=600) as client:
        for address in used:
            client.get(
                f"/dashboards/address/{address}",
                params={"limit": 10_000, "transaction_details": "true", "key": BLOCKCHAIR_KEY},
            ).raise_for_status()
        for start in range(0, len(everything), ACTIVITY_BATCH):
            batch = ",".join(everything[start : start + ACTIVITY_BATCH])
            client.get(
                f"/dashboards/addresses/{batch}", params={"key": BLOCKCHAIR_KEY}
            ).raise_for_status()


def calls_by_kind(bench: BenchContext) -> dict[str, int]:
    counted: Counter[str] = Counter()
    for provider in ("blockchair", "esplora"):
        counted.update(
            f"{provider} {record['kind']}" for record in bench.simulator.requests(provider)
        )
    return dict(counted)


def total_calls(by_kind: dict[str, int]) -> int:
    return sum(by_kind.values())


def describe_calls(by_kind: dict[str, int]) -> str:
    parts = ", ".join(
        f"{count:,} {kind.split(' ', 1)[1]}"
        + ("" if kind.startswith("blockchair") else " (esplora)")
        for kind, count in sorted(by_kind.items(), key=lambda item: -item[1])
    )
    return f"{total_calls(by_kind):,} calls ({parts})"


async def add_hd_wallet(sessions: SessionFactory, bench: BenchContext) -> tuple[int, str, int]:
    """The wallet added for the local account: its first job, its tracked address's identity
    and id."""
    viewer = await ensure_local_account(sessions)
    added = await add_wallet(
        sessions,
        bench.arq_redis,
        viewer=viewer,
        chain=Chain.BITCOIN,
        address=ZPUB,
        label=None,
        # Given, so adding the wallet asks no provider which script it uses.
        script_type=ScriptKind.P2WPKH,
    )
    assert added.errors == [], added.errors
    assert added.job is not None
    assert added.wallet is not None
    return added.job.id, added.wallet.tracked.address, added.wallet.tracked.id


async def netted_rows(sessions: SessionFactory, wallet_address_id: int) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.execute(
            select(Transaction.txid, Transaction.amount_sat).where(
                Transaction.address_id == wallet_address_id
            )
        )
        return {txid: int(amount) for txid, amount in rows}


async def resync(
    bench: BenchContext, sessions: SessionFactory, wallet_address_id: int
) -> tuple[float, int]:
    """One sync of the synced wallet: the job's own time and the provider calls it made."""
    bench.simulator.reset_requests()
    job = await request_sync(
        sessions, bench.arq_redis, address_id=wallet_address_id, requested_by_account_id=None
    )
    finished = await wait_for_job(sessions, job.id, within_seconds=SYNC_TIMEOUT_SECONDS)
    return job_seconds(finished), total_calls(calls_by_kind(bench))


async def scan_in_worker(
    bench: BenchContext, truth: dict[str, int], name: str, *, resyncs: int
) -> ScanRun:
    """A fresh worker process scans and syncs the wallet into a fresh SQLite file, checked
    against the simulator's truth; then `resyncs` unchanged re-syncs in the same worker."""
    database_url = bench.fresh_sqlite(name)
    bench.simulator.reset_requests()
    await bench.arq_redis.flushdb()
    async with open_sessions(database_url) as sessions:
        with WorkerProcess(bench.worker_environment(database_url), bench.path(f"{name}.log")):
            job_id, _, wallet_address_id = await add_hd_wallet(sessions, bench)
            job = await wait_for_job(sessions, job_id, within_seconds=SYNC_TIMEOUT_SECONDS)
            by_kind = calls_by_kind(bench)
            stored = await netted_rows(sessions, wallet_address_id)
            assert len(stored) == len(truth), (len(stored), len(truth))
            assert stored == truth, "the wallet's netted rows differ from the simulator's truth"
            again = [await resync(bench, sessions, wallet_address_id) for _ in range(resyncs)]
            assert await netted_rows(sessions, wallet_address_id) == truth
    return ScanRun(database_url, job_seconds(job), by_kind, again)


async def settled_resyncs(
    bench: BenchContext, database_url: str, runs: int
) -> list[tuple[float, int]]:
    """Unchanged re-syncs once the wallet's newest transaction is deeper than the reorg safety
    depth (the tip moved on by empty blocks), in a long-running worker whose first job is not
    timed."""
    for _ in range(REORG_SAFETY_DEPTH):
        bench.simulator.mine_block()
    await bench.arq_redis.flushdb()
    async with open_sessions(database_url) as sessions:
        with WorkerProcess(bench.worker_environment(database_url), bench.path("hd-settled.log")):
            wallet_address_id = await _wallet_address_id(sessions)
            await resync(bench, sessions, wallet_address_id)
            return [await resync(bench, sessions, wallet_address_id) for _ in range(runs)]


async def _wallet_address_id(sessions: SessionFactory) -> int:
    async with sessions() as session:
        address_id = await session.scalar(select(HdWallet.address_id))
    assert address_id is not None
    return int(address_id)


async def paging_rows(bench: BenchContext, database_url: str, count: int) -> list[Row]:
    """A page of 100 of the wallet's transactions at depth 0 and at its last page, over HTTP,
    interleaved as `paging` does."""
    depth = count - PAGE_SIZE
    async with open_sessions(database_url) as sessions:
        async with sessions() as session:
            identity = await session.scalar(
                select(TrackedAddress.address).join(
                    HdWallet, HdWallet.address_id == TrackedAddress.id
                )
            )
        assert identity is not None
        deep = await deep_page_of(sessions, depth, tracked_address=identity)
    shallow_body = GraphQLConnection.body(TRANSACTIONS_PAGE, {"address": ZPUB})
    deep_body = GraphQLConnection.body(TRANSACTIONS_PAGE, {"address": ZPUB, "after": deep.cursor})
    shallow_runs, deep_runs = [], []
    with server_process(
        bench.server_environment(database_url), bench.path("hd-paging.log")
    ) as server:
        await _check_last_page(server.base_url, deep_body)
        for _ in range(bench.runs):
            shallow_runs.append(
                median(await latencies(server.base_url, shallow_body, requests=REQUESTS_PER_RUN))
            )
            deep_runs.append(
                median(await latencies(server.base_url, deep_body, requests=REQUESTS_PER_RUN))
            )
            await asyncio.sleep(0)
    shallow, deepest = median(shallow_runs), median(deep_runs)
    ratio = deepest / shallow
    return [
        Row(
            f"HD wallet page of 100 over HTTP, depth {depth:,} of {count:,}",
            f"{seconds(deepest)} (p50)",
            f"depth 0 {seconds(shallow)}",
            ratio,
            f"≤ {MAX_DEPTH_RATIO}× depth 0",
            ratio <= MAX_DEPTH_RATIO,
        )
    ]


async def _check_last_page(base_url: str, body: bytes) -> None:
    """The deep cursor's page is the wallet's last: 100 rows and nothing after them."""
    connection = await GraphQLConnection.open(base_url)
    try:
        answer = await connection.query(body)
    finally:
        connection.close()
    page = answer["data"]["wallet"]["transactions"]
    assert len(page["edges"]) == PAGE_SIZE, len(page["edges"])
    assert page["pageInfo"]["hasNextPage"] is False


async def run(bench: BenchContext) -> list[Row]:
    count = wallet_transactions()
    addresses = derive_addresses()
    started = time.monotonic()
    history = await asyncio.to_thread(
        bench.simulator.add_wallet_history,
        addresses.receive[:USED_RECEIVE],
        addresses.change[:USED_CHANGE],
        used_receive=list(range(USED_RECEIVE)),
        transactions=count,
    )
    used = [*history["used_receive"], *history["used_change"]]
    assert len(history["used_change"]) == USED_CHANGE, len(history["used_change"])
    truth = await asyncio.to_thread(bench.simulator.net_amounts, addresses.all)
    assert len(truth) == count, (len(truth), count)
    log(f"wallet history of {count:,} txs generated in {time.monotonic() - started:.0f} s")
    (single_address,) = bench.simulator.add_addresses(1, count)
    bench.simulator.prepare(single_address)
    warm_simulator(bench, addresses, used)
    log(f"simulator ready after {time.monotonic() - started:.0f} s")

    scans: list[ScanRun] = []
    singles: list[float] = []
    single_calls: list[int] = []
    for number in range(bench.runs):
        # Interleaved, so drift in the machine's speed affects both alike.
        single = await sync_in_worker(
            bench, single_address, bench.fresh_sqlite(f"hd-single-{number}"), f"hd-single-{number}"
        )
        singles.append(single.seconds)
        single_calls.append(single.provider_calls)
        scan = await scan_in_worker(
            bench, truth, f"hd-scan-{number}", resyncs=max(1, MIN_RESYNC_RUNS // bench.runs)
        )
        scans.append(scan)
        log(
            f"run {number}: HD {scan.seconds:.2f} s, {describe_calls(scan.calls_by_kind)};"
            f" single address {single.seconds:.2f} s"
        )
    database_url = scans[-1].database_url
    settled = await settled_resyncs(bench, database_url, max(bench.runs, MIN_RESYNC_RUNS))

    scan_seconds = median([scan.seconds for scan in scans])
    single_seconds = median(singles)
    recent = [figures for scan in scans for figures in scan.resyncs]
    rows = [
        Row(
            f"HD full scan, {len(used):,} used addresses, {count:,} txs (SQLite)",
            f"{seconds(scan_seconds)}, {describe_calls(scans[-1].calls_by_kind)}",
            f"one address of {count:,} txs {seconds(single_seconds)},"
            f" {median(single_calls):.0f} calls",
            scan_seconds / single_seconds,
            "none (report)",
            None,
        ),
        _resync_row("HD re-sync, unchanged, newest txs > 6 blocks deep", settled, scan_seconds),
        _resync_row(
            "HD re-sync, unchanged, newest txs ≤ 6 blocks deep (re-checked)",
            recent,
            scan_seconds,
            with_target=False,
        ),
    ]
    rows.extend(await paging_rows(bench, database_url, count))
    return rows


def _resync_row(
    what: str, figures: list[tuple[float, int]], scan_seconds: float, *, with_target: bool = True
) -> Row:
    time_taken = median([taken for taken, _ in figures])
    calls = max(calls for _, calls in figures)
    return Row(
        what,
        f"{seconds(time_taken)}, {calls} call{'s' if calls != 1 else ''}",
        f"full scan {seconds(scan_seconds)}",
        time_taken / scan_seconds,
        f"≤ {MAX_RESYNC_CALLS} calls" if with_target else "none (reorg safety)",
        calls <= MAX_RESYNC_CALLS if with_target else None,
    )
