"""`Transaction`, its connection and filter."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.global_ids import opaque_key
from db.models import confirmations
from resolvers import transactions as transaction_reads
from resolvers.pagination import Page
from resolvers.transactions import TransactionFields, TransactionFilter
from schema.context import ContextInfo
from schema.enums import Direction
from schema.node import Node
from schema.pagination import PageInfo, given, optional_input
from schema.scalars import BigInt

if TYPE_CHECKING:
    from schema.wallets import Wallet


@strawberry.input(name="TransactionFilter")
class TransactionFilterInput:
    direction: Direction | None = strawberry.UNSET
    since: datetime | None = optional_input("Inclusive lower bound on the transaction's timestamp.")
    until: datetime | None = optional_input("Exclusive upper bound on the transaction's timestamp.")
    confirmed: bool | None = optional_input(
        "true: only confirmed; false: only unconfirmed; absent: both."
    )

    def to_filter(self) -> TransactionFilter:
        return TransactionFilter(
            direction=given(self.direction),
            since=given(self.since),
            until=given(self.until),
            confirmed=given(self.confirmed),
        )


@strawberry.type
class Transaction(Node):
    id: strawberry.ID
    txid: str
    wallet: Annotated[Wallet, strawberry.lazy("schema.wallets")]
    block_height: int | None = strawberry.field(description="Null while unconfirmed.")
    timestamp: datetime | None = strawberry.field(
        description="Block time once confirmed; first-seen time while unconfirmed, when known."
    )
    amount: BigInt = strawberry.field(
        description="Signed net change of the wallet's balance, base units."
    )
    direction: Direction
    confirmations: int = strawberry.field(
        description="0 while unconfirmed; tip height - block height + 1 once confirmed."
    )
    fee: BigInt | None = strawberry.field(
        description=(
            "Fee this wallet paid in this transaction, base units; null when it paid none or"
            " the provider does not say."
        )
    )
    failed: bool = strawberry.field(
        description="The transaction failed on chain (Ethereum, Solana): only its fee moved."
    )

    @classmethod
    def from_row(
        cls,
        row: TransactionFields,
        *,
        wallet: Wallet,
        tip: int | None,
        id_prefix: str | None = None,
    ) -> Transaction:
        """`id_prefix`: `transaction_id_prefix(wallet.wallet_id)`, when already worked out."""
        prefix = id_prefix if id_prefix is not None else transaction_id_prefix(wallet.wallet_id)
        amount, height = row.amount_sat, row.block_height
        return cls(
            # `to_global_id("Transaction", wallet.wallet_id, row.id)`
            id=strawberry.ID(opaque_key(prefix, row.id)),
            txid=row.txid,
            wallet=wallet,
            block_height=height,
            timestamp=row.tx_time,
            amount=BigInt(amount),
            direction=transaction_reads.direction_of(amount),
            confirmations=confirmations(height, tip),
            # Bitcoin-like chains store no fee (their history pages do not say which input paid
            # it) and never fail on chain.
            fee=BigInt(row.fee) if row.fee is not None else None,
            failed=row.failed,
        )


def transaction_id_prefix(wallet_id: int) -> str:
    """What a transaction's global id encodes before the transaction's own key."""
    return f"Transaction:{wallet_id}:"


@strawberry.type
class TransactionEdge:
    cursor: str
    node: Transaction


@strawberry.type
class TransactionConnection:
    edges: list[TransactionEdge]
    page_info: PageInfo
    address_id: strawberry.Private[int]
    transaction_filter: strawberry.Private[TransactionFilter]

    @strawberry.field(
        description="Count of all transactions matching the filter, not just this page."
    )
    async def total_count(self, info: ContextInfo) -> int:
        return await transaction_reads.count_transactions(
            info.context.sessions,
            address_id=self.address_id,
            transaction_filter=self.transaction_filter,
        )

    @classmethod
    def from_page(
        cls,
        page: Page[TransactionFields],
        *,
        wallet: Wallet,
        tip: int | None,
        transaction_filter: TransactionFilter,
    ) -> TransactionConnection:
        # What every row shares (the prefixes of cursors and ids) is worked out once.
        cursor_prefix = transaction_reads.transaction_cursors(wallet.wallet_id).prefix()
        id_prefix = transaction_id_prefix(wallet.wallet_id)
        edges = [
            TransactionEdge(
                cursor=opaque_key(f"{cursor_prefix}{row.sort_key}:", row.id),
                node=Transaction.from_row(row, wallet=wallet, tip=tip, id_prefix=id_prefix),
            )
            for row in page.rows
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of_edges(
                [edge.cursor for edge in edges],
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
            ),
            address_id=wallet.address_id,
            transaction_filter=transaction_filter,
        )
