"""HD wallets on a UTXO chain: histories for addresses the caller names, payments from
several of a wallet's addresses at once, and the net each transaction makes for a set."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

from tools.simulator import payments
from tools.simulator.addresses import normalize_address
from tools.simulator.chain import Chain
from tools.simulator.generation import random_amount
from tools.simulator.ledger import MEMPOOL, TransactionDraft, Utxo
from tools.simulator.payments import DUST_SAT, OwnedCoin
from tools.simulator.seeded_random import seeded_random
from tools.simulator.summary import summarize

# Blocks a generated wallet history spreads over, ending just below the tip.
WALLET_HISTORY_BLOCKS = 2_016
RECEIVE_SHARE = 0.4
TRANSFER_SHARE = 0.15
# After funding, these come first so that even a short history has each of them.
OPENING_KINDS = ("spend", "transfer", "receive")


@dataclass(frozen=True, slots=True)
class WalletHistory:
    """What a generated wallet history holds; addresses in their canonical spelling."""

    # Every transaction, oldest first; the last `len(mempool_txids)` are unconfirmed.
    txids: tuple[str, ...]
    mempool_txids: tuple[str, ...]
    # The receive addresses at the `used_receive` indexes, in index order.
    used_receive: tuple[str, ...]
    # The change addresses that got change, a prefix of the change keychain.
    used_change: tuple[str, ...]

    @property
    def used_addresses(self) -> tuple[str, ...]:
        return (*self.used_receive, *self.used_change)


class _WalletCoins:
    """The wallet's spendable coins and the next change address while a history is made."""

    def __init__(self, rng: Random, receive: Sequence[str], change: Sequence[str]) -> None:
        self.rng = rng
        self.receive = list(receive)
        self.change = list(change)
        self.owned = set(receive) | set(change)
        self.coins: list[OwnedCoin] = []
        self.used_change: list[str] = []

    def take(self, count: int) -> list[OwnedCoin]:
        taken: list[OwnedCoin] = []
        for _ in range(min(count, len(self.coins))):
            position = self.rng.randrange(len(self.coins))
            self.coins[position], self.coins[-1] = self.coins[-1], self.coins[position]
            taken.append(self.coins.pop())
        return taken

    def next_change(self) -> str:
        """Change keychain addresses in order (1/0, 1/1, ...), then reused at random."""
        if len(self.used_change) < len(self.change):
            address = self.change[len(self.used_change)]
            self.used_change.append(address)
            return address
        return self.rng.choice(self.change)

    def record(self, chain: Chain, draft: TransactionDraft, height: int) -> str:
        number = chain.record(draft, height)
        ledger = chain.ledger
        for leg in draft.legs:
            if leg.spends is None and leg.address in self.owned:
                coin = Utxo(number, leg.slot, leg.value_sat, ledger.height(number))
                self.coins.append(OwnedCoin(leg.address, coin))
        return ledger.txid(number)


def generate_wallet_history(
    chain: Chain,
    receive: Sequence[str],
    change: Sequence[str],
    *,
    used_receive: Sequence[int],
    transactions: int,
    mempool: int = 0,
) -> WalletHistory:
    """`transactions` transactions of one wallet, the last `mempool` of them unconfirmed.

    The receive addresses at `used_receive` are funded from outside first, in that order;
    then the wallet receives again (reusing those addresses), pays outside counterparties
    from one to three of its coins (often of different addresses) with change to the change
    addresses in order, and moves coins to its own addresses (a net of minus the fee).
    Everything is drawn from a stream seeded by the addresses, so the same call on the same
    seed gives the same txids and amounts.
    """
    network = chain.network
    receive = [normalize_address(address, network) for address in receive]
    change = [normalize_address(address, network) for address in change]
    used = [receive[index] for index in _checked_indexes(used_receive, len(receive))]
    if not used or transactions < len(used) or not 0 <= mempool <= transactions:
        raise ValueError(
            "a wallet history needs used receive addresses, at least one transaction for "
            "each, and no more mempool transactions than transactions"
        )
    if transactions > len(used) and not change:
        raise ValueError("a wallet that spends needs change addresses")
    known = [address for address in (*receive, *change) if chain.is_known(address)]
    if known:
        raise ValueError(f"{known[0]} already has a history")
    rng = seeded_random(chain.seed, "wallet", _fingerprint(receive, change, used_receive))
    wallet = _WalletCoins(rng, used, change)
    confirmed = transactions - mempool
    first_height = chain.tip_height - WALLET_HISTORY_BLOCKS
    heights = sorted(rng.randint(first_height, chain.tip_height - 1) for _ in range(confirmed))
    heights += [MEMPOOL] * mempool
    txids: list[str] = []
    for step, height in enumerate(heights):
        locktime = chain.tip_height if height == MEMPOOL else height - 1
        if step < len(used):
            kind = "fund"
        elif step - len(used) < len(OPENING_KINDS):
            kind = OPENING_KINDS[step - len(used)]
        else:
            kind = _random_kind(rng)
        draft = _draft(rng, wallet, kind, address=used[step % len(used)], locktime=locktime)
        txids.append(wallet.record(chain, draft, height))
    return WalletHistory(
        txids=tuple(txids),
        mempool_txids=tuple(txids[confirmed:]),
        used_receive=tuple(used),
        used_change=tuple(wallet.used_change),
    )


def _checked_indexes(indexes: Sequence[int], count: int) -> list[int]:
    if len(set(indexes)) != len(indexes) or not all(0 <= index < count for index in indexes):
        raise ValueError(f"used_receive must be distinct indexes below {count}")
    return sorted(indexes)


