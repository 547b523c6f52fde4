"""The Ethereum addresses every simulator knows, each with a history derived from the seed.

Addresses are lower-case, as the explorers return them; `CHECKSUMMED` has their EIP-55 forms
(the valid examples of PROVIDERS.md, so no Keccak is needed here)."""

from __future__ import annotations

from tools.simulator.ethereum.chain import INITIAL_TIP_HEIGHT, EthereumChain
from tools.simulator.ethereum.generation import ETHER, HistoryWriter, generate_history
from tools.simulator.ethereum.model import GWEI
from tools.simulator.seeded_random import seeded_random

# Mixed history: transfers, swaps refunded through internal calls, relayed payments, failed
# calls, self-sends, creations, and CROWDED_BLOCK holding CROWDED_BLOCK_TRANSACTIONS of them.
BUSY_ADDRESS = "0xb8553d9ee35dd23bb96fbd679e651b929821969b"
# 100,000 transactions for the benchmark, generated on first use.
LARGE_ADDRESS = "0x706a70067be19bdadbea3600db0626859ff25d74"
# Receives ETH only through internal calls (a relayer pays the gas): `txlist` is empty.
RELAYED_ADDRESS = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
# A genesis allocation, then pre-Byzantium transactions (one failed creation).
GENESIS_ADDRESS = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"
# Ends with exactly WHALE_BALANCE_WEI after sending BIG_TRANSFER_WEI to BIG_RECIPIENT_ADDRESS.
WHALE_ADDRESS = "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"
BIG_RECIPIENT_ADDRESS = "0xde709f2102306220921060314715629080e2fb77"
# Beacon withdrawals (amounts in Gwei) and one transaction of its own.
VALIDATOR_ADDRESS = "0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb"
UNUSED_ADDRESS = "0x52908400098527886e0f7030069857d2e4169ee7"
SEEDED_ADDRESSES = (
    BUSY_ADDRESS,
    LARGE_ADDRESS,
    RELAYED_ADDRESS,
    GENESIS_ADDRESS,
    WHALE_ADDRESS,
    BIG_RECIPIENT_ADDRESS,
    VALIDATOR_ADDRESS,
    UNUSED_ADDRESS,
)
CHECKSUMMED = {
    BUSY_ADDRESS: "0xb8553D9ee35dd23BB96fbd679E651B929821969B",
    LARGE_ADDRESS: "0x706A70067BE19BdadBea3600Db0626859Ff25D74",
    RELAYED_ADDRESS: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    GENESIS_ADDRESS: "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    WHALE_ADDRESS: "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    BIG_RECIPIENT_ADDRESS: "0xde709f2102306220921060314715629080e2fb77",
    VALIDATOR_ADDRESS: "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    UNUSED_ADDRESS: "0x52908400098527886E0F7030069857D2E4169EE7",
}

# Every seeded history ends this far below the start tip, clear of any reorg.
SEEDED_LAST_HEIGHT = INITIAL_TIP_HEIGHT - 1_000
BUSY_ADDRESS_TRANSACTIONS = 300
CROWDED_BLOCK = INITIAL_TIP_HEIGHT - 5_000
CROWDED_BLOCK_TRANSACTIONS = 6
LARGE_ADDRESS_TRANSACTIONS = 100_000
LARGE_ADDRESS_BLOCKS = 40_000
RELAYED_PAYMENTS = 12
GENESIS_ALLOCATION_WEI = 327_600 * 10**15
WHALE_BALANCE_WEI = 10**24
BIG_TRANSFER_WEI = 2**70
WHALE_TRANSFER_HEIGHT = 19_000_000
VALIDATOR_WITHDRAWALS = 30
SHANGHAI_HEIGHT = 17_034_870


def install_seeded_histories(chain: EthereumChain) -> None:
    """Eager histories for the small seeded addresses; the 100,000-transaction one on first use."""
    for address in SEEDED_ADDRESSES:
        chain.track(address)
    _install_busy(chain)
    _install_relayed(chain)
    _install_genesis(chain)
    _install_whale(chain)
    _install_validator(chain)
    chain.register_lazy_history(LARGE_ADDRESS, _generate_large_history)


