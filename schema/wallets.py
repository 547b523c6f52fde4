"""`Wallet`, its connection, and the wallet queries and mutations."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated

import strawberry

from addresses import display_address
from db.models import BIG_AMOUNT_CHAINS
from hd import ScriptKind
from resolvers import hd_wallets
from resolvers import jobs as job_reads
from resolvers import transactions as transaction_reads
from resolvers import wallets as wallet_resolvers
from resolvers.pagination import page_request
from resolvers.transactions import TransactionFilter
from resolvers.wallets import AddressRow, WalletView
from schema.context import ContextInfo
from schema.enums import Chain, Keychain, ScriptType, SyncStatus, WalletKind
from schema.errors import UserError, user_errors
from schema.jobs import SyncJob
from schema.node import Node, to_global_id
from schema.pagination import PageInfo, given, optional_input
from schema.portfolio import MoneyFigures
from schema.scalars import BigInt
from schema.transactions import TransactionConnection, TransactionFilterInput
from schema.wallet_addresses import (
    WalletAddressConnection,
    hd_address_connection,
    single_address_connection,
)


@strawberry.type
class Wallet(MoneyFigures, Node):
    id: strawberry.ID
    address: str = strawberry.field(
        description=(
            "The address; for an HD wallet, the extended public key or descriptor it was added"
            " with, in canonical form."
        )
    )
    kind: WalletKind
    descriptor: str | None = strawberry.field(
        description=(
            "HD wallets: the canonical output descriptor (receive and change as one <0;1>"
            " multipath descriptor, with checksum). Null for ADDRESS wallets."
        )
    )
    gap_limit: int | None = strawberry.field(
        description="HD wallets: how many unused addresses in a row end a scan of each keychain."
    )
    label: str | None
    total_received: BigInt
    total_sent: BigInt
    transaction_count: int
    sync_status: SyncStatus
    last_synced_at: datetime | None
    last_sync_error: str | None
    created_at: datetime
    wallet_id: strawberry.Private[int]
    address_id: strawberry.Private[int]
    tracked: strawberry.Private[AddressRow]
    is_hd: strawberry.Private[bool] = False

    @strawberry.field(description="The first unused receive address (HD), or the address itself.")
    async def receive_address(self, info: ContextInfo) -> str | None:
        if not self.is_hd:
            return display_address(self.chain, self.tracked.address)
        return await hd_wallets.first_unused_receive_address(
            info.context.sessions, wallet_address_id=self.address_id
        )

    @classmethod
    def from_view(cls, view: WalletView) -> Wallet:
        chain_data, hd = view.tracked, view.hd
        return cls(
            id=to_global_id("Wallet", view.wallet.id),
            address=(
                view.wallet.added_as or hd.descriptor
                if hd is not None
                else display_address(chain_data.chain, chain_data.address)
            ),
            chain=chain_data.chain,
            kind=WalletKind.HD if hd is not None else WalletKind.ADDRESS,
            descriptor=hd.descriptor if hd is not None else None,
            gap_limit=hd.gap_limit if hd is not None else None,
            is_hd=hd is not None,
            label=view.wallet.label,
            balance=BigInt(chain_data.confirmed_balance_sat + chain_data.unconfirmed_balance_sat),
            confirmed_balance=BigInt(chain_data.confirmed_balance_sat),
            unconfirmed_balance=BigInt(chain_data.unconfirmed_balance_sat),
            total_received=BigInt(chain_data.total_received_sat),
            total_sent=BigInt(chain_data.total_sent_sat),
            transaction_count=chain_data.transaction_count,
            sync_status=chain_data.sync_status,
            last_synced_at=chain_data.last_synced_at,
            last_sync_error=chain_data.last_sync_error,
            created_at=view.wallet.created_at,
            wallet_id=view.wallet.id,
            address_id=chain_data.id,
            address_ids=[chain_data.id],
            tracked=chain_data,
        )

    @strawberry.field(
        description=(
            "The addresses of this wallet that the server watches: one for ADDRESS wallets,"
            " every derived address up to the gap for HD wallets."
        )
    )
    async def addresses(
        self,
        info: ContextInfo,
        first: int | None = strawberry.UNSET,
        after: str | None = strawberry.UNSET,
        keychain: Keychain | None = strawberry.UNSET,
        used: bool | None = strawberry.UNSET,
    ) -> WalletAddressConnection:
        if self.is_hd:
            return await hd_address_connection(
                info.context.sessions,
                wallet_address_id=self.address_id,
                wallet_id=self.wallet_id,
                chain=self.chain,
                first=given(first),
                after=given(after),
                keychain=given(keychain),
                used=given(used),
            )
        return single_address_connection(
            self.tracked,
            wallet_id=self.wallet_id,
            first=given(first),
            after=given(after),
            keychain=given(keychain),
            used=given(used),
        )

    @strawberry.field(
        description="Newest first: unconfirmed transactions, then by block height descending."
    )
    async def transactions(
        self,
        info: ContextInfo,
        first: int | None = strawberry.UNSET,
        after: str | None = strawberry.UNSET,
        last: int | None = strawberry.UNSET,
        before: str | None = strawberry.UNSET,
        transaction_filter: Annotated[
            TransactionFilterInput | None, strawberry.argument(name="filter")
        ] = strawberry.UNSET,
    ) -> TransactionConnection:
        sessions = info.context.sessions
        request = page_request(
            first=given(first),
            after=given(after),
            last=given(last),
            before=given(before),
            codec=transaction_reads.transaction_cursors(self.wallet_id),
        )
        filter_values = replace(
            transaction_filter.to_filter() if transaction_filter else TransactionFilter(),
            big_amounts=self.chain in BIG_AMOUNT_CHAINS,
        )
        page, tip = await transaction_reads.page_with_tip(
            sessions,
            address_id=self.address_id,
            chain=self.chain,
            request=request,
            transaction_filter=filter_values,
        )
        return TransactionConnection.from_page(
            page, wallet=self, tip=tip, transaction_filter=filter_values
        )

    @strawberry.field(description="The most recent sync job of this wallet, if any.")
    async def latest_job(self, info: ContextInfo) -> SyncJob | None:
        job = await job_reads.latest_job(info.context.sessions, address_id=self.address_id)
        return SyncJob.from_row(job) if job is not None else None


@strawberry.type
class WalletEdge:
    cursor: str
    node: Wallet


@strawberry.type
class WalletConnection:
    edges: list[WalletEdge]
    page_info: PageInfo
    chain: strawberry.Private[Chain | None]

    @strawberry.field
    async def total_count(self, info: ContextInfo) -> int:
        return await wallet_resolvers.count_wallets(
            info.context.sessions, viewer=info.context.viewer, chain=self.chain
        )


async def resolve_wallet(
    info: ContextInfo,
    address: str,
    chain: Annotated[
        Chain | None,
        strawberry.argument(
            description=(
                "Needed only when the viewer tracks the same address string on several chains."
            )
        ),
    ] = None,
) -> Wallet | None:
    view = await wallet_resolvers.get_wallet(
        info.context.sessions,
        viewer=info.context.viewer,
        chain=chain,
        address=address,
    )
    return Wallet.from_view(view) if view is not None else None


async def resolve_wallets(
    info: ContextInfo,
    first: int | None = strawberry.UNSET,
    after: str | None = strawberry.UNSET,
    last: int | None = strawberry.UNSET,
    before: str | None = strawberry.UNSET,
    chain: Chain | None = None,
) -> WalletConnection:
    viewer = info.context.viewer
    codec = wallet_resolvers.wallet_cursors(viewer)
    request = page_request(
        first=given(first),
        after=given(after),
        last=given(last),
        before=given(before),
        codec=codec,
    )
    page = await wallet_resolvers.list_wallets(
        info.context.sessions, viewer=viewer, request=request, chain=chain
    )
    edges = [
        WalletEdge(cursor=codec.encode((view.wallet.id,)), node=Wallet.from_view(view))
        for view in page.rows
    ]
    return WalletConnection(
        chain=chain,
        edges=edges,
        page_info=PageInfo.of_edges(
            [edge.cursor for edge in edges],
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
        ),
    )


@strawberry.input
class AddWalletInput:
    address: str = strawberry.field(
        description=(
            "An address; on Bitcoin-like chains also an extended public key (xpub, ypub, zpub,"
            " ...) or an output descriptor, which adds an HD wallet."
        )
    )
    chain: Chain | None = Chain.BITCOIN
    label: str | None = strawberry.UNSET
    gap_limit: int | None = optional_input(
        "HD wallets: unused addresses in a row that end a scan; default 20."
    )
    script_type: ScriptType | None = optional_input(
        "HD wallets added from a bare xpub: the script it pays to. Absent: detected from the"
        " chain (see README)."
    )


@strawberry.type
class AddWalletPayload:
    wallet: Wallet | None
    job: SyncJob | None = strawberry.field(description="The initial sync, started on add.")
    errors: list[UserError]


@strawberry.input
class WalletLookupInput:
    """An address the viewer tracks, and its chain when the same string is tracked on several."""

    address: str
    chain: Chain | None = strawberry.field(
        default=None,
        description="Needed only when the viewer tracks the same address string on several chains.",
    )


@strawberry.input
class RemoveWalletInput(WalletLookupInput):
    pass


@strawberry.type
class RemoveWalletPayload:
    removed_address: str | None = strawberry.field(
        description="The address that was removed, when it was."
    )
    errors: list[UserError]


@strawberry.input
class UpdateWalletInput(WalletLookupInput):
    label: str | None = strawberry.UNSET


@strawberry.type
class UpdateWalletPayload:
    wallet: Wallet | None
    errors: list[UserError]


async def add_wallet(info: ContextInfo, input: AddWalletInput) -> AddWalletPayload:  # noqa: A002
    script_type = given(input.script_type)
    result = await wallet_resolvers.add_wallet(
        info.context.sessions,
        info.context.redis,
        viewer=info.context.viewer,
        chain=input.chain or Chain.BITCOIN,
        address=input.address,
        label=given(input.label),
        max_wallets=info.context.settings.max_wallets_per_account,
        gap_limit=given(input.gap_limit),
        script_type=ScriptKind(script_type.value) if script_type is not None else None,
        settings=info.context.settings,
    )
    if result.wallet is None or result.job is None:
        return AddWalletPayload(wallet=None, job=None, errors=user_errors(result.errors))
    return AddWalletPayload(
        wallet=Wallet.from_view(result.wallet), job=SyncJob.from_row(result.job), errors=[]
    )


async def remove_wallet(info: ContextInfo, input: RemoveWalletInput) -> RemoveWalletPayload:  # noqa: A002
    result = await wallet_resolvers.remove_wallet(
        info.context.sessions,
        info.context.redis,
        viewer=info.context.viewer,
        chain=input.chain,
        address=input.address,
    )
    return RemoveWalletPayload(
        removed_address=result.removed_address, errors=user_errors(result.errors)
    )


async def update_wallet(info: ContextInfo, input: UpdateWalletInput) -> UpdateWalletPayload:  # noqa: A002
    result = await wallet_resolvers.update_wallet(
        info.context.sessions,
        viewer=info.context.viewer,
        chain=input.chain,
        address=input.address,
        relabel=input.label is not strawberry.UNSET,
        label=given(input.label),
    )
    wallet = Wallet.from_view(result.wallet) if result.wallet is not None else None
    return UpdateWalletPayload(wallet=wallet, errors=user_errors(result.errors))


@strawberry.input
class SyncWalletInput(WalletLookupInput):
    pass


@strawberry.type
class SyncWalletPayload:
    job: SyncJob | None = strawberry.field(
        description=(
            "The wallet's job: an already queued or running one is returned, not duplicated."
        )
    )
    errors: list[UserError]


async def sync_wallet(info: ContextInfo, input: SyncWalletInput) -> SyncWalletPayload:  # noqa: A002
    result = await job_reads.sync_wallet(
        info.context.sessions,
        info.context.redis,
        viewer=info.context.viewer,
        chain=input.chain,
        address=input.address,
        requests_per_minute=info.context.settings.sync_requests_per_minute,
    )
    job = SyncJob.from_row(result.job) if result.job is not None else None
    return SyncWalletPayload(job=job, errors=user_errors(result.errors))
