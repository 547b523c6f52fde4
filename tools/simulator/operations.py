"""Admin changes to the chain: payments, mining, dropping mempool transactions, reorgs."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

from tools.simulator import payments
from tools.simulator.addresses import normalize_address
from tools.simulator.chain import Chain
from tools.simulator.ledger import MEMPOOL
from tools.simulator.summary import summarize

MAX_REORG_DEPTH = 100


@dataclass(frozen=True, slots=True)
class MinedBlock:
    height: int
    block_hash: str
    # Every transaction now in the block, mempool ones first, in block order.
    txids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReorgReport:
    """What a reorg replaced; `transactions` maps each txid that was in the replaced blocks
    to its new height, or None when it went back to the mempool."""

    old_block_hashes: dict[int, str]
    new_block_hashes: dict[int, str]
    transactions: dict[str, int | None]


def check_payments(chain: Chain, address: str, amounts_sat: Sequence[int]) -> None:
    """Raise ValueError, before anything changes, if the payments cannot all be made."""
    balance_sat = summarize(chain, normalize_address(address, chain.network)).balance_sat
    for amount_sat in amounts_sat:
        if amount_sat == 0:
            raise ValueError("amount_sat must not be 0")
        if 0 > amount_sat >= -payments.DUST_SAT:
            raise ValueError(f"a spend must exceed the dust limit of {payments.DUST_SAT} sat")
        if balance_sat + amount_sat < 0:
            raise ValueError(
                f"{address} cannot spend {-amount_sat} sat: it holds only {balance_sat} sat"
            )
        balance_sat += amount_sat


def add_payment(chain: Chain, address: str, amount_sat: int, *, height: int = MEMPOOL) -> str:
    """A transaction changing the address's balance by exactly `amount_sat` (negative: a spend
    of its largest coins, unconfirmed ones included, with change back to it)."""
    address = normalize_address(address, chain.network)
    check_payments(chain, address, [amount_sat])
    txid = hashlib.sha256(
        f"{chain.seed}:payment:{len(chain.ledger)}:{address}:{amount_sat}".encode()
    ).digest()
    rng = Random(txid)
    locktime = chain.tip_height
    if amount_sat > 0:
        draft = payments.receive(
            rng, txid=txid, address=address, amount_sat=amount_sat, locktime=locktime
        )
    else:
        selected = payments.select_coins(summarize(chain, address).utxos, -amount_sat)
        draft = payments.spend(
            rng,
            txid=txid,
            address=address,
            coins=selected,
            amount_sat=-amount_sat,
            locktime=locktime,
        )
    return chain.ledger.txid(chain.record(draft, height))


def mine_block(
    chain: Chain, *, address: str | None = None, amounts_sat: Sequence[int] = ()
) -> MinedBlock:
    """A new tip confirming the whole mempool, plus new transactions for `address`."""
    if address is None and amounts_sat:
        raise ValueError("amounts_sat needs an address")
    if address is not None:
        check_payments(chain, address, amounts_sat)
    height = chain.extend_tip()
    for number in chain.mempool:
        chain.confirm(number, height)
    if address is not None:
        for amount_sat in amounts_sat:
            add_payment(chain, address, amount_sat, height=height)
    numbers = chain.confirmed_at(range(height, height + 1))
    return MinedBlock(
        height=height,
        block_hash=chain.block_hash(height),
        txids=tuple(chain.ledger.txid(number) for number in numbers),
    )


def drop_mempool_transaction(chain: Chain, txid: str) -> list[str]:
    """Remove a mempool transaction and every mempool transaction spending its outputs."""
    number = chain.ledger.find(txid)
    if number is None or chain.ledger.height(number) != MEMPOOL:
        raise ValueError(f"{txid} is not in the mempool")
    dropped = {number}
    for candidate in chain.mempool:
        if any(
            leg.spends is not None and leg.spends[0] in dropped
            for leg in chain.ledger.legs(candidate)
        ):
            dropped.add(candidate)
    for dropped_number in sorted(dropped):
        chain.drop(dropped_number)
    return [chain.ledger.txid(dropped_number) for dropped_number in sorted(dropped)]


def reorganize(chain: Chain, depth: int) -> ReorgReport:
    """Replace the last `depth` blocks with competing blocks at the same heights.

    The tip height stays; every replaced block gets a new hash. The transactions confirmed
    in those blocks, taken in (height, number) order, are treated by position: the 1st, 4th,
    7th, ... stay at their height; the 2nd, 5th, ... move one block up (staying put if
    already at the tip); the 3rd, 6th, ... go back to the mempool. Coinbase transactions
    always stay. A transaction then moves up to its highest parent's height, or goes to the
    mempool with a parent that went there, so spends never precede what they spend.
    """
    if not 1 <= depth <= MAX_REORG_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_REORG_DEPTH}")
    tip = chain.tip_height
    heights = range(tip - depth + 1, tip + 1)
    old_hashes = {height: chain.block_hash(height) for height in heights}
    new_heights: dict[int, int] = {}
    for position, number in enumerate(chain.confirmed_at(heights)):
        height = chain.ledger.height(number)
        if chain.ledger.is_coinbase(number) or position % 3 == 0:
            target = height
        elif position % 3 == 1:
            target = min(height + 1, tip)
        else:
            target = MEMPOOL
        for leg in chain.ledger.legs(number):
            if leg.spends is None or target == MEMPOOL:
                continue
            parent = leg.spends[0]
            parent_height = new_heights.get(parent, chain.ledger.height(parent))
            target = MEMPOOL if parent_height == MEMPOOL else max(target, parent_height)
        new_heights[number] = target
    for height in heights:
        chain.replace_block(height)
    chain.move(
        {
            number: height
            for number, height in new_heights.items()
            if height != chain.ledger.height(number)
        }
    )
    return ReorgReport(
        old_block_hashes=old_hashes,
        new_block_hashes={height: chain.block_hash(height) for height in heights},
        transactions={
            chain.ledger.txid(number): (None if height == MEMPOOL else height)
            for number, height in new_heights.items()
        },
    )
