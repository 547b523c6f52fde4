"""Wallets: an account's views of tracked addresses (add, read, relabel, remove)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from arq import ArqRedis
from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, update

from addresses import InvalidAddressError, display_address, parse_address
from db.models import (
    LABEL_MAX_LENGTH,
    Chain,
    HdWallet,
    SyncJob,
    SyncStatus,
    TrackedAddress,
    Wallet,
)
from db.session import SessionFactory, engine_of
from db.upsert import dialect_insert
from hd import ScriptKind, looks_like_hd_input
from resolvers import hd_wallets
from resolvers.chains import CHAIN_DETAILS, SUPPORTED_CHAINS, unsupported_chain_message
from resolvers.errors import BadRequestError, ErrorCode, InputError
from resolvers.pagination import CursorCodec, Page, PageRequest, fetch_keyset_page
from resolvers.text_input import clean_text
from resolvers.viewer import Viewer
from settings import Settings
from workers.events import EventPublisher
from workers.queue import record_sync_job, send_job


@dataclass(frozen=True, slots=True)
class WalletRow:
    """An account's wallet: what `wallets` holds of it."""

    id: int
    account_id: int
    address_id: int
    label: str | None
    added_as: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AddressRow:
    """What the API shows of a tracked address's chain data."""

    id: int
    chain: Chain
    address: str
    confirmed_balance_sat: int
    unconfirmed_balance_sat: int
    total_received_sat: int
    total_sent_sat: int
    transaction_count: int
    sync_status: SyncStatus
    last_synced_at: datetime | None
    last_sync_error: str | None


@dataclass(frozen=True, slots=True)
class HdRow:
    descriptor: str
    gap_limit: int


# A view's columns, in the order of the three row types' fields: plain rows of one statement
# on a connection, without the ORM's entities, session or identity map (issue 15).
WALLET_COLUMNS = (
    Wallet.id,
    Wallet.account_id,
    Wallet.address_id,
    Wallet.label,
    Wallet.added_as,
    Wallet.created_at,
)
ADDRESS_COLUMNS = (
    TrackedAddress.id,
    TrackedAddress.chain,
    TrackedAddress.address,
    TrackedAddress.confirmed_balance_sat,
    TrackedAddress.unconfirmed_balance_sat,
    TrackedAddress.total_received_sat,
    TrackedAddress.total_sent_sat,
    TrackedAddress.transaction_count,
    TrackedAddress.sync_status,
    TrackedAddress.last_synced_at,
    TrackedAddress.last_sync_error,
)
HD_COLUMNS = (HdWallet.descriptor, HdWallet.gap_limit)
_ADDRESS_START = len(WALLET_COLUMNS)
_HD_START = _ADDRESS_START + len(ADDRESS_COLUMNS)


@dataclass(frozen=True, slots=True)
class WalletView:
    """A wallet row with the chain data of its address."""

    wallet: WalletRow
    # The address row the wallet watches (shared by every account that tracks it); for an HD
    # wallet the row standing for the whole wallet.
    tracked: AddressRow
    # HD wallets: the descriptor and gap limit; None for ADDRESS wallets.
    hd: HdRow | None = None

    @classmethod
    def of_row(cls, row: Sequence[Any]) -> WalletView:
        """The view of a row of `_views_of`'s columns."""
        descriptor = row[_HD_START]
        return cls(
            WalletRow(*row[:_ADDRESS_START]),
            AddressRow(*row[_ADDRESS_START:_HD_START]),
            HdRow(descriptor, row[_HD_START + 1]) if descriptor is not None else None,
        )


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
    candidates = _candidate_chains(address)
    if not candidates:
        return Chain.BITCOIN, None
    async with engine_of(sessions).connect() as connection:
        tracked_on = set()
        for known, canonical in candidates.items():
            found = await connection.execute(
                _view_of_address(viewer, known, canonical).with_only_columns(Wallet.id).limit(1)
            )
            if found.first() is not None:
                tracked_on.add(known)
    matches = [known for known in candidates if known in tracked_on]
    if len(matches) > 1:
        return matches[0], _ambiguous(address, matches)
    return (matches or list(candidates))[0], None


def _candidate_chains(address: str) -> dict[Chain, str]:
    """Every supported chain `address` is valid on, with its stored form there, in
    `SUPPORTED_CHAINS` order."""
    return dict(_candidates_of_text(address))


# Parsing a text on every chain (checksums, bech32, descriptors) is a pure function of the
# text: the texts a server's clients send again and again are parsed once. No answer is kept,
# only which chains accept the text and its stored form there.
PARSED_TEXTS_KEPT = 1024


@functools.lru_cache(maxsize=PARSED_TEXTS_KEPT)
def _candidates_of_text(address: str) -> tuple[tuple[Chain, str], ...]:
    candidates: list[tuple[Chain, str]] = []
    for supported in SUPPORTED_CHAINS:
        canonical, error = _address_error(supported, address)
        if error is None and canonical is not None:
            candidates.append((supported, canonical))
    return tuple(candidates)