def _fingerprint(receive: Sequence[str], change: Sequence[str], used: Sequence[int]) -> str:
    text = ",".join(receive) + "|" + ",".join(change) + "|" + ",".join(map(str, sorted(used)))
    return hashlib.sha256(text.encode()).hexdigest()


def _random_kind(rng: Random) -> str:
    draw = rng.random()
    if draw < RECEIVE_SHARE:
        return "receive"
    return "transfer" if draw < RECEIVE_SHARE + TRANSFER_SHARE else "spend"


def _draft(
    rng: Random, wallet: _WalletCoins, kind: str, *, address: str, locktime: int
) -> TransactionDraft:
    """One transaction of the kind asked for; a receive when the wallet has nothing to spend."""
    txid = rng.randbytes(32)
    if kind in ("spend", "transfer") and wallet.coins:
        coin_count = 2 if kind == "spend" and len(wallet.coins) >= 2 else 1
        if rng.random() < 0.3:
            coin_count += 1
        coins = wallet.take(coin_count)
        total_sat = sum(coin.utxo.value_sat for coin in coins)
        fee_sat = min(payments.random_fee(rng), total_sat // 4)
        spendable_sat = total_sat - fee_sat
        if spendable_sat < 3 * DUST_SAT or rng.random() < 0.15:
            amount_sat = spendable_sat
        else:
            amount_sat = rng.randint(DUST_SAT, spendable_sat - DUST_SAT)
        if amount_sat >= DUST_SAT:
            if kind == "transfer":
                own = wallet.next_change() if rng.random() < 0.5 else rng.choice(wallet.receive)
                recipient: str | None = own
            else:
                recipient = None
            change_address = wallet.next_change() if amount_sat < spendable_sat else None
            return payments.pay_from_coins(
                rng,
                txid=txid,
                coins=coins,
                amount_sat=amount_sat,
                fee_sat=fee_sat,
                recipient=recipient,
                change_address=change_address,
                locktime=locktime,
            )
        wallet.coins.extend(coins)
    if kind != "fund":
        address = rng.choice(wallet.receive)
    return payments.receive(
        rng, txid=txid, address=address, amount_sat=random_amount(rng), locktime=locktime
    )


def pay(
    chain: Chain,
    from_addresses: Sequence[str],
    to_address: str,
    amount_sat: int,
    change_address: str | None = None,
    *,
    mine: bool,
) -> str:
    """`from_addresses` pay `amount_sat` to `to_address` from their largest coins
    (unconfirmed ones included), plus a fee; change goes to `change_address`, or back to the
    address of the largest coin spent. With `mine`, a new block confirms the mempool and
    then this payment; otherwise it waits in the mempool. Returns the txid."""
    network = chain.network
    senders = list(dict.fromkeys(normalize_address(address, network) for address in from_addresses))
    recipient = normalize_address(to_address, network)
    change = None if change_address is None else normalize_address(change_address, network)
    coins = [
        OwnedCoin(address, utxo) for address in senders for utxo in summarize(chain, address).utxos
    ]
    txid = hashlib.sha256(
        f"{chain.seed}:wallet-payment:{len(chain.ledger)}:{','.join(senders)}:{recipient}:"
        f"{amount_sat}:{change}".encode()
    ).digest()
    rng = Random(txid)
    fee_sat = payments.random_fee(rng)
    if amount_sat < DUST_SAT:
        raise ValueError(f"a payment must be at least the dust limit of {DUST_SAT} sat")
    selected = _largest_first(coins, amount_sat + fee_sat)
    draft = payments.pay_from_coins(
        rng,
        txid=txid,
        coins=selected,
        amount_sat=amount_sat,
        fee_sat=fee_sat,
        recipient=recipient,
        change_address=change or selected[0].address,
        locktime=chain.tip_height,
    )
    height = MEMPOOL
    if mine:
        height = chain.extend_tip()
        for number in chain.mempool:
            chain.confirm(number, height)
    return chain.ledger.txid(chain.record(draft, height))


def _largest_first(coins: Sequence[OwnedCoin], amount_sat: int) -> list[OwnedCoin]:
    """Largest coins first until they cover the amount; ValueError if they cannot."""
    order = sorted(coins, key=lambda coin: (-coin.utxo.value_sat, coin.utxo.number, coin.utxo.vout))
    selected: list[OwnedCoin] = []
    total_sat = 0
    for coin in order:
        if total_sat >= amount_sat:
            break
        selected.append(coin)
        total_sat += coin.utxo.value_sat
    if total_sat < amount_sat:
        raise ValueError(f"the addresses hold only {total_sat} sat, {amount_sat} sat needed")
    return selected


def net_amounts(chain: Chain, addresses: Sequence[str]) -> dict[str, int]:
    """Every transaction touching the addresses, newest first (mempool first), with what it
    adds to the set: outputs paid to the set less the outputs of the set it spends."""
    canonical = list(dict.fromkeys(normalize_address(text, chain.network) for text in addresses))
    numbers = {number for address in canonical for number in chain.history(address).newest_first()}
    ledger = chain.ledger
    ids = ledger.address_ids(canonical)

    def newest_first(number: int) -> tuple[int, int]:
        height = ledger.height(number)
        return (chain.tip_height + 1 if height == MEMPOOL else height, number)

    return {
        ledger.txid(number): ledger.set_net_amount(number, ids)
        for number in sorted(numbers, key=newest_first, reverse=True)
    }
