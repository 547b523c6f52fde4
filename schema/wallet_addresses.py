"""`WalletAddress`: the addresses a wallet watches, as a connection (receive, then change)."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

import hd
from addresses import display_address
from db.models import Chain, HdWallet
from db.session import SessionFactory
from resolvers import hd_wallets
from resolvers.pagination import CursorCodec, page_request
from resolvers.wallets import AddressRow
from schema.enums import Keychain
from schema.pagination import PageInfo
from schema.scalars import BigInt


@strawberry.type(description="One address that a wallet watches.")
class WalletAddress:
    address: str
    keychain: Keychain | None = strawberry.field(description="Null for ADDRESS wallets.")
    index: int | None = strawberry.field(
        description="Index on its keychain; null for ADDRESS wallets."
    )
    derivation_path: str | None = strawberry.field(
        description=('e.g. "m/84h/0h/0h/0/5" when the key origin is known, else relative: "0/5".')
    )
    balance: BigInt
    transaction_count: int
    used: bool = strawberry.field(description="Has any transaction, confirmed or not.")

    @classmethod
    def of_address(cls, tracked: AddressRow) -> WalletAddress:
        """The one address of an ADDRESS wallet."""
        return cls(
            address=display_address(tracked.chain, tracked.address),
            keychain=None,
            index=None,
            derivation_path=None,
            balance=BigInt(tracked.confirmed_balance_sat + tracked.unconfirmed_balance_sat),
            transaction_count=tracked.transaction_count,
            used=tracked.transaction_count > 0,
        )


@strawberry.type
class WalletAddressEdge:
    cursor: str
    node: WalletAddress


@strawberry.type(description="Receive addresses first, then change, each by index.")
class WalletAddressConnection:
    edges: list[WalletAddressEdge]
    page_info: PageInfo
    total_count: int


def single_address_connection(
    tracked: AddressRow,
    *,
    wallet_id: int,
    first: int | None,
    after: str | None,
    keychain: Keychain | None,
    used: bool | None,
) -> WalletAddressConnection:
    """The addresses of an ADDRESS wallet: its one address, when the filters keep it."""
    codec = CursorCodec(kind="walletaddress", scope=wallet_id, key_length=1)
    request = page_request(first=first, after=after, last=None, before=None, codec=codec)
    node = WalletAddress.of_address(tracked)
    matching = [node] if keychain is None and used in (None, node.used) else []
    page = matching if request.after is None and request.limit > 0 else []
    edges = [WalletAddressEdge(cursor=codec.encode((0,)), node=item) for item in page]
    return WalletAddressConnection(
        edges=edges,
        page_info=PageInfo.of_edges(
            [edge.cursor for edge in edges],
            has_next_page=len(matching) > len(page) and request.after is None,
        ),
        total_count=len(matching),
    )


async def hd_address_connection(
    sessions: SessionFactory,
    *,
    wallet_address_id: int,
    wallet_id: int,
    chain: Chain,
    first: int | None,
    after: str | None,
    keychain: Keychain | None,
    used: bool | None,
) -> WalletAddressConnection:
    """The derived addresses an HD wallet watches: receive then change, each by index."""
    codec = CursorCodec(kind="walletaddress", scope=wallet_id, key_length=2)
    request = page_request(first=first, after=after, last=None, before=None, codec=codec)
    async with sessions() as session:
        descriptor = await session.scalar(
            select(HdWallet.descriptor).where(HdWallet.address_id == wallet_address_id)
        )
    assert descriptor is not None
    wallet = hd.HdWallet.from_descriptor(descriptor, chain)
    after_key = request.after
    page = await hd_wallets.watched_addresses(
        sessions,
        wallet_address_id=wallet_address_id,
        after=(after_key[0], after_key[1]) if after_key is not None else None,
        limit=request.limit,
        keychain=None if keychain is None else KEYCHAIN_NUMBERS[keychain],
        used=used,
    )
    edges = [
        WalletAddressEdge(
            cursor=codec.encode((row.keychain, row.index)),
            node=WalletAddress(
                address=display_address(chain, row.tracked.address),
                keychain=KEYCHAINS_BY_NUMBER[row.keychain],
                index=row.index,
                derivation_path=wallet.derive(row.keychain, row.index, 1)[0].path,
                balance=BigInt(
                    row.tracked.confirmed_balance_sat + row.tracked.unconfirmed_balance_sat
                ),
                transaction_count=row.tracked.transaction_count,
                used=row.tracked.transaction_count > 0,
            ),
        )
        for row in page.rows
    ]
    return WalletAddressConnection(
        edges=edges,
        page_info=PageInfo.of_edges(
            [edge.cursor for edge in edges],
            has_next_page=page.has_next_page,
            has_previous_page=after_key is not None,
        ),
        total_count=page.total_count,
    )


KEYCHAIN_NUMBERS = {Keychain.RECEIVE: 0, Keychain.CHANGE: 1}
KEYCHAINS_BY_NUMBER = {number: keychain for keychain, number in KEYCHAIN_NUMBERS.items()}
