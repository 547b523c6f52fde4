"""What each Ethereum transaction did to one address: normal and internal rows of the same hash
merged into one net amount (PROVIDERS.md, "Net ETH amount"), withdrawals and genesis as their
own rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import cast

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
    # Per hash, in the order it first appeared: its normal row, else its first internal row.
    # A normal row replaces an internal one that came first and keeps its place.
    placed: dict[str, NormalRow | InternalRow] = {}
    calls: dict[str, list[InternalRow]] = {}
    withdrawals: list[ProviderTransaction] = []
    for row in rows:
        kind = type(row)
        if kind is NormalRow:
            placed[cast("NormalRow", row).hash] = cast("NormalRow", row)
        elif kind is InternalRow:
            call = cast("InternalRow", row)
            if call.hash in calls:
                calls[call.hash].append(call)
            else:
                calls[call.hash] = [call]
                placed.setdefault(call.hash, call)
        else:
            withdrawal = cast("WithdrawalRow", row)
            withdrawals.append(
                provider_transaction(
                    withdrawal.txid,
                    withdrawal.block,
                    withdrawal.time,
                    withdrawal.amount_wei,
                    None,
                    False,
                )
            )
    transactions: list[ProviderTransaction] = []
    append = transactions.append
    new = _new
    for txid, placed_by in placed.items():
        internal = calls.get(txid)
        if internal is not None or type(placed_by) is not NormalRow:
            append(_net(address, txid, placed_by, internal or NO_CALLS))
            continue
        # Most transactions: a normal row alone, netted inline (`_net` and
        # `provider_transaction` a call each were a third of the netting).
        _, block, time, sender, recipient, value, fee, failed = placed_by
        amount = value if recipient == address and not failed else 0
        paid: int | None = None
        if sender == address:
            paid = fee
            amount -= fee if failed else fee + value
        transaction = new(ProviderTransaction)
        _set_txid(transaction, txid)
        _set_height(transaction, block)
        _set_time(transaction, time)
        _set_amount(transaction, amount)
        _set_fee(transaction, paid)
        _set_failed(transaction, failed)
        append(transaction)
    return transactions + withdrawals


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
