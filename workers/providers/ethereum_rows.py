"""The rows an Ethereum explorer lists for an address, typed: normal transactions, internal
calls and beacon withdrawals, each with the block it sits in and the key that tells it apart
from a row read twice at a page edge."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple

# Named tuples, not frozen dataclasses: a full sync builds one per explorer row (100,000 and
# more), and a tuple is built in about a quarter of the time.


class NormalRow(NamedTuple):
    """A `txlist` row; `fee` is gasUsed x gasPrice, paid by `sender` even when it failed."""

    hash: str
    block: int
    time: datetime
    sender: str
    recipient: str
    value: int
    fee: int
    failed: bool

    @property
    def key(self) -> tuple[str, ...]:
        return (self.hash,)


class InternalRow(NamedTuple):
    """A `txlistinternal` row: value a contract passed on inside transaction `hash`.

    `trace` is Etherscan's `traceId` or Blockscout's `index`: unique within one explorer's
    answers for a transaction, not across explorers."""

    hash: str
    trace: str
    block: int
    time: datetime
    sender: str
    recipient: str
    value: int
    failed: bool

    @property
    def key(self) -> tuple[str, ...]:
        return (self.hash, self.trace)


class WithdrawalRow(NamedTuple):
    """A beacon withdrawal credited to the address (the explorer's Gwei, here in wei)."""

    withdrawal_index: int
    block: int
    time: datetime
    amount_wei: int

    @property
    def key(self) -> tuple[str, ...]:
        return (str(self.withdrawal_index),)

    @property
    def txid(self) -> str:
        """The id it is stored under: withdrawals have no transaction hash."""
        return f"{WITHDRAWAL_PREFIX}{self.withdrawal_index}"


StreamRow = NormalRow | InternalRow | WithdrawalRow
WITHDRAWAL_PREFIX = "withdrawal:"
GENESIS_PREFIX = "GENESIS_"


@lru_cache(maxsize=4_096)
def parse_time(text: object) -> datetime:
    """A row's unix `timeStamp` as a time. Cached: a transaction's normal and internal rows,
    and the rows of one block, share their time."""
    return datetime.fromtimestamp(int(str(text)), UTC)
