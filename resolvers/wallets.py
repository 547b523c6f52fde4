"""Wallets: an account's views of tracked addresses (add, read, relabel, remove)."""

from __future__ import annotations

from dataclasses import dataclass, field

from arq import ArqRedis
from sqlalchemy import Select, delete, func, select

from db.models import LABEL_MAX_LENGTH, Chain, SyncJob, TrackedAddress, Wallet
from db.session import SessionFactory
from db.upsert import dialect_insert
from resolvers.address_validation import InvalidAddressError, display_address, parse_address
from resolvers.chains import CHAIN_DETAILS, SUPPORTED_CHAINS, unsupported_chain_message
from resolvers.errors import BadRequestError, ErrorCode, InputError
from resolvers.pagination import CursorCodec, Page, PageRequest, fetch_keyset_page
from resolvers.text_input import clean_text
from resolvers.viewer import Viewer
from workers.events import EventPublisher
from workers.queue import record_sync_job, send_job


@dataclass(frozen=True)
class WalletView:
    """A wallet row with the chain data of its address."""

    wallet: Wallet
    # The address row the wallet watches (shared by every account that tracks it).
    tracked: TrackedAddress


@dataclass
class WalletResult:
    wallet: WalletView | None = None
    errors: list[InputError] = field(default_factory=list)


@dataclass
class AddedWallet:
    wallet: WalletView | None = None
    # The new wallet's first sync (or its address's job already under way).
    job: SyncJob | None = None
    errors: list[InputError] = field(default_factory=list)


@dataclass
class RemoveResult:
    removed_address: str | None = None
    errors: list[InputError] = field(default_factory=list)


def canonical_address(chain: Chain, address: str) -> str:
    """The stored form of `address`; raises InvalidAddressError with the reason."""
    unsupported = unsupported_chain_message(chain)
    if unsupported is not None:
        raise InvalidAddressError(unsupported)
    return parse_address(chain, address.strip()).canonical


async def lookup_chain(
    sessions: SessionFactory, *, viewer: Viewer, chain: Chain | None, address: str
) -> tuple[Chain, InputError | None]:
    """The chain to look `address` up on: `chain` when the client names one; otherwise the one
    chain on which the viewer tracks this address string (some strings are valid on several:
    `3…` on Bitcoin, Litecoin and Bitcoin Cash), an error asking for `chain` when there are
    several. An address the viewer does not track is looked up on the first chain it is valid
    on (Bitcoin when none), so the answer says it is not tracked, or why it is invalid."""
    if chain is not None:
        return chain, None
    candidates: dict[Chain, str] = {}
    for supported in SUPPORTED_CHAINS:
        try:
            candidates[supported] = canonical_address(supported, address)
        except InvalidAddressError:
            continue
    if not candidates:
        return Chain.BITCOIN, None
    async with sessions() as session:
        tracked = await session.execute(
            select(TrackedAddress.chain, TrackedAddress.address)
            .join(Wallet, Wallet.address_id == TrackedAddress.id)
            .where(
                Wallet.account_id == viewer.account_id,
                TrackedAddress.address.in_(set(candidates.values())),
            )
        )
        tracked_on = {known for known, stored in tracked if candidates.get(known) == stored}
    matches = [known for known in candidates if known in tracked_on]
    if len(matches) > 1:
        *others, last = (CHAIN_DETAILS[known].name for known in matches)
        names = f"{', '.join(others)} and {last}"
        message = (
            f"You track {address.strip()} on {names}: say which with `chain`"
            f" ({', '.join(known.value for known in matches)})."
        )
        return matches[0], InputError(ErrorCode.INVALID_INPUT, message, ("chain",))
    return (matches or list(candidates))[0], None


def _address_error(chain: Chain, address: str) -> tuple[str | None, InputError | None]:
    unsupported = unsupported_chain_message(chain)
    if unsupported is not None:
        return None, InputError(ErrorCode.INVALID_INPUT, unsupported, ("chain",))
    try:
        return canonical_address(chain, address), None
    except InvalidAddressError as error:
        message = f"Not a valid {CHAIN_DETAILS[chain].name.lower()} address: {error}"
        return None, InputError(ErrorCode.INVALID_ADDRESS, message, ("address",))


def clean_label(label: str | None) -> tuple[str | None, InputError | None]:
    """Trimmed label, None when empty; an error when too long or holding control characters."""
    return clean_text(label, field="label", max_length=LABEL_MAX_LENGTH)


