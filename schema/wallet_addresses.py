"""`WalletAddress`: the addresses a wallet watches, as a connection (receive, then change)."""

from __future__ import annotations

import strawberry

from db.models import TrackedAddress
from resolvers.address_validation import display_address
from resolvers.pagination import CursorCodec, page_request
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
    def of_address(cls, tracked: TrackedAddress) -> WalletAddress:
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
    tracked: TrackedAddress,
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
