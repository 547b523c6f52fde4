"""HD wallets: add one from an extended public key or a descriptor, and read what it watches.

An HD wallet is tracked like an address: a TrackedAddress stands for the whole wallet (its
`address` is `hd:` and a digest of the descriptor and gap limit) and holds the wallet's netted
history, figures and jobs; `hd_wallets` keeps its descriptor and gap limit, and
`hd_wallet_addresses` the derived addresses the worker's scan watches (workers/hd_sync.py).
Two accounts adding the same wallet with the same gap limit share it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from arq import ArqRedis
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import aliased

from db.models import Chain, HdWallet, HdWalletAddress, SyncJob, TrackedAddress, Wallet
from db.session import SessionFactory
from db.upsert import dialect_insert
from hd import HdInput, HdInputError, ScriptKind, parse_hd_input
from resolvers.errors import ErrorCode, InputError
from resolvers.script_detection import DetectionFailedError, detect_scripts
from resolvers.viewer import Viewer
from settings import Settings
from workers import hd_members
from workers.queue import record_sync_job, send_job

logger = logging.getLogger(__name__)

MAX_GAP_LIMIT = 1000
IDENTITY_PREFIX = "hd:"
# The script a bare key pays to when none of its types has history (BIP-84).
DEFAULT_SCRIPT = ScriptKind.P2WPKH


def wallet_identity(descriptor: str, gap_limit: int) -> str:
    """The `address` of the TrackedAddress standing for an HD wallet (fits its 100 chars)."""
    digest = hashlib.sha256(f"{descriptor} gap={gap_limit}".encode()).hexdigest()
    return f"{IDENTITY_PREFIX}{digest[:40]}"


def is_wallet_identity(address: str) -> bool:
    return address.startswith(IDENTITY_PREFIX)


@dataclass(frozen=True)
class HdWalletPlan:
    """What will be written for a new HD wallet."""

    chain: Chain
    added_as: str
    descriptor: str
    gap_limit: int
    first_addresses: list[tuple[int, int, str]]


def parse_input(text: str, chain: Chain) -> tuple[HdInput | None, InputError | None]:
    try:
        return parse_hd_input(text, chain), None
    except HdInputError as error:
        message = f"Not a valid extended public key or descriptor: {error}"
        return None, InputError(ErrorCode.INVALID_ADDRESS, message, ("address",))


def gap_limit_error(gap_limit: int) -> InputError | None:
    if 1 <= gap_limit <= MAX_GAP_LIMIT:
        return None
    message = f"`gapLimit` must be 1 to {MAX_GAP_LIMIT}; {gap_limit} is not."
    return InputError(ErrorCode.INVALID_INPUT, message, ("gapLimit",))


async def choose_script(
    settings: Settings, redis: ArqRedis, hd_input: HdInput, asked: ScriptKind | None
) -> tuple[ScriptKind | None, InputError | None]:
    """The script the wallet pays to: the input's own, the one asked for, or the one type
    whose first receive addresses have history (native segwit when none has)."""
    if hd_input.script is not None:
        if asked is not None and asked is not hd_input.script:
            message = (
                f"This key or descriptor is for {hd_input.script.value} addresses, not"
                f" {asked.value}: leave `scriptType` out or make them agree."
            )
            return None, InputError(ErrorCode.INVALID_INPUT, message, ("scriptType",))
        return hd_input.script, None
    if asked is not None:
        if asked not in hd_input.candidates:
            offered = ", ".join(kind.value for kind in hd_input.candidates)
            message = f"{asked.value} is not a script type of this key on this chain: {offered}."
            return None, InputError(ErrorCode.INVALID_INPUT, message, ("scriptType",))
        return asked, None
    try:
        detection = await detect_scripts(settings, redis, hd_input)
    except DetectionFailedError as error:
        message = f"Could not look up which script type this key uses ({error}); give `scriptType`."
        return None, InputError(ErrorCode.INVALID_INPUT, message, ("scriptType",))
    found = detection.with_history
    if len(found) > 1:
        names = ", ".join(kind.value for kind in found)
        message = (
            f"Addresses of several script types of this key have history ({names}):"
            " say which one this wallet is with `scriptType` (add the key again for another)."
        )
        return None, InputError(ErrorCode.INVALID_INPUT, message, ("scriptType",))
    return (found[0] if found else DEFAULT_SCRIPT), None


def plan_wallet(hd_input: HdInput, script: ScriptKind, gap_limit: int) -> HdWalletPlan:
    wallet = hd_input.wallet(script)
    first = [
        (derived.keychain, derived.index, derived.address)
        for keychain in (0, 1)
        for derived in wallet.derive(keychain, 0, gap_limit)
    ]
    return HdWalletPlan(
        chain=hd_input.chain,
        added_as=hd_input.key_text,
        descriptor=wallet.descriptor,
        gap_limit=gap_limit,
        first_addresses=first,
    )


def same_keys_and_script(descriptor: str) -> str:
    """What makes two descriptors the same wallet: the script and keys, whether or not the
    key origin is written (a pasted zpub has none; its descriptor from the wallet app does)."""
    return _ORIGIN.sub("", descriptor.partition("#")[0])


_ORIGIN = re.compile(r"\[[^\]]*\]")


async def existing_wallet_of(
    sessions: SessionFactory, *, viewer: Viewer, chain: Chain, descriptor: str
) -> Wallet | None:
    """The viewer's HD wallet of the same keys and script, with or without key origin."""
    wanted = same_keys_and_script(descriptor)
    async with sessions() as session:
        found = await session.execute(
            select(Wallet, HdWallet.descriptor)
            .join(TrackedAddress, TrackedAddress.id == Wallet.address_id)
            .join(HdWallet, HdWallet.address_id == TrackedAddress.id)
            .where(Wallet.account_id == viewer.account_id, TrackedAddress.chain == chain)
        )
        for wallet, stored in found:
            if same_keys_and_script(stored) == wanted:
                return wallet
        return None


