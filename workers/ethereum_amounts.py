"""What each Ethereum transaction did to one address: normal and internal rows of the same hash
merged into one net amount (PROVIDERS.md, "Net ETH amount"), withdrawals and genesis as their
own rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from workers.providers.base import ProviderTransaction
from workers.providers.ethereum_rows import InternalRow, NormalRow, StreamRow, WithdrawalRow


@dataclass
class _Merged:
    block: int
    time: datetime
    normal: NormalRow | None = None
    internal: list[InternalRow] = field(default_factory=list)


def net_transactions(address: str, rows: Iterable[StreamRow]) -> list[ProviderTransaction]:
    """One transaction per hash (and per withdrawal), its net effect on `address` in wei:

    `(to == A and ok ? value : 0) - (from == A ? fee + (ok ? value : 0) : 0)
    + sum internal(to == A, ok).value - sum internal(from == A, ok).value`

    The fee is paid by the sender even when the transaction failed; a failed transaction
    moves nothing else."""
    merged: dict[str, _Merged] = {}
    withdrawals: list[ProviderTransaction] = []
    for row in rows:
        if isinstance(row, WithdrawalRow):
            withdrawals.append(
                ProviderTransaction(
                    txid=row.txid, block_height=row.block, time=row.time, amount_sat=row.amount_wei
                )
            )
            continue
        entry = merged.setdefault(row.hash, _Merged(row.block, row.time))
        if isinstance(row, NormalRow):
            entry.normal = row
            entry.block, entry.time = row.block, row.time
        else:
            entry.internal.append(row)
    return [_net(address, txid, entry) for txid, entry in merged.items()] + withdrawals


def _net(address: str, txid: str, entry: _Merged) -> ProviderTransaction:
    amount = 0
    fee: int | None = None
    failed = False
    normal = entry.normal
    if normal is not None:
        failed = normal.failed
        if normal.recipient == address and not failed:
            amount += normal.value
        if normal.sender == address:
            fee = normal.fee
            amount -= normal.fee + (0 if failed else normal.value)
    for call in entry.internal:
        if call.failed or failed:
            continue
        if call.recipient == address:
            amount += call.value
        if call.sender == address:
            amount -= call.value
    return ProviderTransaction(
        txid=txid,
        block_height=entry.block,
        time=entry.time,
        amount_sat=amount,
        fee=fee,
        failed=failed,
    )
