"""What each Ethereum transaction did to one address: normal and internal rows of the same hash
merged into one net amount (PROVIDERS.md, "Net ETH amount"), withdrawals and genesis as their
own rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime

from workers.providers.base import ProviderTransaction
from workers.providers.ethereum_rows import InternalRow, NormalRow, StreamRow, WithdrawalRow

NO_CALLS: tuple[InternalRow, ...] = ()

# A frozen dataclass's `__init__` sets each field through `object.__setattr__`: 3 µs a
# transaction, a third of a full sync's netting. Its slots' own setters take a quarter of that.
_FIELDS = ("txid", "block_height", "time", "amount_sat", "fee", "failed")
if tuple(field.name for field in fields(ProviderTransaction)) != _FIELDS:
    raise RuntimeError("ProviderTransaction's fields changed: update provider_transaction()")
_set_txid, _set_height, _set_time, _set_amount, _set_fee, _set_failed = (
    getattr(ProviderTransaction, name).__set__ for name in _FIELDS
)
_new = object.__new__


def provider_transaction(
    txid: str,
    block_height: int | None,
    time: datetime | None,
    amount_sat: int,
    fee: int | None,
    failed: bool,
) -> ProviderTransaction:
    """`ProviderTransaction(txid, block_height, time, amount_sat, fee, failed)`, built faster."""
    transaction = _new(ProviderTransaction)
    _set_txid(transaction, txid)
    _set_height(transaction, block_height)
    _set_time(transaction, time)
    _set_amount(transaction, amount_sat)
    _set_fee(transaction, fee)
    _set_failed(transaction, failed)
    return transaction


def net_transactions(address: str, rows: Iterable[StreamRow]) -> list[ProviderTransaction]:
    """One transaction per hash (and per withdrawal), its net effect on `address` in wei:

    `(to == A and ok ? value : 0) - (from == A ? fee + (ok ? value : 0) : 0)
    + sum internal(to == A, ok).value - sum internal(from == A, ok).value`

    The fee is paid by the sender even when the transaction failed; a failed transaction
    moves nothing else. Transactions come in the order their hash first appears, at the
    block and time of their normal row (else of their first internal row)."""
    # Per hash, the row it first appeared in: the order, and the block of a hash that has
    # internal rows only.
    first_rows: dict[str, NormalRow | InternalRow] = {}
    normals: dict[str, NormalRow] = {}
    calls: dict[str, list[InternalRow]] = {}
    withdrawals: list[ProviderTransaction] = []
    for row in rows:
        if isinstance(row, WithdrawalRow):
            withdrawals.append(
                provider_transaction(row.txid, row.block, row.time, row.amount_wei, None, False)
            )
            continue
        first_rows.setdefault(row.hash, row)
        if isinstance(row, NormalRow):
            normals[row.hash] = row
        else:
            calls.setdefault(row.hash, []).append(row)
    return [
        _net(address, txid, normals.get(txid, first), calls.get(txid, NO_CALLS))
        for txid, first in first_rows.items()
    ] + withdrawals


def _net(
    address: str, txid: str, placed_by: NormalRow | InternalRow, internal: Sequence[InternalRow]
) -> ProviderTransaction:
    """`placed_by`: the normal row, or the first internal row of a hash that has none."""
    amount = 0
    fee: int | None = None
    failed = False
    if isinstance(placed_by, NormalRow):
        failed = placed_by.failed
        if placed_by.recipient == address and not failed:
            amount += placed_by.value
        if placed_by.sender == address:
            fee = placed_by.fee
            amount -= placed_by.fee + (0 if failed else placed_by.value)
    if not failed:
        for call in internal:
            if call.failed:
                continue
            if call.recipient == address:
                amount += call.value
            if call.sender == address:
                amount -= call.value
    return provider_transaction(txid, placed_by.block, placed_by.time, amount, fee, failed)
