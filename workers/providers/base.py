"""What every provider client returns; the errors it raises are drawn in `workers.errors`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from workers.errors import (
    AddressRejectedError,
    ApiKeyRejectedError,
    BlockedError,
    ProviderError,
    RateLimitedError,
    TransientError,
)

# The provider modules take their errors from here, with the types they return.
__all__ = [
    "ActivityBatch",
    "AddressActivity",
    "AddressRejectedError",
    "AddressSummary",
    "ApiKeyRejectedError",
    "BlockedError",
    "HistoryPage",
    "NamedProvider",
    "Provider",
    "ProviderError",
    "ProviderTransaction",
    "RateLimitedError",
    "TransientError",
]


@dataclass(frozen=True, slots=True)
class ProviderTransaction:
    """One transaction as seen from one address: its net effect on that address."""

    txid: str
    block_height: int | None
    time: datetime | None
    amount_sat: int
    fee: int | None = None
    """What this address paid for it (Ethereum sender, Solana fee payer); None: none or unknown."""
    failed: bool = False
    """Failed on chain: then `amount_sat` is minus the fee, or 0 for an address that did not pay."""


@dataclass(frozen=True)
class AddressSummary:
    balance_sat: int
    """Confirmed plus unconfirmed."""
    total_received_sat: int
    total_sent_sat: int
    transaction_count: int | None
    """None when the provider does not say."""
    tip_height: int
    market_price_usd: str | None = None
    """Decimal string of the price the provider quoted, when it quoted one."""


@dataclass(frozen=True, slots=True)
class AddressActivity:
    """What a provider says of one address: enough to tell whether it was ever used and
    whether its history changed since it was stored (an HD wallet's scan)."""

    used: bool
    """Took part in any transaction, confirmed or not."""
    balance_sat: int
    """Confirmed plus unconfirmed."""
    total_received_sat: int
    total_sent_sat: int


@dataclass(frozen=True)
class ActivityBatch:
    activity: dict[str, AddressActivity]
    """Every address asked about, by the string asked with."""
    tip_height: int


@dataclass(frozen=True)
class HistoryPage:
    """A slice of an address's history, newest first."""

    transactions: list[ProviderTransaction]
    next_cursor: str | None
    """Where the next (older) page starts; None at the end of the history."""
    summary: AddressSummary | None = None
    """Some providers return the summary with every page for free."""


class NamedProvider(Protocol):
    """Any provider client: the sync of its chain knows its full interface."""

    name: str


class Provider(NamedProvider, Protocol):
    """A Bitcoin-like provider: address summaries and newest-first history pages."""

    pages_carry_summary: bool
    """True when every page comes with the address summary (no separate call needed)."""

    async def summary(self, address: str) -> AddressSummary: ...

    async def page(self, address: str, cursor: str | None, *, page_size: int) -> HistoryPage:
        """The page at `cursor` (None: the newest transactions, mempool first)."""
        ...

    activity_batch_size: int
    """How many addresses one `activity` call answers for."""

    async def activity(self, addresses: Sequence[str]) -> ActivityBatch:
        """Whether each address was used and its figures; at most `activity_batch_size`."""
        ...