def _views_of(viewer: Viewer) -> Select[Wallet, TrackedAddress]:
    return (
        select(Wallet, TrackedAddress)
        .join(TrackedAddress, TrackedAddress.id == Wallet.address_id)
        .where(Wallet.account_id == viewer.account_id)
    )


def _view_of_address(
    viewer: Viewer, chain: Chain, canonical: str | None
) -> Select[Wallet, TrackedAddress]:
    return _views_of(viewer).where(
        TrackedAddress.chain == chain, TrackedAddress.address == canonical
    )


def wallet_cursors(viewer: Viewer) -> CursorCodec:
    return CursorCodec(kind="wallet", scope=viewer.account_id, key_length=1)


async def add_wallet(
    sessions: SessionFactory,
    redis: ArqRedis,
    *,
    viewer: Viewer,
    chain: Chain,
    address: str,
    label: str | None,
    max_wallets: int | None = None,
) -> AddedWallet:
    """A new wallet and its first sync job, written in one transaction (no wallet is ever left
    without its job), then the job is sent to the workers."""
    canonical, address_error = _address_error(chain, address)
    cleaned_label, label_error = clean_label(label)
    errors = [error for error in (address_error, label_error) if error is not None]
    if errors or canonical is None:
        return AddedWallet(errors=errors)
    if max_wallets is not None and await count_wallets(sessions, viewer=viewer) >= max_wallets:
        message = (
            f"You already track {max_wallets} wallets, the most one account may; remove one first."
        )
        return AddedWallet(errors=[InputError(ErrorCode.LIMIT_EXCEEDED, message, ("address",))])
    async with sessions.begin() as session:
        insert_address = dialect_insert(session, TrackedAddress)
        await session.execute(
            insert_address.values(chain=chain, address=canonical).on_conflict_do_nothing(
                index_elements=["chain", "address"]
            )
        )
        address_id = await session.scalar(
            select(TrackedAddress.id).where(
                TrackedAddress.chain == chain, TrackedAddress.address == canonical
            )
        )
        insert_wallet = dialect_insert(session, Wallet)
        wallet_id = await session.scalar(
            insert_wallet.values(
                account_id=viewer.account_id, address_id=address_id, label=cleaned_label
            )
            .on_conflict_do_nothing(index_elements=["account_id", "address_id"])
            .returning(Wallet.id)
        )
        if wallet_id is None:
            message = f"You already track {canonical}."
            error = InputError(ErrorCode.ALREADY_TRACKED, message, ("address",))
            return AddedWallet(errors=[error])
        assert address_id is not None
        job = await record_sync_job(
            session, address_id=address_id, requested_by_account_id=viewer.account_id
        )
    await send_job(redis, job)
    view = await get_wallet_by_id(sessions, viewer=viewer, wallet_id=wallet_id)
    return AddedWallet(wallet=view, job=job)


async def find_wallet(
    sessions: SessionFactory, *, viewer: Viewer, chain: Chain | None, address: str
) -> tuple[WalletView | None, InputError | None]:
    """The viewer's wallet of `address` in any form its chain accepts, or why there is none;
    without `chain`, on the one chain the viewer tracks it on (see `lookup_chain`)."""
    chain, ambiguous = await lookup_chain(sessions, viewer=viewer, chain=chain, address=address)
    if ambiguous is not None:
        return None, ambiguous
    canonical, address_error = _address_error(chain, address)
    if address_error is not None:
        return None, address_error
    async with sessions() as session:
        row = (await session.execute(_view_of_address(viewer, chain, canonical))).first()
    if row is None:
        return None, _not_tracked(canonical)
    return WalletView(*row), None


async def get_wallet(
    sessions: SessionFactory, *, viewer: Viewer, chain: Chain | None, address: str
) -> WalletView | None:
    """The viewer's wallet of `address`, or None; an invalid address is an error."""
    view, error = await find_wallet(sessions, viewer=viewer, chain=chain, address=address)
    if error is not None and error.code in (ErrorCode.INVALID_ADDRESS, ErrorCode.INVALID_INPUT):
        raise BadRequestError(error.message)
    return view


async def get_wallet_by_id(
    sessions: SessionFactory, *, viewer: Viewer, wallet_id: int
) -> WalletView | None:
    async with sessions() as session:
        row = (await session.execute(_views_of(viewer).where(Wallet.id == wallet_id))).first()
    return WalletView(*row) if row is not None else None


