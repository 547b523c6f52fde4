"""`wallet { transactions(first: 100) }` over HTTP from 16 clients, against in-process execution."""

from __future__ import annotations

import time
from typing import Any, cast

from db.session import SessionFactory
from resolvers.accounts import ensure_local_account
from schema import build_schema
from schema.context import Context
from settings import Settings
from tools.bench.full_sync import synced_database
from tools.bench.http_load import GraphQLConnection, concurrent_load
from tools.bench.paging import TRANSACTIONS_PAGE
from tools.bench.report import Row, median, percentile, seconds
from tools.bench.system import BIG_ADDRESS, BenchContext, open_sessions, server_process

CLIENTS = 16
LOAD_SECONDS = 5.0
IN_PROCESS_SECONDS = 3.0
MIN_THROUGHPUT_RATIO = 0.6
MAX_P99_SECONDS = 0.050


async def in_process_rate(sessions: SessionFactory, settings: Settings) -> float:
    """Operations per second of Strawberry's `schema.execute` alone, one after another."""
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
    variables = {"address": BIG_ADDRESS}
    first = await schema.execute(
        TRANSACTIONS_PAGE, variable_values=variables, context_value=context
    )
    assert not first.errors, first.errors
    assert first.data is not None
    assert len(first.data["wallet"]["transactions"]["edges"]) == 100
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < IN_PROCESS_SECONDS:
        await schema.execute(TRANSACTIONS_PAGE, variable_values=variables, context_value=context)
        done += 1
    return done / (time.perf_counter() - started)


async def run(bench: BenchContext) -> list[Row]:
    database_url = await synced_database(bench)
    environment = bench.server_environment(database_url)
    body = GraphQLConnection.body(TRANSACTIONS_PAGE, {"address": BIG_ADDRESS})
    http_rates, p50s, p99s, local_rates = [], [], [], []
    async with open_sessions(database_url) as sessions:
        settings = Settings(database_url=database_url, redis_url=bench.redis_server.url)
        with server_process(environment, bench.path("api.log")) as server:
            for _ in range(bench.runs):
                rate, taken = await concurrent_load(
                    server.base_url, body, clients=CLIENTS, duration_seconds=LOAD_SECONDS
                )
                http_rates.append(rate)
                p50s.append(percentile(taken, 0.50))
                p99s.append(percentile(taken, 0.99))
                local_rates.append(await in_process_rate(sessions, settings))
    http_rate, local_rate = median(http_rates), median(local_rates)
    p50, p99 = median(p50s), median(p99s)
    ratio = http_rate / local_rate
    return [
        Row(
            f"transactions(first: 100) over HTTP, {CLIENTS} clients",
            f"{http_rate:.0f} req/s, p50 {seconds(p50)}, p99 {seconds(p99)}",
            f"schema.execute {local_rate:.0f}/s",
            ratio,
            f"≥ {MIN_THROUGHPUT_RATIO}× in-process, p99 ≤ {MAX_P99_SECONDS * 1000:.0f} ms",
            ratio >= MIN_THROUGHPUT_RATIO and p99 <= MAX_P99_SECONDS,
        )
    ]