async def write_wallet(
    sessions: SessionFactory,
    redis: ArqRedis,
    *,
    viewer: Viewer,
    plan: HdWalletPlan,
    label: str | None,
) -> tuple[int, SyncJob] | None:
    """The wallet and its first sync job in one transaction, then its first addresses (the
    scan derives any that a crash left out); None when the viewer tracks it already."""
    identity = wallet_identity(plan.descriptor, plan.gap_limit)
    async with sessions.begin() as session:
        await session.execute(
            dialect_insert(session, TrackedAddress)
            .values(chain=plan.chain, address=identity)
            .on_conflict_do_nothing(index_elements=["chain", "address"])
        )
        address_id = await session.scalar(
            select(TrackedAddress.id).where(
                TrackedAddress.chain == plan.chain, TrackedAddress.address == identity
            )
        )
        assert address_id is not None
        await session.execute(
            dialect_insert(session, HdWallet)
            .values(address_id=address_id, descriptor=plan.descriptor, gap_limit=plan.gap_limit)
            .on_conflict_do_nothing(index_elements=["address_id"])
        )
        wallet_id = await session.scalar(
            dialect_insert(session, Wallet)
            .values(
                account_id=viewer.account_id,
                address_id=address_id,
                label=label,
                added_as=plan.added_as,
            )
            .on_conflict_do_nothing(index_elements=["account_id", "address_id"])
            .returning(Wallet.id)
        )
        if wallet_id is None:
            return None
        job = await record_sync_job(
            session, address_id=address_id, requested_by_account_id=viewer.account_id
        )
    await hd_members.add_members(
        sessions, wallet_address_id=address_id, chain=plan.chain, derived=plan.first_addresses
    )
    await send_job(redis, job)
    return wallet_id, job


@dataclass(frozen=True)
class WatchedAddress:
    keychain: int
    index: int
    tracked: TrackedAddress


@dataclass(frozen=True)
class WatchedPage:
    rows: list[WatchedAddress]
    has_next_page: bool
    total_count: int


async def watched_addresses(
    sessions: SessionFactory,
    *,
    wallet_address_id: int,
    after: tuple[int, int] | None,
    limit: int,
    keychain: int | None,
    used: bool | None,
) -> WatchedPage:
    """The derived addresses the wallet watches, receive then change, each by index (keyset
    on (keychain, index))."""
    matching = (
        select(HdWalletAddress.keychain, HdWalletAddress.index, TrackedAddress)
        .join(TrackedAddress, TrackedAddress.id == HdWalletAddress.address_id)
        .where(HdWalletAddress.wallet_address_id == wallet_address_id)
    )
    if keychain is not None:
        matching = matching.where(HdWalletAddress.keychain == keychain)
    if used is not None:
        matching = matching.where(
            TrackedAddress.transaction_count > 0 if used else TrackedAddress.transaction_count == 0
        )
    page = matching
    if after is not None:
        page = page.where(tuple_(HdWalletAddress.keychain, HdWalletAddress.index) > tuple_(*after))
    async with sessions() as session:
        rows = list(
            await session.execute(
                page.order_by(HdWalletAddress.keychain, HdWalletAddress.index).limit(limit + 1)
            )
        )
        total = await session.scalar(select(func.count()).select_from(matching.subquery()))
    return WatchedPage(
        rows=[
            WatchedAddress(keychain, index, tracked) for keychain, index, tracked in rows[:limit]
        ],
        has_next_page=len(rows) > limit,
        total_count=total or 0,
    )


async def first_unused_receive_address(
    sessions: SessionFactory, *, wallet_address_id: int
) -> str | None:
    """The receive address to hand out: the first one with no transaction, confirmed or not."""
    async with sessions() as session:
        return await session.scalar(
            select(TrackedAddress.address)
            .join(HdWalletAddress, HdWalletAddress.address_id == TrackedAddress.id)
            .where(
                HdWalletAddress.wallet_address_id == wallet_address_id,
                HdWalletAddress.keychain == 0,
                TrackedAddress.transaction_count == 0,
            )
            .order_by(HdWalletAddress.index)
            .limit(1)
        )


async def addresses_counted_in_hd_wallets(sessions: SessionFactory, *, viewer: Viewer) -> set[int]:
    """The viewer's single-address wallets whose address is inside one of the viewer's HD
    wallets: the HD wallet's netted history and balance already hold it, so a figure over
    several wallets (portfolio, net worth) leaves these out rather than count them twice."""
    member_wallet = aliased(Wallet)
    async with sessions() as session:
        found = await session.scalars(
            select(HdWalletAddress.address_id)
            .join(Wallet, Wallet.address_id == HdWalletAddress.wallet_address_id)
            .join(member_wallet, member_wallet.address_id == HdWalletAddress.address_id)
            .where(
                Wallet.account_id == viewer.account_id,
                member_wallet.account_id == viewer.account_id,
            )
            .distinct()
        )
        return set(found)