def _install_busy(chain: EthereumChain) -> None:
    rng = seeded_random(chain.seed, "ethereum", BUSY_ADDRESS)
    written = generate_history(
        chain,
        BUSY_ADDRESS,
        rng,
        transaction_count=BUSY_ADDRESS_TRANSACTIONS - CROWDED_BLOCK_TRANSACTIONS,
        first_height=INITIAL_TIP_HEIGHT - 400_000,
        last_height=CROWDED_BLOCK - 1,
    )
    balance = sum(tx.net_amount(BUSY_ADDRESS) for tx in written)
    writer = HistoryWriter(chain, BUSY_ADDRESS, rng, balance)
    height = CROWDED_BLOCK
    writer.receive(height, 3, 2 * ETHER)
    writer.send(height, 17, ETHER // 4)
    writer.swap_with_refund(height, 18, ETHER // 10)
    writer.failed_call(height, 40, ETHER // 2)
    writer.self_send(height, 41, ETHER // 100)
    writer.relayed_receive(height, 97, 3 * ETHER // 100)
    chain.record(writer.written)
    generate_history(
        chain,
        BUSY_ADDRESS,
        rng,
        transaction_count=20,
        first_height=CROWDED_BLOCK + 1,
        last_height=SEEDED_LAST_HEIGHT,
        balance_wei=writer.balance_wei,
    )


def _install_relayed(chain: EthereumChain) -> None:
    rng = seeded_random(chain.seed, "ethereum", RELAYED_ADDRESS)
    writer = HistoryWriter(chain, RELAYED_ADDRESS, rng, 0)
    heights = sorted(
        rng.randint(SEEDED_LAST_HEIGHT - 100_000, SEEDED_LAST_HEIGHT)
        for _ in range(RELAYED_PAYMENTS)
    )
    for height in heights:
        writer.relayed_receive(height, rng.randrange(200), int(10 ** rng.uniform(15, 17.5)))
    chain.record(writer.written)


def _install_genesis(chain: EthereumChain) -> None:
    rng = seeded_random(chain.seed, "ethereum", GENESIS_ADDRESS)
    chain.set_genesis_allocation(GENESIS_ADDRESS, GENESIS_ALLOCATION_WEI)
    writer = HistoryWriter(chain, GENESIS_ADDRESS, rng, GENESIS_ALLOCATION_WEI)
    writer.create_contract(46_402, 0, failed=True)
    writer.create_contract(49_157, 0)
    writer.send(307_793, 0, 300 * ETHER)
    writer.failed_call(2_100_000, 4, 0)
    writer.receive(5_000_000, 12, 5 * ETHER)
    writer.send(12_000_000, 80, ETHER)
    chain.record(writer.written)


def _install_whale(chain: EthereumChain) -> None:
    rng = seeded_random(chain.seed, "ethereum", WHALE_ADDRESS)
    writer = HistoryWriter(chain, WHALE_ADDRESS, rng, 10**30)
    sent = writer.send(WHALE_TRANSFER_HEIGHT, 7, BIG_TRANSFER_WEI, recipient=BIG_RECIPIENT_ADDRESS)
    chain.set_genesis_allocation(WHALE_ADDRESS, WHALE_BALANCE_WEI + BIG_TRANSFER_WEI + sent.fee_wei)
    chain.record([sent])


def _install_validator(chain: EthereumChain) -> None:
    rng = seeded_random(chain.seed, "ethereum", VALIDATOR_ADDRESS)
    heights = sorted(
        rng.randint(SHANGHAI_HEIGHT, SEEDED_LAST_HEIGHT) for _ in range(VALIDATOR_WITHDRAWALS)
    )
    for number, height in enumerate(heights):
        # Partial withdrawals of the rewards above 32 ETH; the last one is a full exit.
        gwei = (
            32 * GWEI + rng.randrange(GWEI)
            if number == len(heights) - 1
            else rng.randint(15_000_000, 20_000_000)
        )
        chain.add_withdrawal(VALIDATOR_ADDRESS, gwei, height)
    writer = HistoryWriter(
        chain,
        VALIDATOR_ADDRESS,
        rng,
        sum(w.amount_wei for w in chain.withdrawals(VALIDATOR_ADDRESS, 0, heights[-1])),
    )
    writer.send(heights[-1] + 1, 0, 30 * ETHER)
    chain.record(writer.written)


def _generate_large_history(chain: EthereumChain) -> None:
    generate_history(
        chain,
        LARGE_ADDRESS,
        seeded_random(chain.seed, "ethereum", LARGE_ADDRESS),
        transaction_count=LARGE_ADDRESS_TRANSACTIONS,
        first_height=SEEDED_LAST_HEIGHT - LARGE_ADDRESS_BLOCKS + 1,
        last_height=SEEDED_LAST_HEIGHT,
    )
