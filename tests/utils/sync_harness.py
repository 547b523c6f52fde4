"""Runs the real sync engine against the provider simulator, over HTTP, for tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from arq import ArqRedis, create_pool
from sqlalchemy import select

from addresses import parse_address
from db.models import Chain, SyncJob, TrackedAddress, Transaction
from db.session import SessionFactory, create_engine, create_session_factory
from resolvers.accounts import ensure_local_account
from resolvers.viewer import Viewer
from resolvers.wallets import add_wallet
from settings import Settings
from tools.simulator.admin import SimulatorAdmin
from tools.simulator.chain_admin import ChainAdmin
from tools.simulator.testing import RunningSimulator
from tools.sync_requests import queue_sync as queue_sync  # re-exported for the tests
from workers.prices import PriceRefresher, build_price_refresher
from workers.providers.http import RetryPolicy
from workers.queue import request_sync
from workers.redis_server import RedisServer
from workers.sync import SyncEngine
from workers.worker import build_sync_engine

FAST_RETRIES = RetryPolicy(base_delay_seconds=0.01, max_delay_seconds=0.05)

HistoryRow = tuple[str, int | None, int]


def canonical(history: list[HistoryRow]) -> list[HistoryRow]:
    """Newest first by block (unconfirmed on top); within a block by txid.

    Providers do not say where in its block a transaction sits, so the order inside one
    block is stable but unspecified; everything else must match exactly.
    """
    return sorted(history, key=lambda row: (row[1] is None, row[1] or 0, row[0]), reverse=True)


# The simulator's name of each chain it serves besides Bitcoin (`RunningSimulator.chain_admin`).
SIMULATOR_CHAINS = {
    Chain.LITECOIN: "litecoin",
    Chain.DOGECOIN: "dogecoin",
    Chain.BITCOIN_CASH: "bitcoin-cash",
}


def chain_admin(simulator: RunningSimulator, chain: Chain) -> SimulatorAdmin | ChainAdmin:
    """The simulator's admin handle of `chain` (mine, mempool, reorg, truth)."""
    if chain is Chain.BITCOIN:
        return simulator.admin
    return simulator.chain_admin(SIMULATOR_CHAINS[chain])


async def stored_history(
    sessions: SessionFactory, address: str, chain: Chain = Chain.BITCOIN
) -> list[HistoryRow]:
    """(txid, height, amount) of the stored transactions, in the canonical order."""
    async with sessions() as session:
        rows = await session.execute(
            select(Transaction.txid, Transaction.block_height, Transaction.amount_sat)
            .join(TrackedAddress, TrackedAddress.id == Transaction.address_id)
            .where(TrackedAddress.address == address, TrackedAddress.chain == chain)
        )
        return canonical([(txid, height, amount) for txid, height, amount in rows])


def provider_history(
    simulator: RunningSimulator, address: str, chain: Chain = Chain.BITCOIN
) -> list[HistoryRow]:
    """The simulator's history of the address on `chain`, in the canonical order."""
    return canonical(
        [
            (tx.txid, tx.block_height, tx.amount_sat)
            for tx in chain_admin(simulator, chain).transactions(address)
        ]
    )


async def running_balance_problems(
    sessions: SessionFactory, address: str, chain: Chain = Chain.BITCOIN
) -> list[str]:
    """Rows whose stored `balance_after_sat` is not the running sum of the confirmed amounts
    in (time, id) order; unconfirmed rows must have none."""
    async with sessions() as session:
        rows = await session.execute(
            select(
                Transaction.txid,
                Transaction.block_height,
                Transaction.amount_sat,
                Transaction.balance_after_sat,
            )
            .join(TrackedAddress, TrackedAddress.id == Transaction.address_id)
            .where(TrackedAddress.address == address, TrackedAddress.chain == chain)
            .order_by(Transaction.tx_time, Transaction.id)
        )
        problems = []
        running = 0
        for txid, height, amount, balance_after in rows:
            if height is None:
                if balance_after is not None:
                    problems.append(f"unconfirmed {txid} has a running balance")
                continue
            running += amount
            if balance_after != running:
                problems.append(f"{txid}: balance after is {balance_after}, not {running}")
        return problems


