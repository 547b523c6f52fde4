"""The addresses an HD wallet watches, as stored: read them with their figures, add new ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from db.models import Chain, HdWallet, HdWalletAddress, TrackedAddress, Transaction
from db.session import SessionFactory
from db.upsert import dialect_insert


@dataclass(frozen=True, slots=True)
class Member:
    """One derived address of the wallet and what is stored of it."""

    keychain: int
    index: int
    address_id: int
    address: str
    balance_sat: int
    total_received_sat: int
    total_sent_sat: int
    synced: bool


@dataclass(frozen=True)
class StoredWallet:
    descriptor: str
    gap_limit: int
    members: dict[tuple[int, int], Member]
    """By (keychain, index)."""


async def load_wallet(sessions: SessionFactory, wallet_address_id: int) -> StoredWallet:
    async with sessions() as session:
        wallet = await session.get_one(HdWallet, wallet_address_id)
        rows = await session.execute(
            select(HdWalletAddress.keychain, HdWalletAddress.index, TrackedAddress)
            .join(TrackedAddress, TrackedAddress.id == HdWalletAddress.address_id)
            .where(HdWalletAddress.wallet_address_id == wallet_address_id)
        )
        members = {
            (keychain, index): Member(
                keychain=keychain,
                index=index,
                address_id=tracked.id,
                address=tracked.address,
                balance_sat=tracked.confirmed_balance_sat + tracked.unconfirmed_balance_sat,
                total_received_sat=tracked.total_received_sat,
                total_sent_sat=tracked.total_sent_sat,
                synced=tracked.last_synced_at is not None,
            )
            for keychain, index, tracked in rows
        }
        return StoredWallet(wallet.descriptor, wallet.gap_limit, members)


async def add_members(
    sessions: SessionFactory,
    *,
    wallet_address_id: int,
    chain: Chain,
    derived: Iterable[tuple[int, int, str]],
) -> None:
    """Watches (keychain, index, address) for the wallet: each address tracked once, whoever
    else tracks it (another wallet, an account's single-address wallet)."""
    derived = list(derived)
    if not derived:
        return
    async with sessions.begin() as session:
        for start in range(0, len(derived), 500):
            chunk = derived[start : start + 500]
            await session.execute(
                dialect_insert(session, TrackedAddress)
                .values([{"chain": chain, "address": address} for _, _, address in chunk])
                .on_conflict_do_nothing(index_elements=["chain", "address"])
            )
            found = await session.execute(
                select(TrackedAddress.address, TrackedAddress.id).where(
                    TrackedAddress.chain == chain,
                    TrackedAddress.address.in_([address for _, _, address in chunk]),
                )
            )
            ids = {address: address_id for address, address_id in found}
            await session.execute(
                dialect_insert(session, HdWalletAddress)
                .values(
                    [
                        {
                            "wallet_address_id": wallet_address_id,
                            "keychain": keychain,
                            "index": index,
                            "address_id": ids[address],
                        }
                        for keychain, index, address in chunk
                    ]
                )
                .on_conflict_do_nothing(index_elements=["wallet_address_id", "keychain", "index"])
            )


async def members_with_recent_rows(
    sessions: SessionFactory, *, address_ids: list[int], above_height: int
) -> set[int]:
    """Members holding an unconfirmed transaction, or one less deep than `above_height`:
    their history may change (mined, reorganised, dropped) without their figures changing."""
    found: set[int] = set()
    async with sessions() as session:
        for start in range(0, len(address_ids), 500):
            chunk = address_ids[start : start + 500]
            found.update(
                await session.scalars(
                    select(Transaction.address_id)
                    .where(
                        Transaction.address_id.in_(chunk),
                        or_(
                            Transaction.block_height.is_(None),
                            Transaction.block_height > above_height,
                        ),
                    )
                    .distinct()
                )
            )
    return found


@dataclass(frozen=True, slots=True)
class MemberRow:
    txid: str
    block_height: int | None
    tx_time: datetime | None
    amount_sat: int
    failed: bool


async def member_rows(sessions: SessionFactory, *, wallet_address_id: int) -> list[MemberRow]:
    """Every stored transaction row of every member (a transaction once per member it touches)."""
    members = select(HdWalletAddress.address_id).where(
        HdWalletAddress.wallet_address_id == wallet_address_id
    )
    async with sessions() as session:
        rows = await session.execute(
            select(
                Transaction.txid,
                Transaction.block_height,
                Transaction.tx_time,
                Transaction.amount_sat,
                Transaction.failed,
            ).where(Transaction.address_id.in_(members))
        )
        return [MemberRow(*row) for row in rows]
