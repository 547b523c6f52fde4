"""Test data written straight to the database, as a finished sync would leave it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from db.models import (
    Account,
    Chain,
    ChainTip,
    SyncStatus,
    TrackedAddress,
    Transaction,
    Wallet,
    sort_key_for,
)
from db.session import create_engine, create_session_factory
from resolvers.accounts import LOCAL_ACCOUNT_NAME
from workers.running_balances import refresh_running_balances

GENESIS_TIME = datetime(2024, 1, 1, tzinfo=UTC)
SEED_CHUNK = 2_000


@dataclass(frozen=True)
class SeededTransaction:
    txid: str
    block_height: int | None
    tx_time: datetime | None
    amount_sat: int


def make_history(
    confirmed: int, unconfirmed: int, *, top_height: int = 900_000
) -> list[SeededTransaction]:
    """`confirmed` transactions, two per block below `top_height`, plus mempool ones.

    Amounts cycle through received, sent and zero so direction filters have all three.
    """
    history = []
    for index in range(confirmed):
        height = top_height - index // 2
        amount = [150_000, -42_000, 0][index % 3] * (1 + index % 7)
        history.append(
            SeededTransaction(
                txid=f"{index:064x}",
                block_height=height,
                tx_time=GENESIS_TIME + timedelta(minutes=10 * height - 10 * (top_height - 10_000)),
                amount_sat=amount,
            )
        )
    for index in range(unconfirmed):
        history.append(
            SeededTransaction(
                txid=f"ff{index:062x}",
                block_height=None,
                tx_time=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(seconds=index),
                amount_sat=21_000_000 * 10**8 if index == 0 else -(index * 1000),
            )
        )
    return history


async def _seed(
    database_url: str,
    address: str,
    history: list[SeededTransaction],
    tip_height: int | None,
    running_balances: bool,
) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            tracked = (
                await connection.execute(
                    select(TrackedAddress.id, TrackedAddress.chain).where(
                        TrackedAddress.address == address
                    )
                )
            ).one_or_none()
            assert tracked is not None, f"{address} is not tracked"
            address_id, chain = tracked
            for start in range(0, len(history), SEED_CHUNK):
                await connection.execute(
                    insert(Transaction),
                    [
                        {
                            "address_id": address_id,
                            "txid": seeded.txid,
                            "block_height": seeded.block_height,
                            "sort_key": sort_key_for(seeded.block_height),
                            "tx_time": seeded.tx_time,
                            "amount_sat": seeded.amount_sat,
                        }
                        for seeded in history[start : start + SEED_CHUNK]
                    ],
                )
            confirmed = sum(t.amount_sat for t in history if t.block_height is not None)
            unconfirmed = sum(t.amount_sat for t in history if t.block_height is None)
            await connection.execute(
                update(TrackedAddress)
                .where(TrackedAddress.id == address_id)
                .values(
                    confirmed_balance_sat=confirmed,
                    unconfirmed_balance_sat=unconfirmed,
                    total_received_sat=sum(t.amount_sat for t in history if t.amount_sat > 0),
                    total_sent_sat=-sum(t.amount_sat for t in history if t.amount_sat < 0),
                    transaction_count=len(history),
                )
            )
            if tip_height is not None:
                await connection.execute(
                    insert(ChainTip).values(chain=Chain.BITCOIN, height=tip_height)
                )
        # As a sync leaves it: every running balance stale, then recomputed at its end.
        async with create_session_factory(engine).begin() as session:
            await session.execute(
                update(TrackedAddress)
                .where(TrackedAddress.id == address_id)
                .values(balances_stale_from=GENESIS_TIME - timedelta(days=10_000))
            )
            if running_balances:
                await refresh_running_balances(session, address_id, chain=chain)
    finally:
        await engine.dispose()


def seed_transactions(
    database_url: str,
    address: str,
    history: list[SeededTransaction],
    *,
    tip_height: int | None = None,
    running_balances: bool = True,
) -> None:
    """The history as a finished sync stores it (without running balances: as mid-sync)."""
    asyncio.run(_seed(database_url, address, history, tip_height, running_balances))


async def create_account(database_url: str, name: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            account_id = await connection.scalar(
                insert(Account).values(name=name).returning(Account.id)
            )
    finally:
        await engine.dispose()
    assert account_id is not None
    return int(account_id)


async def _set_market_price(database_url: str, usd: str, at: datetime) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                update(ChainTip)
                .where(ChainTip.chain == Chain.BITCOIN)
                .values(market_price_usd=usd, market_price_at=at)
            )
    finally:
        await engine.dispose()


def set_market_price(database_url: str, usd: str, at: datetime) -> None:
    """The price a sync would have stored (needs the chain tip row a seed with a tip makes)."""
    asyncio.run(_set_market_price(database_url, usd, at))


async def _track_synced_address(
    database_url: str, chain: Chain, address: str, confirmed_sat: int, unconfirmed_sat: int
) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            address_id = await connection.scalar(
                insert(TrackedAddress)
                .values(
                    chain=chain,
                    address=address,
                    confirmed_balance_sat=confirmed_sat,
                    unconfirmed_balance_sat=unconfirmed_sat,
                    sync_status=SyncStatus.SYNCED,
                    last_synced_at=GENESIS_TIME,
                )
                .returning(TrackedAddress.id)
            )
            account_id = await connection.scalar(
                select(Account.id).where(Account.name == LOCAL_ACCOUNT_NAME)
            )
            assert account_id is not None, "no local account: start a server first"
            await connection.execute(
                insert(Wallet).values(account_id=account_id, address_id=address_id)
            )
    finally:
        await engine.dispose()


def track_synced_address(
    database_url: str,
    *,
    chain: Chain,
    address: str,
    confirmed_sat: int,
    unconfirmed_sat: int = 0,
) -> None:
    """A wallet of the local account on any chain, with the balances a finished sync of it
    would leave (for chains whose wallets cannot be added through the API yet)."""
    asyncio.run(_track_synced_address(database_url, chain, address, confirmed_sat, unconfirmed_sat))