@dataclass
class SyncHarness:
    sessions: SessionFactory
    redis: ArqRedis
    engine: SyncEngine
    viewer: Viewer
    simulator: RunningSimulator
    # The worker's price refresher, built by its own builder like the engine.
    prices: PriceRefresher

    async def sync(self, address: str, chain: Chain = Chain.BITCOIN) -> SyncJob:
        """Tracks the address if needed, asks for a sync and runs it to the end."""
        job = await self.queue(address, chain)
        await self.engine.run_job(job.id)
        async with self.sessions() as session:
            return await session.get_one(SyncJob, job.id)

    async def queue(self, address: str, chain: Chain = Chain.BITCOIN) -> SyncJob:
        """Tracks the address if needed and asks for a sync (the queued or running job)."""
        await add_wallet(
            self.sessions,
            self.redis,
            viewer=self.viewer,
            chain=chain,
            address=address,
            label=None,
        )
        tracked = await self.tracked(address, chain)
        return await request_sync(
            self.sessions, self.redis, address_id=tracked.id, requested_by_account_id=None
        )

    async def stop_when_fetched(self, job_id: int, transactions: int) -> SyncJob:
        """Runs the job until it has fetched at least `transactions`, then stops the run as a
        worker shutdown does; the job as the stopped run left it."""
        running = asyncio.create_task(self.engine.run_job(job_id))
        while True:
            async with self.sessions() as session:
                progress = (await session.get_one(SyncJob, job_id)).fetched_transactions
            if progress >= transactions:
                break
            await asyncio.sleep(0.01)
        running.cancel()
        try:
            await running
        except asyncio.CancelledError:
            pass
        else:
            raise AssertionError(f"job {job_id} ended before it could be stopped")
        async with self.sessions() as session:
            return await session.get_one(SyncJob, job_id)

    def use_only(self, provider: str, chain: Chain = Chain.BITCOIN) -> None:
        """Syncs of `chain` try only the provider named `provider`."""
        self.engine.providers = {
            **self.engine.providers,
            chain: [p for p in self.engine.providers[chain] if p.name == provider],
        }

    async def stored_history(self, address: str, chain: Chain = Chain.BITCOIN) -> list[HistoryRow]:
        return await stored_history(self.sessions, parse_address(chain, address).canonical, chain)

    async def tracked(self, address: str, chain: Chain = Chain.BITCOIN) -> TrackedAddress:
        """The address row of what was typed (in any form the chain accepts)."""
        stored = parse_address(chain, address).canonical
        async with self.sessions() as session:
            tracked = await session.scalar(
                select(TrackedAddress).where(
                    TrackedAddress.address == stored, TrackedAddress.chain == chain
                )
            )
        assert tracked is not None
        return tracked

    def provider_history(self, address: str, chain: Chain = Chain.BITCOIN) -> list[HistoryRow]:
        return provider_history(self.simulator, address, chain)

    def chain_admin(self, chain: Chain) -> SimulatorAdmin | ChainAdmin:
        return chain_admin(self.simulator, chain)


def harness_settings(simulator: RunningSimulator, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "blockchair_url": simulator.blockchair_url,
        "esplora_url": simulator.esplora_url,
        "price_url": simulator.coingecko_url,
        "litecoin_esplora_url": simulator.litecoin_esplora_url,
        "solana_rpc_urls": simulator.solana_url,
        "blockchair_api_key": "test-key",
        "blockchair_rate_limit": 1000.0,
        "esplora_rate_limit": 1000.0,
        "litecoin_esplora_rate_limit": 1000.0,
        "price_rate_limit": 1000.0,
        "solana_rate_limit": 1000.0,
        "provider_timeout_seconds": 2.0,
        "stale_job_timeout": 60,
        **overrides,
    }
    return Settings(**values)


@asynccontextmanager
async def sync_harness(
    *,
    sessions: SessionFactory,
    redis_server: RedisServer,
    simulator: RunningSimulator,
    settings: Settings,
) -> AsyncIterator[SyncHarness]:
    async with AsyncExitStack() as exits:
        redis = await create_pool(redis_server.arq_settings)
        exits.push_async_callback(redis.aclose)
        engine = await build_sync_engine(
            settings, redis=redis, sessions=sessions, exits=exits, retry=FAST_RETRIES
        )
        prices = await build_price_refresher(
            settings, redis=redis, sessions=sessions, exits=exits, retry=FAST_RETRIES
        )
        viewer = await ensure_local_account(sessions)
        yield SyncHarness(sessions, redis, engine, viewer, simulator, prices)


@asynccontextmanager
async def price_refresher(
    *, sessions: SessionFactory, redis_server: RedisServer, settings: Settings
) -> AsyncIterator[PriceRefresher]:
    """The worker's price refresher, built by the worker's own builder, with fast retries."""
    async with AsyncExitStack() as exits:
        redis = await create_pool(redis_server.arq_settings)
        exits.push_async_callback(redis.aclose)
        yield await build_price_refresher(
            settings, redis=redis, sessions=sessions, exits=exits, retry=FAST_RETRIES
        )


def refresh_prices_now(
    database_url: str, redis_server: RedisServer, simulator: RunningSimulator
) -> int:
    """One price refresh from the simulator's CoinGecko into the database, as a worker runs it;
    how many prices were stored."""

    async def refresh() -> int:
        engine = create_engine(database_url)
        try:
            async with price_refresher(
                sessions=create_session_factory(engine),
                redis_server=redis_server,
                settings=harness_settings(simulator),
            ) as refresher:
                return await refresher.refresh()
        finally:
            await engine.dispose()

    return asyncio.run(refresh())


# Faults every provider's calls must survive (retried, then the sync goes on).
COMMON_FAULTS = [
    ("500", {"kind": "error_status", "status": 500}),
    ("503", {"kind": "error_status", "status": 503}),
    ("429", {"kind": "error_status", "status": 429}),
    ("html-429", {"kind": "html_429"}),
    ("timeout", {"kind": "timeout", "delay_seconds": 5}),
    ("dropped-connection", {"kind": "drop_connection"}),
    ("malformed-json", {"kind": "malformed_json"}),
]


async def through_chain_changes(
    admin: Any, address: str, sync_and_compare: Callable[[str], Awaitable[None]]
) -> None:
    """A block paying the address, mempool transactions added, mined and dropped, and a
    two-block reorg, each followed by `sync_and_compare(what happened)`."""
    admin.mine_block(address=address, amounts_sat=[12_345, -2_000])
    await sync_and_compare("a new block paying the address")
    admin.add_mempool_transaction(address, 77_000)
    await sync_and_compare("a new mempool transaction")
    admin.mine_block()
    await sync_and_compare("mempool transactions mined")
    doomed = admin.add_mempool_transaction(address, 5_000)
    await sync_and_compare("one more mempool transaction")
    admin.drop_mempool_transaction(doomed)
    await sync_and_compare("a dropped mempool transaction")
    admin.reorg(2)
    await sync_and_compare("a two-block reorg")
