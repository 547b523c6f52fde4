"""`wallet { transactions(first: 100) }` over HTTP from 16 clients against the server as
`make run` starts it (one process per core; one process for contrast), pages drawn from varied
wallets and cursors, beside in-process execution of the same pages."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from typing import Any, cast

from db.models import Chain
from db.session import SessionFactory
from resolvers.accounts import ensure_local_account
from resolvers.wallets import add_wallet
from schema import build_schema
from schema.context import Context
from settings import Settings
from tools.bench.full_sync import synced_database
from tools.bench.http_load import GraphQLConnection, concurrent_load
from tools.bench.paging import TRANSACTIONS_PAGE, deep_page
from tools.bench.report import Row, median, percentile, seconds
from tools.bench.system import (
    BIG_ADDRESS,
    BIG_COUNT,
    BenchContext,
    cpu_seconds,
    make_run_server,
    open_sessions,
    usable_cores,
    wait_for_jobs,
)

CLIENTS = 16
LOAD_SECONDS = 5.0
IN_PROCESS_SECONDS = 3.0
MIN_RATE = 400.0
MIN_THROUGHPUT_RATIO = 1.5
MAX_P99_SECONDS = 0.050
# The pages asked for: 48 cursors spread down the 156k wallet and 4 down each of 15 wallets
# of 1,000 transactions, 108 different answers that the 16 clients go round out of step.
BIG_WALLET_PAGES = 48
SMALL_WALLETS = 15
SMALL_WALLET_TRANSACTIONS = 1_000
SMALL_WALLET_DEPTHS = (0, 300, 600, 900)
SYNC_SECONDS = 300.0


@dataclass(frozen=True)
class HttpFigures:
    rate: float
    p50: float
    p99: float
    cpu_per_request: float

    def text(self) -> str:
        return (
            f"{self.rate:.0f} req/s, p50 {seconds(self.p50)}, p99 {seconds(self.p99)}, "
            f"server CPU {self.cpu_per_request * 1000:.1f} ms/req"
        )


async def in_process_rate(
    sessions: SessionFactory, settings: Settings, pages: list[dict[str, Any]]
) -> float:
    """Operations per second of Strawberry's `schema.execute` alone, one after another, going
    round the same pages (each checked once to be a full page)."""
    schema = build_schema()
    viewer = await ensure_local_account(sessions)
    context = Context(
        request=cast("Any", None),
        response=None,
        sessions=sessions,
        authenticated=viewer,
        redis=cast("Any", None),
        live=cast("Any", None),
        settings=settings,
    )
    for variables in pages:
        result = await schema.execute(
            TRANSACTIONS_PAGE, variable_values=variables, context_value=context
        )
        assert not result.errors, result.errors
        assert result.data is not None
        assert len(result.data["wallet"]["transactions"]["edges"]) == 100, variables
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < IN_PROCESS_SECONDS:
        variables = pages[done % len(pages)]
        await schema.execute(TRANSACTIONS_PAGE, variable_values=variables, context_value=context)
        done += 1
    return done / (time.perf_counter() - started)


async def page_variables(sessions: SessionFactory, small: list[str]) -> list[dict[str, Any]]:
    """Every page's variables: a wallet and the cursor its page starts after (none: the top)."""
    wanted = [
        (BIG_ADDRESS, BIG_COUNT * page // BIG_WALLET_PAGES) for page in range(BIG_WALLET_PAGES)
    ]
    wanted += [(address, depth) for address in small for depth in SMALL_WALLET_DEPTHS]
    pages: list[dict[str, Any]] = []
    for address, depth in wanted:
        if depth == 0:
            pages.append({"address": address})
        else:
            deep = await deep_page(sessions, depth, tracked_address=address)
            pages.append({"address": address, "after": deep.cursor})
    return pages


async def add_small_wallets(bench: BenchContext, sessions: SessionFactory) -> list[str]:
    """15 more wallets, synced by the in-process worker of the `make run` server running now."""
    addresses = bench.simulator.add_addresses(SMALL_WALLETS, SMALL_WALLET_TRANSACTIONS)
    viewer = await ensure_local_account(sessions)
    job_ids = []
    for address in addresses:
        added = await add_wallet(
            sessions,
            bench.arq_redis,
            viewer=viewer,
            chain=Chain.BITCOIN,
            address=address,
            label=None,
        )
        assert added.job is not None, added.errors
        job_ids.append(added.job.id)
    await wait_for_jobs(sessions, job_ids, within_seconds=SYNC_SECONDS)
    return addresses


async def http_figures(base_url: str, pid: int, bodies: list[bytes]) -> HttpFigures:
    before = cpu_seconds(pid)
    rate, taken = await concurrent_load(
        base_url, bodies, clients=CLIENTS, duration_seconds=LOAD_SECONDS
    )
    # The warm-up request of each connection is served in the window too.
    cpu = (cpu_seconds(pid) - before) / (len(taken) + CLIENTS)
    return HttpFigures(rate, percentile(taken, 0.50), percentile(taken, 0.99), cpu)


def _copy_sqlite(source_url: str, target_url: str) -> None:
    """SQLite's online backup: the WAL's pages included."""
    prefix = "sqlite+aiosqlite:///"
    with (
        closing(sqlite3.connect(source_url.removeprefix(prefix))) as source,
        closing(sqlite3.connect(target_url.removeprefix(prefix))) as target,
    ):
        source.backup(target)


def _median_figures(runs: list[HttpFigures]) -> HttpFigures:
    return HttpFigures(
        median([run.rate for run in runs]),
        median([run.p50 for run in runs]),
        median([run.p99 for run in runs]),
        median([run.cpu_per_request for run in runs]),
    )


async def run(bench: BenchContext) -> list[Row]:
    synced = await synced_database(bench)
    # A copy: the wallets added here must not change the other benchmarks' database.
    database_url = bench.fresh_sqlite("api")
    _copy_sqlite(synced, database_url)
    environment = {
        **bench.worker_environment(database_url),
        **bench.server_environment(database_url),
        # No refresh of the big wallet while the clock runs.
        "REFRESH_INTERVAL": "24h",
    }
    cores = usable_cores()
    runs: dict[int, list[HttpFigures]] = {1: [], cores: []}
    local_rates = []
    async with open_sessions(database_url) as sessions:
        with make_run_server(environment, bench.path("api-setup.log"), processes=cores):
            small = await add_small_wallets(bench, sessions)
        pages = await page_variables(sessions, small)
        bodies = [GraphQLConnection.body(TRANSACTIONS_PAGE, variables) for variables in pages]
        settings = Settings(database_url=database_url, redis_url=bench.redis_server.url)
        for _ in range(bench.runs):
            # Side by side in each run: one process (as before), then one per core.
            for processes in runs:
                log = bench.path(f"api-{processes}.log")
                with make_run_server(environment, log, processes=processes) as server:
                    runs[processes].append(
                        await http_figures(server.base_url, server.process.pid, bodies)
                    )
            local_rates.append(await in_process_rate(sessions, settings, pages))
    local_rate = median(local_rates)
    one, many = _median_figures(runs[1]), _median_figures(runs[cores])
    ratio = many.rate / local_rate
    what = f"transactions(first: 100) over HTTP, {CLIENTS} clients, {len(pages)} varied pages"
    return [
        Row(
            f"{what}, `make run` ({cores} server processes)",
            many.text(),
            f"schema.execute {local_rate:.0f}/s; 1 process: {one.rate:.0f} req/s",
            ratio,
            f"≥ {MIN_RATE:.0f} req/s, p99 ≤ {MAX_P99_SECONDS * 1000:.0f} ms, "
            f"≥ {MIN_THROUGHPUT_RATIO}× in-process",
            many.rate >= MIN_RATE and many.p99 <= MAX_P99_SECONDS and ratio >= MIN_THROUGHPUT_RATIO,
        ),
        Row(
            f"{what}, 1 server process (WEB_CONCURRENCY=1, contrast)",
            one.text(),
            f"schema.execute {local_rate:.0f}/s",
            one.rate / local_rate,
            "none (the single-process path)",
            None,
        ),
    ]
