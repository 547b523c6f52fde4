"""Deterministic random histories: receives and spends of one address across a height range."""

from __future__ import annotations

from random import Random

from tools.simulator import payments
from tools.simulator.chain import Chain
from tools.simulator.ledger import TransactionDraft, Utxo

SPEND_SHARE = 0.45


class Wallet:
    """The coins one address can spend while its history is being generated."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.coins: list[Utxo] = []

    def take(self, rng: Random, count: int) -> list[Utxo]:
        taken: list[Utxo] = []
        for _ in range(min(count, len(self.coins))):
            position = rng.randrange(len(self.coins))
            self.coins[position], self.coins[-1] = self.coins[-1], self.coins[position]
            taken.append(self.coins.pop())
        return taken

    def record(self, chain: Chain, draft: TransactionDraft, height: int) -> int:
        """Add the transaction to the chain and keep the outputs it pays to this address."""
        number = chain.record(draft, height)
        self.coins.extend(chain.ledger.outputs_to(number, self.address))
        return number


def random_amount(rng: Random) -> int:
    return int(10 ** rng.uniform(4.0, 8.5))


def next_payment(rng: Random, wallet: Wallet, *, locktime: int) -> TransactionDraft:
    """A receive, or a spend of one or two coins when the wallet has some."""
    txid = rng.randbytes(32)
    coin_count = len(wallet.coins)
    spend_share = SPEND_SHARE if 3 <= coin_count <= 40 else (0.25 if coin_count < 3 else 0.7)
    if coin_count and rng.random() < spend_share:
        coins = wallet.take(rng, 1 if rng.random() < 0.7 else 2)
        total_sat = sum(coin.value_sat for coin in coins)
        sweep = rng.random() < 0.25 or total_sat < 6 * payments.DUST_SAT
        amount_sat = (
            total_sat
            if sweep
            else rng.randint(2 * payments.DUST_SAT, total_sat - 2 * payments.DUST_SAT)
        )
        return payments.spend(
            rng,
            txid=txid,
            address=wallet.address,
            coins=coins,
            amount_sat=amount_sat,
            locktime=locktime,
        )
    return payments.receive(
        rng, txid=txid, address=wallet.address, amount_sat=random_amount(rng), locktime=locktime
    )


def generate_history(
    chain: Chain,
    wallet: Wallet,
    rng: Random,
    *,
    transaction_count: int,
    first_height: int,
    last_height: int,
) -> None:
    """Confirmed transactions at random heights in the range, several per block when dense."""
    heights = sorted(rng.randint(first_height, last_height) for _ in range(transaction_count))
    for height in heights:
        locktime = height - 1 if rng.random() < 0.5 else 0
        wallet.record(chain, next_payment(rng, wallet, locktime=locktime), height)
