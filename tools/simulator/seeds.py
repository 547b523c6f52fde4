"""The addresses every simulator knows, and generated extra addresses, all derived from the seed."""

from __future__ import annotations

import hashlib
from random import Random

from tools.simulator import payments
from tools.simulator.addresses import p2wpkh_address
from tools.simulator.chain import INITIAL_TIP_HEIGHT, Chain
from tools.simulator.generation import Wallet, generate_history, random_amount
from tools.simulator.ledger import MEMPOOL
from tools.simulator.seeded_random import seeded_random

LARGE_ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
BUSY_ADDRESS = "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju"
UNUSED_ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
MEMPOOL_ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
GENESIS_ADDRESS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
SEEDED_ADDRESSES = (
    LARGE_ADDRESS,
    BUSY_ADDRESS,
    UNUSED_ADDRESS,
    MEMPOOL_ADDRESS,
    GENESIS_ADDRESS,
)

LARGE_ADDRESS_TRANSACTIONS = 156_000
LARGE_ADDRESS_BLOCKS = 39_000
# The large history stays clear of the blocks a reorg may replace, so generating it late
# gives the same chain as generating it early.
LARGE_ADDRESS_LAST_HEIGHT = INITIAL_TIP_HEIGHT - 144
BUSY_ADDRESS_TRANSACTIONS = 900
MEMPOOL_ADDRESS_CONFIRMED = 40
MEMPOOL_ADDRESS_UNCONFIRMED = 3
BLOCK_SUBSIDY_SAT = 312_500_000
GENERATED_FIRST_DEPTH = 1_000
GENERATED_LAST_DEPTH = 150


def install_seeded_histories(chain: Chain) -> None:
    """Eager histories for the small seeded addresses; the 156,000-transaction one on first use."""
    busy = Wallet(BUSY_ADDRESS)
    generate_history(
        chain,
        busy,
        seeded_random(chain.seed, BUSY_ADDRESS),
        transaction_count=BUSY_ADDRESS_TRANSACTIONS,
        first_height=INITIAL_TIP_HEIGHT - 50_000,
        last_height=INITIAL_TIP_HEIGHT - 1,
    )
    _install_genesis_and_mempool_histories(chain)
    chain.register_lazy_history(LARGE_ADDRESS, _generate_large_history)


def _generate_large_history(chain: Chain) -> None:
    generate_history(
        chain,
        Wallet(LARGE_ADDRESS),
        seeded_random(chain.seed, LARGE_ADDRESS),
        transaction_count=LARGE_ADDRESS_TRANSACTIONS,
        first_height=LARGE_ADDRESS_LAST_HEIGHT - LARGE_ADDRESS_BLOCKS + 1,
        last_height=LARGE_ADDRESS_LAST_HEIGHT,
    )


def _install_genesis_and_mempool_histories(chain: Chain) -> None:
    """1A1z... mines a block, receives a few payments and pays 3J98... once; 3J98... is busy
    near the tip and has three mempool transactions."""
    tip = INITIAL_TIP_HEIGHT
    genesis_rng = seeded_random(chain.seed, GENESIS_ADDRESS)
    genesis = Wallet(GENESIS_ADDRESS)
    reward = payments.coinbase(
        txid=genesis_rng.randbytes(32),
        address=GENESIS_ADDRESS,
        amount_sat=BLOCK_SUBSIDY_SAT + genesis_rng.randint(2_000_000, 30_000_000),
    )
    genesis.record(chain, reward, tip - 20_000)
    _receive(chain, genesis, genesis_rng, heights=(tip - 15_000, tip - 9_000))

    mempool_rng = seeded_random(chain.seed, MEMPOOL_ADDRESS)
    busy = Wallet(MEMPOOL_ADDRESS)
    generate_history(
        chain,
        busy,
        mempool_rng,
        transaction_count=20,
        first_height=tip - 3_000,
        last_height=tip - 2_501,
    )
    paid = payments.transfer(
        genesis_rng,
        txid=genesis_rng.randbytes(32),
        sender=GENESIS_ADDRESS,
        coins=genesis.take(genesis_rng, len(genesis.coins)),
        recipient=MEMPOOL_ADDRESS,
        amount_sat=50_000_000,
    )
    number = genesis.record(chain, paid, tip - 2_500)
    busy.coins.extend(chain.ledger.outputs_to(number, MEMPOOL_ADDRESS))
    generate_history(
        chain,
        busy,
        mempool_rng,
        transaction_count=15,
        first_height=tip - 2_499,
        last_height=tip - 6,
    )
    generate_history(
        chain, busy, mempool_rng, transaction_count=4, first_height=tip - 5, last_height=tip
    )
    _receive(chain, genesis, genesis_rng, heights=(tip - 1_200, tip - 300))

    for amount_sat in (1_250_000, 48_000):
        draft = payments.receive(
            mempool_rng,
            txid=mempool_rng.randbytes(32),
            address=MEMPOOL_ADDRESS,
            amount_sat=amount_sat,
        )
        busy.record(chain, draft, MEMPOOL)
    coins = payments.select_coins(busy.coins, 700_000)
    for coin in coins:
        busy.coins.remove(coin)
    draft = payments.spend(
        mempool_rng,
        txid=mempool_rng.randbytes(32),
        address=MEMPOOL_ADDRESS,
        coins=coins,
        amount_sat=700_000,
        locktime=tip,
    )
    busy.record(chain, draft, MEMPOOL)


def _receive(chain: Chain, wallet: Wallet, rng: Random, *, heights: tuple[int, ...]) -> None:
    """A payment to `wallet` from a counterparty in each block of `heights`."""
    for height in heights:
        draft = payments.receive(
            rng, txid=rng.randbytes(32), address=wallet.address, amount_sat=random_amount(rng)
        )
        wallet.record(chain, draft, height)


def generated_address(seed: int, index: int) -> str:
    """The index-th extra address of a seed: a valid P2WPKH address from a hash."""
    key_hash = hashlib.sha256(f"{seed}:generated:{index}".encode()).digest()[:20]
    return p2wpkh_address(key_hash)


def populate_generated_addresses(chain: Chain, count: int, transactions_each: int) -> list[str]:
    """The first `count` generated addresses, giving `transactions_each` confirmed transactions
    to each one that has none yet (addresses populated before keep their history)."""
    if count < 0 or transactions_each < 1:
        raise ValueError("count must be at least 0 and transactions_each at least 1")
    addresses = [generated_address(chain.seed, index) for index in range(count)]
    for address in addresses:
        if chain.is_known(address):
            continue
        generate_history(
            chain,
            Wallet(address),
            seeded_random(chain.seed, address),
            transaction_count=transactions_each,
            first_height=chain.tip_height - GENERATED_FIRST_DEPTH,
            last_height=chain.tip_height - GENERATED_LAST_DEPTH,
        )
    return addresses
