"""A page of 100 transactions over HTTP at depth 0 and at depth 150,000; OFFSET for contrast."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from sqlalchemy import Select, select, tuple_

from db.models import TrackedAddress, Transaction, Wallet
from db.session import SessionFactory
from resolvers.transactions import transaction_cursors
from tools.bench.full_sync import synced_database
from tools.bench.http_load import GraphQLConnection, latencies
from tools.bench.report import Row, median, seconds
from tools.bench.system import BIG_ADDRESS, BenchContext, open_sessions, server_process

DEPTH = 150_000
PAGE_SIZE = 100
REQUESTS_PER_RUN = 200
MAX_DEPTH_RATIO = 1.3
TRANSACTIONS_PAGE = """
query Page($address: String!, $after: String) {
  wallet(address: $address) {
    transactions(first: 100, after: $after) {
      edges { cursor node { id txid blockHeight timestamp amount direction confirmations } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


@dataclass(frozen=True)
class DeepPage:
    address_id: int
    cursor: str
    key: tuple[int, int]


async def deep_page(
    sessions: SessionFactory, depth: int, *, tracked_address: str = BIG_ADDRESS
) -> DeepPage:
    """The cursor after which the page starting `depth` rows down the wallet of
    `tracked_address` (an HD wallet's is its `hd:` identity) begins."""
    async with sessions() as session:
        wallet_id, address_id = (
            await session.execute(
                select(Wallet.id, Wallet.address_id)
                .join(TrackedAddress, TrackedAddress.id == Wallet.address_id)
                .where(TrackedAddress.address == tracked_address)
            )
        ).one()
        sort_key, row_id = (
            await session.execute(
                _newest_first(address_id)
                .with_only_columns(Transaction.sort_key, Transaction.id)
                .offset(depth - 1)
                .limit(1)
            )
        ).one()
    key = (int(sort_key), int(row_id))
    return DeepPage(address_id, transaction_cursors(wallet_id).encode(key), key)


def _newest_first(address_id: int) -> Select[Transaction]:
    return (
        select(Transaction)
        .where(Transaction.address_id == address_id)
        .order_by(Transaction.sort_key.desc(), Transaction.id.desc())
    )


async def _sql_seconds(sessions: SessionFactory, statement: Select[Transaction]) -> float:
    taken = []
    for _ in range(20):
        async with sessions() as session:
            started = time.perf_counter()
            rows = (await session.execute(statement)).scalars().all()
            taken.append(time.perf_counter() - started)
        assert len(rows) == PAGE_SIZE
    return median(taken)


async def run(bench: BenchContext) -> list[Row]:
    database_url = await synced_database(bench)
    async with open_sessions(database_url) as sessions:
        deep = await deep_page(sessions, DEPTH)
        keyset = await _sql_seconds(
            sessions,
            _newest_first(deep.address_id)
            .where(tuple_(Transaction.sort_key, Transaction.id) < tuple_(*deep.key))
            .limit(PAGE_SIZE),
        )
        offset = await _sql_seconds(
            sessions, _newest_first(deep.address_id).offset(DEPTH).limit(PAGE_SIZE)
        )
    shallow_body = GraphQLConnection.body(TRANSACTIONS_PAGE, {"address": BIG_ADDRESS})
    deep_body = GraphQLConnection.body(
        TRANSACTIONS_PAGE, {"address": BIG_ADDRESS, "after": deep.cursor}
    )
    shallow_runs, deep_runs = [], []
    with server_process(bench.server_environment(database_url), bench.path("paging.log")) as server:
        for _ in range(bench.runs):
            # Interleaved, so drift in the machine's speed affects both alike.
            shallow_runs.append(
                median(await latencies(server.base_url, shallow_body, requests=REQUESTS_PER_RUN))
            )
            deep_runs.append(
                median(await latencies(server.base_url, deep_body, requests=REQUESTS_PER_RUN))
            )
            await asyncio.sleep(0)
    shallow, deep_latency = median(shallow_runs), median(deep_runs)
    ratio = deep_latency / shallow
    return [
        Row(
            "page of 100 over HTTP, depth 150k",
            f"{seconds(deep_latency)} (p50)",
            f"depth 0 {seconds(shallow)}",
            ratio,
            f"≤ {MAX_DEPTH_RATIO}× depth 0",
            ratio <= MAX_DEPTH_RATIO,
        ),
        Row(
            "same page by SQL OFFSET 150000 (contrast)",
            f"{seconds(offset)}",
            f"keyset {seconds(keyset)}",
            offset / keyset,
            "none (why keyset)",
            None,
        ),
    ]
