"""Per-address totals, first and last activity, and unspent outputs, derived from the chain."""

from __future__ import annotations

import operator
from array import array
from dataclasses import astuple, dataclass

from tools.simulator.chain import Chain
from tools.simulator.ledger import MEMPOOL, Utxo


@dataclass(frozen=True, slots=True)
class TxoStats:
    """Esplora's `chain_stats` / `mempool_stats`."""

    funded_txo_count: int = 0
    funded_txo_sum: int = 0
    spent_txo_count: int = 0
    spent_txo_sum: int = 0
    tx_count: int = 0

    def __add__(self, other: TxoStats) -> TxoStats:
        return TxoStats(*map(operator.add, astuple(self), astuple(other)))


@dataclass(frozen=True, slots=True)
class AddressSummary:
    chain_stats: TxoStats
    mempool_stats: TxoStats
    first_seen_receiving: int | None
    last_seen_receiving: int | None
    first_seen_spending: int | None
    last_seen_spending: int | None
    # Newest first; outputs spent by mempool transactions are not unspent.
    utxos: tuple[Utxo, ...]

    @property
    def total_stats(self) -> TxoStats:
        """Confirmed and unconfirmed together, as Blockchair counts them."""
        return self.chain_stats + self.mempool_stats

    @property
    def balance_sat(self) -> int:
        """Including unconfirmed transactions, as Blockchair reports it."""
        total = self.total_stats
        return total.funded_txo_sum - total.spent_txo_sum


def summarize(chain: Chain, address: str) -> AddressSummary:
    return chain.memo(("summary", address), lambda: _summarize(chain, address))


def _summarize(chain: Chain, address: str) -> AddressSummary:
    history = chain.history(address)
    totals = {True: [0, 0, 0, 0, 0], False: [0, 0, 0, 0, 0]}
    receiving: list[int] = []
    spending: list[int] = []
    # Outputs as packed outpoints (number << 16 | vout) in arrays: a history can have
    # hundreds of thousands of them.
    outpoints = array("q")
    values = array("q")
    spent: set[int] = set()
    for number in [*history.confirmed, *history.mempool]:
        confirmed = chain.ledger.height(number) != MEMPOOL
        counts = totals[confirmed]
        counts[4] += 1
        time = chain.transaction_time(number)
        for leg in chain.ledger.legs(number):
            if leg.address != address:
                continue
            if leg.spends is None:
                counts[0] += 1
                counts[1] += leg.value_sat
                _widen(receiving, time)
                outpoints.append(number << 16 | leg.slot)
                values.append(leg.value_sat)
            else:
                counts[2] += 1
                counts[3] += leg.value_sat
                _widen(spending, time)
                spent.add(leg.spends[0] << 16 | leg.spends[1])
    unspent = [
        Utxo(outpoint >> 16, outpoint & 0xFFFF, value, chain.ledger.height(outpoint >> 16))
        for outpoint, value in zip(reversed(outpoints), reversed(values), strict=True)
        if outpoint not in spent
    ]
    return AddressSummary(
        chain_stats=TxoStats(*totals[True]),
        mempool_stats=TxoStats(*totals[False]),
        first_seen_receiving=receiving[0] if receiving else None,
        last_seen_receiving=receiving[-1] if receiving else None,
        first_seen_spending=spending[0] if spending else None,
        last_seen_spending=spending[-1] if spending else None,
        utxos=tuple(unspent),
    )


def _widen(bounds: list[int], time: int) -> None:
    """Keep [earliest, latest] of the times seen."""
    if not bounds:
        bounds.extend((time, time))
    elif time < bounds[0]:
        bounds[0] = time
    elif time > bounds[1]:
        bounds[1] = time
