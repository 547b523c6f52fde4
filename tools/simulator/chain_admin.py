"""The admin handle of one UTXO chain besides Bitcoin (Litecoin, Dogecoin, Bitcoin Cash)."""

from __future__ import annotations

from collections.abc import Sequence

from tools.simulator import operations
from tools.simulator.addresses import normalize_address
from tools.simulator.admin import AddressTransaction
from tools.simulator.chain import Chain
from tools.simulator.coin_seeds import seeded_addresses
from tools.simulator.ledger import MEMPOOL
from tools.simulator.networks import Network
from tools.simulator.operations import MinedBlock, ReorgReport
from tools.simulator.state import Simulator
from tools.simulator.summary import summarize


class ChainAdmin:
    """Like SimulatorAdmin's chain methods, for the chain of `network`; thread-safe."""

    def __init__(self, simulator: Simulator, network: Network) -> None:
        self._simulator = simulator
        self.network = network

    def _chain(self) -> Chain:
        return self._simulator.chain_for(self.network)

    @property
    def seeded_addresses(self) -> tuple[str, ...]:
        return seeded_addresses(self.network)

    @property
    def tip_height(self) -> int:
        with self._simulator.lock:
            return self._chain().tip_height

    def block_hash(self, height: int) -> str:
        with self._simulator.lock:
            return self._chain().block_hash(height)

    def mine_block(
        self, *, address: str | None = None, amounts_sat: Sequence[int] = ()
    ) -> MinedBlock:
        """Confirm the mempool in a new tip block, plus one transaction per amount for
        `address` (negative amounts spend)."""
        with self._simulator.lock:
            return operations.mine_block(self._chain(), address=address, amounts_sat=amounts_sat)

    def add_mempool_transaction(self, address: str, amount_sat: int) -> str:
        with self._simulator.lock:
            return operations.add_payment(self._chain(), address, amount_sat)

    def drop_mempool_transaction(self, txid: str) -> list[str]:
        with self._simulator.lock:
            return operations.drop_mempool_transaction(self._chain(), txid)

    def reorg(self, depth: int) -> ReorgReport:
        with self._simulator.lock:
            return operations.reorganize(self._chain(), depth)

    def mempool_txids(self) -> list[str]:
        with self._simulator.lock:
            chain = self._chain()
            return [chain.ledger.txid(number) for number in chain.mempool]

    def transactions(self, address: str) -> list[AddressTransaction]:
        """The whole history newest first; any spelling of the address (legacy, CashAddr)."""
        with self._simulator.lock:
            chain = self._chain()
            canonical = normalize_address(address, self.network)
            return [
                AddressTransaction(
                    txid=chain.ledger.txid(number),
                    block_height=None
                    if chain.ledger.height(number) == MEMPOOL
                    else chain.ledger.height(number),
                    amount_sat=chain.ledger.net_amount(number, canonical),
                )
                for number in chain.history(canonical).newest_first()
            ]

    def balance_sat(self, address: str) -> int:
        with self._simulator.lock:
            chain = self._chain()
            return summarize(chain, normalize_address(address, self.network)).balance_sat
