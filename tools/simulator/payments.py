"""Drafts of the kinds of transaction the simulator creates: receives, spends, transfers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

from tools.simulator.ledger import Leg, TransactionDraft, Utxo

DUST_SAT = 546
MIN_FEE_SAT = 200
MAX_FEE_SAT = 15_000
OP_RETURN_SHARE = 0.04


@dataclass(frozen=True, slots=True)
class OwnedCoin:
    """An unspent output and the tracked address it pays, for spends from several addresses."""

    address: str
    utxo: Utxo


def random_fee(rng: Random) -> int:
    return rng.randint(MIN_FEE_SAT, MAX_FEE_SAT)


def receive(
    rng: Random, *, txid: bytes, address: str, amount_sat: int, locktime: int = 0
) -> TransactionDraft:
    """Someone else pays `amount_sat` to the address, usually keeping change."""
    change_sat = rng.randint(DUST_SAT, 50_000_000) if rng.random() < 0.7 else 0
    has_op_return = rng.random() < OP_RETURN_SHARE
    vout_count = 1 + (change_sat > 0) + has_op_return
    return TransactionDraft(
        txid=txid,
        legs=(Leg(address, amount_sat, rng.randrange(vout_count)),),
        vin_count=rng.choice((1, 1, 1, 2, 3)),
        vout_count=vout_count,
        fee_sat=random_fee(rng),
        counterparty_output_sat=change_sat,
        has_op_return=has_op_return,
        locktime=locktime,
    )


def spend(
    rng: Random,
    *,
    txid: bytes,
    address: str,
    coins: Sequence[Utxo],
    amount_sat: int,
    locktime: int = 0,
) -> TransactionDraft:
    """The address loses exactly `amount_sat`: a payment plus the fee, change comes back."""
    total_sat = sum(coin.value_sat for coin in coins)
    if not DUST_SAT < amount_sat <= total_sat:
        raise ValueError(f"cannot spend {amount_sat} sat from coins worth {total_sat} sat")
    fee_sat = min(random_fee(rng), amount_sat - DUST_SAT)
    change_sat = total_sat - amount_sat
    has_op_return = rng.random() < OP_RETURN_SHARE
    vout_count = 1 + (change_sat > 0) + has_op_return
    legs = [
        Leg(address, coin.value_sat, slot, (coin.number, coin.vout))
        for slot, coin in enumerate(coins)
    ]
    if change_sat:
        legs.append(Leg(address, change_sat, rng.randrange(vout_count)))
    return TransactionDraft(
        txid=txid,
        legs=tuple(legs),
        vin_count=len(coins),
        vout_count=vout_count,
        fee_sat=fee_sat,
        counterparty_output_sat=amount_sat - fee_sat,
        has_op_return=has_op_return,
        locktime=locktime,
    )


def transfer(
    rng: Random,
    *,
    txid: bytes,
    sender: str,
    coins: Sequence[Utxo],
    recipient: str,
    amount_sat: int,
) -> TransactionDraft:
    """One tracked address pays another, so both histories hold the same transaction."""
    total_sat = sum(coin.value_sat for coin in coins)
    fee_sat = random_fee(rng)
    change_sat = total_sat - amount_sat - fee_sat
    if change_sat < DUST_SAT:
        raise ValueError("the coins do not cover the transfer, its fee and change")
    legs = [
        Leg(sender, coin.value_sat, slot, (coin.number, coin.vout))
        for slot, coin in enumerate(coins)
    ]
    recipient_slot = rng.randrange(2)
    legs.append(Leg(recipient, amount_sat, recipient_slot))
    legs.append(Leg(sender, change_sat, 1 - recipient_slot))
    return TransactionDraft(
        txid=txid,
        legs=tuple(legs),
        vin_count=len(coins),
        vout_count=2,
        fee_sat=fee_sat,
        counterparty_output_sat=0,
    )


def pay_from_coins(
    rng: Random,
    *,
    txid: bytes,
    coins: Sequence[OwnedCoin],
    amount_sat: int,
    fee_sat: int,
    recipient: str | None,
    change_address: str | None,
    locktime: int = 0,
) -> TransactionDraft:
    """Coins of one or more tracked addresses pay `amount_sat` to `recipient` (None: an
    untracked counterparty) and `fee_sat`; the rest goes to `change_address`, or to the fee
    when it is below the dust limit."""
    total_sat = sum(coin.utxo.value_sat for coin in coins)
    change_sat = total_sat - amount_sat - fee_sat
    if amount_sat < DUST_SAT or fee_sat < 0 or change_sat < 0:
        raise ValueError(
            f"coins worth {total_sat} sat cannot pay {amount_sat} sat and a {fee_sat} sat fee"
        )
    if change_sat < DUST_SAT:
        fee_sat += change_sat
        change_sat = 0
    elif change_address is None:
        raise ValueError("the change needs an address")
    vout_count = 2 if change_sat else 1
    payment_slot = rng.randrange(vout_count)
    legs = [
        Leg(coin.address, coin.utxo.value_sat, slot, (coin.utxo.number, coin.utxo.vout))
        for slot, coin in enumerate(coins)
    ]
    if recipient is not None:
        legs.append(Leg(recipient, amount_sat, payment_slot))
    if change_sat and change_address is not None:
        legs.append(Leg(change_address, change_sat, 1 - payment_slot))
    return TransactionDraft(
        txid=txid,
        legs=tuple(legs),
        vin_count=len(coins),
        vout_count=vout_count,
        fee_sat=fee_sat,
        counterparty_output_sat=0 if recipient is not None else amount_sat,
        locktime=locktime,
    )


def coinbase(*, txid: bytes, address: str, amount_sat: int) -> TransactionDraft:
    """A block reward paid to the address, with the usual witness-commitment OP_RETURN."""
    return TransactionDraft(
        txid=txid,
        legs=(Leg(address, amount_sat, 0),),
        vin_count=1,
        vout_count=2,
        fee_sat=0,
        counterparty_output_sat=0,
        has_op_return=True,
        is_coinbase=True,
    )


def select_coins(coins: Sequence[Utxo], amount_sat: int) -> list[Utxo]:
    """Largest coins first until they cover the amount; raises ValueError if they cannot."""
    selected: list[Utxo] = []
    total_sat = 0
    for coin in sorted(coins, key=lambda coin: (-coin.value_sat, coin.number, coin.vout)):
        if total_sat >= amount_sat:
            break
        selected.append(coin)
        total_sat += coin.value_sat
    if total_sat < amount_sat:
        raise ValueError(f"the coins hold only {total_sat} sat, {amount_sat} sat needed")
    return selected
