"""The Python handle for the Ethereum chain and explorers (`sim.admin.ethereum`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tools.simulator.ethereum.chain import EthReorgReport, MinedEthBlock
from tools.simulator.ethereum.model import InternalTransfer, Transfer, TruthEntry
from tools.simulator.ethereum.query import parse_address
from tools.simulator.ethereum.seeds import SEEDED_ADDRESSES
from tools.simulator.state import Simulator

# Who pays the gas of `relayed_payment` transfers, and the contract that pays out.
RELAYER_ADDRESS = "0x1e68238ce926dec62b3fbc99ab06eb1d85ce0270"
RELAY_CONTRACT_ADDRESS = "0x3c69bc9b9681683890ad82953fe67d13cd91d5ee"


def relayed_payment(recipient: str, value_wei: int) -> Transfer:
    """A transfer that pays `recipient` only through an internal call; the relayer pays gas."""
    return Transfer(
        sender=RELAYER_ADDRESS,
        recipient=RELAY_CONTRACT_ADDRESS,
        gas_used=96_000,
        internal=(InternalTransfer(RELAY_CONTRACT_ADDRESS, recipient, value_wei),),
    )


def normalized(address: str) -> str:
    found = parse_address(address)
    if found is None:
        raise ValueError(f"not an Ethereum address: {address!r}")
    return found


def _normalized_transfer(transfer: Transfer) -> Transfer:
    return Transfer(
        sender=normalized(transfer.sender),
        recipient=None if transfer.recipient is None else normalized(transfer.recipient),
        value_wei=transfer.value_wei,
        failed=transfer.failed,
        gas_used=transfer.gas_used,
        gas_price_wei=transfer.gas_price_wei,
        internal=tuple(
            InternalTransfer(normalized(m.sender), normalized(m.recipient), m.value_wei, m.failed)
            for m in transfer.internal
        ),
    )


class EthereumAdmin:
    """Thread-safe, like SimulatorAdmin; faults, rate limits and the request log for the
    `etherscan` and `blockscout` providers stay on SimulatorAdmin."""

    def __init__(self, simulator: Simulator) -> None:
        self._simulator = simulator

    @property
    def seeded_addresses(self) -> tuple[str, ...]:
        return SEEDED_ADDRESSES

    @property
    def tip_height(self) -> int:
        with self._simulator.lock:
            return self._simulator.ethereum.chain.tip_height

    def block_hash(self, height: int) -> str:
        with self._simulator.lock:
            return self._simulator.ethereum.chain.block_hash(height)

    def mine_block(
        self,
        transfers: Iterable[Transfer] = (),
        *,
        withdrawals: Iterable[tuple[str, int]] = (),
    ) -> MinedEthBlock:
        """A block at tip + 1 with the transfers in order, then `(address, amount_gwei)`
        beacon withdrawals."""
        mined = [_normalized_transfer(transfer) for transfer in transfers]
        credited = [(normalized(address), gwei) for address, gwei in withdrawals]
        with self._simulator.lock:
            return self._simulator.ethereum.chain.mine_block(mined, credited)

    def reorg(self, depth: int, transfers: Iterable[Transfer] = ()) -> EthReorgReport:
        """Replace the last `depth` blocks (see EthereumChain.reorganize for what moves)."""
        replacing = [_normalized_transfer(transfer) for transfer in transfers]
        with self._simulator.lock:
            return self._simulator.ethereum.chain.reorganize(depth, replacing)

    def transactions(self, address: str) -> list[TruthEntry]:
        """Every balance change of the address, oldest first: its genesis allocation, each
        transaction's net amount (fees, failures and internal calls counted) and withdrawals."""
        address = normalized(address)
        with self._simulator.lock:
            return self._simulator.ethereum.chain.truth(address)

    def balance_wei(self, address: str) -> int:
        address = normalized(address)
        with self._simulator.lock:
            return self._simulator.ethereum.chain.balance(address)

    def require_etherscan_api_key(self, key: str | None) -> None:
        """Etherscan always refuses keyless calls; with a key, every other key too (None:
        any key is accepted)."""
        with self._simulator.lock:
            self._simulator.ethereum.etherscan_api_key = key

    def set_result_window(self, window: int) -> None:
        """page x offset above it is refused by both explorers (10,000 by default)."""
        if window < 1:
            raise ValueError("the result window holds at least one row")
        with self._simulator.lock:
            self._simulator.ethereum.result_window = window

    def set_etherscan_max_records(self, records: int | None) -> None:
        """Etherscan answers at most this many rows a call (the 2026 free tier: 1,000)."""
        if records is not None and records < 1:
            raise ValueError("max records is at least 1")
        with self._simulator.lock:
            self._simulator.ethereum.etherscan_max_records = records

    def set_blockscout_unprocessed(self, heights: Sequence[int]) -> None:
        """Blocks whose internal transactions Blockscout has not indexed: `txlistinternal`
        over a range holding one answers `status "2"` without their rows; by `txhash`, with
        `result []`. An empty list: everything indexed."""
        with self._simulator.lock:
            self._simulator.ethereum.blockscout_unprocessed = set(heights)