async def find_wallet_of_address(
    sessions: SessionFactory, *, viewer: Viewer, address_id: int
) -> WalletView | None:
    async with sessions() as session:
        row = (
            await session.execute(_views_of(viewer).where(Wallet.address_id == address_id))
        ).first()
    return WalletView(*row) if row is not None else None


async def update_wallet(
    sessions: SessionFactory,
    *,
    viewer: Viewer,
    chain: Chain | None,
    address: str,
    relabel: bool,
    label: str | None,
) -> WalletResult:
    """Sets the label when `relabel` (None or blank clears it); without it, changes nothing."""
    chain, ambiguous = await lookup_chain(sessions, viewer=viewer, chain=chain, address=address)
    if ambiguous is not None:
        return WalletResult(errors=[ambiguous])
    canonical, address_error = _address_error(chain, address)
    cleaned_label, label_error = clean_label(label)
    errors = [error for error in (address_error, label_error) if error is not None]
    if errors:
        return WalletResult(errors=errors)
    async with sessions.begin() as session:
        row = (await session.execute(_view_of_address(viewer, chain, canonical))).first()
        if row is None:
            return WalletResult(errors=[_not_tracked(canonical)])
        wallet, tracked_address = row
        if relabel:
            wallet.label = cleaned_label
    return WalletResult(wallet=WalletView(wallet, tracked_address))


async def remove_wallet(
    sessions: SessionFactory,
    redis: ArqRedis,
    *,
    viewer: Viewer,
    chain: Chain | None,
    address: str,
) -> RemoveResult:
    """Removes the viewer's view only (the address's chain data stays for other accounts), and
    ends the viewer's subscriptions to it."""
    chain, ambiguous = await lookup_chain(sessions, viewer=viewer, chain=chain, address=address)
    if ambiguous is not None:
        return RemoveResult(errors=[ambiguous])
    canonical, address_error = _address_error(chain, address)
    if address_error is not None:
        return RemoveResult(errors=[address_error])
    assert canonical is not None
    async with sessions.begin() as session:
        address_id = select(TrackedAddress.id).where(
            TrackedAddress.chain == chain, TrackedAddress.address == canonical
        )
        removed = (
            await session.execute(
                delete(Wallet)
                .where(Wallet.account_id == viewer.account_id, Wallet.address_id.in_(address_id))
                .returning(Wallet.id, Wallet.address_id)
            )
        ).first()
    if removed is None:
        return RemoveResult(errors=[_not_tracked(canonical)])
    await EventPublisher(redis).wallet_removed(address_id=removed.address_id, wallet_id=removed.id)
    return RemoveResult(removed_address=display_address(chain, canonical))


def _not_tracked(canonical: str | None) -> InputError:
    return InputError(ErrorCode.NOT_FOUND, f"You do not track {canonical}.", ("address",))


async def tracked_addresses(
    sessions: SessionFactory, *, viewer: Viewer, chain: Chain | None = None
) -> list[TrackedAddress]:
    """The chain data of every address the viewer tracks (at most MAX_WALLETS_PER_ACCOUNT), of
    one chain or of all."""
    query = (
        select(TrackedAddress)
        .join(Wallet, Wallet.address_id == TrackedAddress.id)
        .where(Wallet.account_id == viewer.account_id)
        .order_by(TrackedAddress.id)
    )
    if chain is not None:
        query = query.where(TrackedAddress.chain == chain)
    async with sessions() as session:
        return list(await session.scalars(query))


async def list_wallets(
    sessions: SessionFactory, *, viewer: Viewer, request: PageRequest, chain: Chain | None = None
) -> Page[WalletView]:
    query = _views_of(viewer)
    if chain is not None:
        query = query.where(TrackedAddress.chain == chain)
    async with sessions() as session:
        return await fetch_keyset_page(
            session,
            query,
            key_columns=[Wallet.id],
            request=request,
            unpack_row=lambda row: WalletView(*row),
        )


async def count_wallets(
    sessions: SessionFactory, *, viewer: Viewer, chain: Chain | None = None
) -> int:
    query = select(func.count()).select_from(Wallet).where(Wallet.account_id == viewer.account_id)
    if chain is not None:
        query = query.join(TrackedAddress, TrackedAddress.id == Wallet.address_id).where(
            TrackedAddress.chain == chain
        )
    async with sessions() as session:
        count = await session.scalar(query)
    return count or 0
