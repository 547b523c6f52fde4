"""The seeded addresses of Litecoin, Dogecoin and Bitcoin Cash, with histories from the seed."""

from __future__ import annotations

from tools.simulator import payments
from tools.simulator.chain import Chain
from tools.simulator.generation import Wallet, generate_history, random_amount
from tools.simulator.ledger import MEMPOOL
from tools.simulator.networks import BITCOIN_CASH, DOGECOIN, LITECOIN, Network
from tools.simulator.seeded_random import seeded_random

# Litecoin: P2PKH (L), P2SH (M), the old P2SH prefix (3) and bech32 (ltc1).
LITECOIN_BUSY_ADDRESS = "LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA"
LITECOIN_P2SH_ADDRESS = "MHrYRxAiMNBTku3eoDHwhA1LQGDjUStZW2"
LITECOIN_OLD_P2SH_ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
LITECOIN_SEGWIT_ADDRESS = "ltc1qtu99vz4rp7dn0hx7xul6kpp7x4qtegxtfveg2p"
LITECOIN_UNUSED_ADDRESS = "LZc8BnPqscY2mcX51u6tygszohZ31398oX"
# Dogecoin: P2PKH (D) and P2SH (9 or A).
DOGECOIN_BUSY_ADDRESS = "D5Z7XrtJNg7hAtznSDMXvfiFmMYphwuWz7"
DOGECOIN_P2SH_ADDRESS = "9sLa1AKzjWuNTe1CkLh5GDYyRP9enb1Spp"
DOGECOIN_UNUSED_ADDRESS = "DQ2Z7QGwL8AcRH6Y7VdZfX35wfWqEzEA4a"
# Bitcoin Cash, canonical (prefixed CashAddr) with the legacy spelling of the same hash.
BITCOIN_CASH_BUSY_ADDRESS = "bitcoincash:qrxumkdjh5hfw7za08u2t9qcjag7dqud0v5g9mt6d8"
BITCOIN_CASH_BUSY_LEGACY = "1KmC84WxyKVMXVheFExKBfnQVqDFEipJHK"
BITCOIN_CASH_P2SH_ADDRESS = "bitcoincash:pp8skudq3x5hzw8ew7vzsw8tn4k8wxsqsv0lt0mf3g"
BITCOIN_CASH_P2SH_LEGACY = "38ty1qB68gHsiyZ8k3RPeCJ1wYQPrUCPPr"
BITCOIN_CASH_UNUSED_ADDRESS = "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"
BITCOIN_CASH_UNUSED_LEGACY = "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"

BUSY_TRANSACTIONS = 300
SMALL_CONFIRMED = 40
SMALL_UNCONFIRMED = 2
BUSY_DEPTH = 20_000
SMALL_DEPTH = 2_000

# Per chain: (address, confirmed transactions, mempool transactions), canonical spellings.
SEEDED_HISTORIES: dict[str, tuple[tuple[str, int, int], ...]] = {
    LITECOIN.name: (
        (LITECOIN_BUSY_ADDRESS, BUSY_TRANSACTIONS, 0),
        (LITECOIN_P2SH_ADDRESS, SMALL_CONFIRMED, SMALL_UNCONFIRMED),
        (LITECOIN_OLD_P2SH_ADDRESS, SMALL_CONFIRMED, 0),
        (LITECOIN_SEGWIT_ADDRESS, SMALL_CONFIRMED, SMALL_UNCONFIRMED),
    ),
    DOGECOIN.name: (
        (DOGECOIN_BUSY_ADDRESS, BUSY_TRANSACTIONS, 0),
        (DOGECOIN_P2SH_ADDRESS, SMALL_CONFIRMED, SMALL_UNCONFIRMED),
    ),
    BITCOIN_CASH.name: (
        (BITCOIN_CASH_BUSY_ADDRESS, BUSY_TRANSACTIONS, 0),
        (BITCOIN_CASH_P2SH_ADDRESS, SMALL_CONFIRMED, SMALL_UNCONFIRMED),
    ),
}
UNUSED_ADDRESSES = {
    LITECOIN.name: LITECOIN_UNUSED_ADDRESS,
    DOGECOIN.name: DOGECOIN_UNUSED_ADDRESS,
    BITCOIN_CASH.name: BITCOIN_CASH_UNUSED_ADDRESS,
}


def seeded_addresses(network: Network) -> tuple[str, ...]:
    histories = SEEDED_HISTORIES.get(network.name, ())
    return (*(address for address, _, _ in histories), UNUSED_ADDRESSES[network.name])


def install_coin_histories(chain: Chain) -> None:
    """Confirmed histories below the tip (the busy address deeper), then mempool receives."""
    tip = chain.tip_height
    for address, confirmed, unconfirmed in SEEDED_HISTORIES.get(chain.network.name, ()):
        rng = seeded_random(chain.seed, chain.network.name, address)
        wallet = Wallet(address)
        depth = BUSY_DEPTH if confirmed >= BUSY_TRANSACTIONS else SMALL_DEPTH
        generate_history(
            chain,
            wallet,
            rng,
            transaction_count=confirmed,
            first_height=tip - depth,
            last_height=tip,
        )
        for _ in range(unconfirmed):
            draft = payments.receive(
                rng, txid=rng.randbytes(32), address=address, amount_sat=random_amount(rng)
            )
            wallet.record(chain, draft, MEMPOOL)