def _ambiguous(address: str, matches: list[Chain]) -> InputError:
    *others, last = (CHAIN_DETAILS[known].name for known in matches)
    names = f"{', '.join(others)} and {last}"
    message = (
        f"You track {address.strip()} on {names}: say which with `chain`"
        f" ({', '.join(known.value for known in matches)})."
    )
    return InputError(ErrorCode.INVALID_INPUT, message, ("chain",))


def _address_error(chain: Chain, address: str) -> tuple[str | None, InputError | None]:
    """The stored form of an address, or of an extended key or descriptor (what an HD wallet
    was added with), or why it is not valid on `chain`."""
    unsupported = unsupported_chain_message(chain)
    if unsupported is not None:
        return None, InputError(ErrorCode.INVALID_INPUT, unsupported, ("chain",))
    if looks_like_hd_input(address):
        hd_input, error = hd_wallets.parse_input(address, chain)
        return (hd_input.key_text if hd_input is not None else None), error
    try:
        return canonical_address(chain, address), None
    except InvalidAddressError as error:
        message = f"Not a valid {CHAIN_DETAILS[chain].name.lower()} address: {error}"
        return None, InputError(ErrorCode.INVALID_ADDRESS, message, ("address",))


def clean_label(label: str | None) -> tuple[str | None, InputError | None]:
    """Trimmed label, None when empty; an error when too long or holding control characters."""
    return clean_text(label, field="label", max_length=LABEL_MAX_LENGTH)


AnySelect = Select[*tuple[Any, ...]]

# Built once: each read adds only its conditions.
_ALL_VIEWS: AnySelect = (
    select(*WALLET_COLUMNS, *ADDRESS_COLUMNS, *HD_COLUMNS)
    .join(TrackedAddress, TrackedAddress.id == Wallet.address_id)
    .outerjoin(HdWallet, HdWallet.address_id == TrackedAddress.id)
)


def _views_of(viewer: Viewer) -> AnySelect:
    return _ALL_VIEWS.where(Wallet.account_id == viewer.account_id)


async def _first_view(sessions: SessionFactory, statement: AnySelect) -> WalletView | None:
    async with engine_of(sessions).connect() as connection:
        row = (await connection.execute(statement)).first()
    return WalletView.of_row(row) if row is not None else None


def _view_of_address(viewer: Viewer, chain: Chain, canonical: str | None) -> AnySelect:
    """The viewer's wallet of an address, or of an HD wallet by the key or descriptor it was
    added with or by its canonical descriptor."""
    return _views_of(viewer).where(_address_is(chain, canonical))


def _address_is(chain: Chain, canonical: str | None) -> ColumnElement[bool]:
    if canonical is not None and looks_like_hd_input(canonical):
        return and_(
            TrackedAddress.chain == chain,
            or_(Wallet.added_as == canonical, HdWallet.descriptor == canonical),
        )
    return and_(TrackedAddress.chain == chain, TrackedAddress.address == canonical)


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
    gap_limit: int | None = None,
    script_type: ScriptKind | None = None,
    settings: Settings | None = None,
) -> AddedWallet:
    """A new wallet and its first sync job, written in one transaction (no wallet is ever left
    without its job), then the job is sent to the workers. An extended public key or a
    descriptor adds an HD wallet (`gap_limit`, `script_type` apply to those only)."""
    if looks_like_hd_input(address):
        return await _add_hd_wallet(
            sessions,
            redis,
            viewer=viewer,
            chain=chain,
            text=address,
            label=label,
            max_wallets=max_wallets,
            gap_limit=gap_limit,
            script_type=script_type,
            settings=settings or Settings(),
        )
    for name, value in (("gapLimit", gap_limit), ("scriptType", script_type)):
        if value is not None:
            message = (
                f"`{name}` applies to HD wallets (extended public keys and descriptors);"
                " leave it out for an address."
            )
            return AddedWallet(errors=[InputError(ErrorCode.INVALID_INPUT, message, (name,))])
    canonical, address_error = _address_error(chain, address)
    cleaned_label, label_error = clean_label(label)
    errors = [error for error in (address_error, label_error) if error is not None]
    if errors or canonical is None:
        return AddedWallet(errors=errors)
    if (limit_error := await _wallet_limit_error(sessions, viewer, max_wallets)) is not None:
        return AddedWallet(errors=[limit_error])
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


async def _wallet_limit_error(
    sessions: SessionFactory, viewer: Viewer, max_wallets: int | None
) -> InputError | None:
    if max_wallets is None or await count_wallets(sessions, viewer=viewer) < max_wallets:
        return None
    message = (
        f"You already track {max_wallets} wallets, the most one account may; remove one first."
    )
    return InputError(ErrorCode.LIMIT_EXCEEDED, message, ("address",))


async def _add_hd_wallet(
    sessions: SessionFactory,
    redis: ArqRedis,
    *,
    viewer: Viewer,
    chain: Chain,
    text: str,
    label: str | None,
    max_wallets: int | None,
    gap_limit: int | None,
    script_type: ScriptKind | None,
    settings: Settings,
) -> AddedWallet:
    unsupported = unsupported_chain_message(chain)
    if unsupported is not None:
        return AddedWallet(errors=[InputError(ErrorCode.INVALID_INPUT, unsupported, ("chain",))])
    hd_input, input_error = hd_wallets.parse_input(text, chain)
    gap = gap_limit if gap_limit is not None else settings.default_gap_limit
    cleaned_label, label_error = clean_label(label)
    errors = [
        error
        for error in (input_error, hd_wallets.gap_limit_error(gap), label_error)
        if error is not None
    ]
    if errors or hd_input is None:
        return AddedWallet(errors=errors)
    if (limit_error := await _wallet_limit_error(sessions, viewer, max_wallets)) is not None:
        return AddedWallet(errors=[limit_error])
    script, script_error = await hd_wallets.choose_script(settings, redis, hd_input, script_type)
    if script_error is not None or script is None:
        return AddedWallet(errors=[script_error] if script_error else [])
    descriptor = hd_input.wallet(script).descriptor
    if await hd_wallets.existing_wallet_of(
        sessions, viewer=viewer, chain=chain, descriptor=descriptor
    ):
        message = f"You already track {hd_input.key_text} ({script.value})."
        return AddedWallet(errors=[InputError(ErrorCode.ALREADY_TRACKED, message, ("address",))])
    plan = hd_wallets.plan_wallet(hd_input, script, gap)
    written = await hd_wallets.write_wallet(
        sessions, redis, viewer=viewer, plan=plan, label=cleaned_label
    )
    if written is None:
        message = f"You already track {hd_input.key_text}."
        return AddedWallet(errors=[InputError(ErrorCode.ALREADY_TRACKED, message, ("address",))])
    wallet_id, job = written
    view = await get_wallet_by_id(sessions, viewer=viewer, wallet_id=wallet_id)
    return AddedWallet(wallet=view, job=job)


async def find_wallet(
    sessions: SessionFactory, *, viewer: Viewer, chain: Chain | None, address: str
) -> tuple[WalletView | None, InputError | None]:
    """The viewer's wallet of `address` in any form its chain accepts, or why there is none;
    without `chain`, on the one chain the viewer tracks it on (see `lookup_chain`)."""
    if chain is None and (candidates := _candidate_chains(address)):
        return await _find_on_candidates(sessions, viewer, address, candidates)
    chain, ambiguous = await lookup_chain(sessions, viewer=viewer, chain=chain, address=address)
    if ambiguous is not None:
        return None, ambiguous
    canonical, address_error = _address_error(chain, address)
    if address_error is not None:
        return None, address_error
    view = await _first_view(sessions, _view_of_address(viewer, chain, canonical))
    if view is None:
        return None, _not_tracked(canonical)
    return view, None


async def _find_on_candidates(
    sessions: SessionFactory, viewer: Viewer, address: str, candidates: dict[Chain, str]
) -> tuple[WalletView | None, InputError | None]:
    """`find_wallet` without `chain`, as `lookup_chain` then the view's read would answer, in
    one statement: the viewer's wallets of the address on every chain it is valid on."""
    statement = _views_of(viewer).where(
        or_(*(_address_is(known, canonical) for known, canonical in candidates.items()))
    )
    async with engine_of(sessions).connect() as connection:
        rows = (await connection.execute(statement)).all()
    found: dict[Chain, WalletView] = {}
    for row in rows:
        view = WalletView.of_row(row)
        found.setdefault(view.tracked.chain, view)
    matches = [known for known in candidates if known in found]
    if len(matches) > 1:
        return None, _ambiguous(address, matches)
    if matches:
        return found[matches[0]], None
    return None, _not_tracked(next(iter(candidates.values())))


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
    return await _first_view(sessions, _views_of(viewer).where(Wallet.id == wallet_id))


async def find_wallet_of_address(
    sessions: SessionFactory, *, viewer: Viewer, address_id: int
) -> WalletView | None:
    return await _first_view(sessions, _views_of(viewer).where(Wallet.address_id == address_id))


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
        view = WalletView.of_row(row)
        if relabel:
            await session.execute(
                update(Wallet).where(Wallet.id == view.wallet.id).values(label=cleaned_label)
            )
            view = replace(view, wallet=replace(view.wallet, label=cleaned_label))
    return WalletResult(wallet=view)


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
        wallet_ids = _view_of_address(viewer, chain, canonical).with_only_columns(Wallet.id)
        removed = (
            await session.execute(
                delete(Wallet)
                .where(Wallet.id.in_(wallet_ids.scalar_subquery()))
                .returning(Wallet.id, Wallet.address_id, Wallet.added_as)
            )
        ).first()
    if removed is None:
        return RemoveResult(errors=[_not_tracked(canonical)])
    await EventPublisher(redis).wallet_removed(address_id=removed.address_id, wallet_id=removed.id)
    return RemoveResult(removed_address=removed.added_as or display_address(chain, canonical))


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
    async with engine_of(sessions).connect() as connection:
        return await fetch_keyset_page(
            connection,
            query,
            key_columns=[Wallet.id],
            request=request,
            unpack_row=WalletView.of_row,
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
