"""The admin handle of one UTXO chain (Bitcoin's is SimulatorAdmin; Litecoin, Dogecoin and
Bitcoin Cash have theirs), thread-safe."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tools.simulator import operations, wallet_histories
from tools.simulator.addresses import normalize_address
from tools.simulator.chain import Chain
from tools.simulator.coin_seeds import seeded_addresses
from tools.simulator.ledger import MEMPOOL
from tools.simulator.networks import Network
from tools.simulator.operations import MinedBlock, ReorgReport
from tools.simulator.state import Simulator
from tools.simulator.summary import summarize
from tools.simulator.wallet_histories import WalletHistory


@dataclass(frozen=True, slots=True)
class AddressTransaction:
    """One transaction as an address sees it; `block_height` is None while unconfirmed."""

    txid: str
    block_height: int | None
    amount_sat: int


class ChainAdmin:
    """Mines, reorganizes and reads the chain of `network`; call it from tests while the
    server answers in its own thread."""

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
        """Confirm every mempool transaction in a new block at tip + 1, and add one new
        confirmed transaction to `address` there for each amount (negative amounts spend)."""
        with self._simulator.lock:
            return operations.mine_block(self._chain(), address=address, amounts_sat=amounts_sat)

    def add_mempool_transaction(self, address: str, amount_sat: int) -> str:
        """An unconfirmed transaction changing the address's balance by `amount_sat`."""
        with self._simulator.lock:
            return operations.add_payment(self._chain(), address, amount_sat)

    def drop_mempool_transaction(self, txid: str) -> list[str]:
        """Evict a mempool transaction and its mempool descendants; returns their txids."""
        with self._simulator.lock:
            return operations.drop_mempool_transaction(self._chain(), txid)

    def reorg(self, depth: int) -> ReorgReport:
        """Replace the last `depth` blocks (see operations.reorganize for what moves where)."""
        with self._simulator.lock:
            return operations.reorganize(self._chain(), depth)

    def mempool_txids(self) -> list[str]:
        with self._simulator.lock:
            chain = self._chain()
            return [chain.ledger.txid(number) for number in chain.mempool]

    def transactions(self, address: str) -> list[AddressTransaction]:
        """The address's whole history, newest first, as the providers report it; any
        spelling of the address (bech32 in either case, legacy or CashAddr)."""
        canonical = normalize_address(address, self.network)
        with self._simulator.lock:
            chain = self._chain()
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
        """Including unconfirmed transactions."""
        canonical = normalize_address(address, self.network)
        with self._simulator.lock:
            return summarize(self._chain(), canonical).balance_sat

    def add_wallet_history(
        self,
        receive: Sequence[str],
        change: Sequence[str],
        *,
        used_receive: Sequence[int],
        transactions: int,
        mempool: int = 0,
    ) -> WalletHistory:
        """A history for an HD wallet's addresses (see wallet_histories.generate_wallet_history);
        the same call again returns the first one's result and changes nothing."""
        key = (tuple(receive), tuple(change), tuple(used_receive), transactions, mempool)
        with self._simulator.lock:
            chain = self._chain()
            found = chain.wallet_histories.get(key)
            if found is None:
                found = wallet_histories.generate_wallet_history(
                    chain,
                    receive,
                    change,
                    used_receive=used_receive,
                    transactions=transactions,
                    mempool=mempool,
                )
                chain.wallet_histories[key] = found
            return found

    def pay(
        self,
        from_addresses: Sequence[str],
        to_address: str,
        amount_sat: int,
        change_address: str | None = None,
        *,
        mine: bool,
    ) -> str:
        """One payment spending coins of several addresses at once; `mine=False` leaves it in
        the mempool (`mine_block` confirms it). See wallet_histories.pay."""
        with self._simulator.lock:
            return wallet_histories.pay(
                self._chain(), from_addresses, to_address, amount_sat, change_address, mine=mine
            )

    def net_amounts(self, addresses: Sequence[str]) -> dict[str, int]:
        """The truth for a set of addresses: each transaction touching any of them (newest
        first) with Σ outputs paid to the set minus Σ outputs of the set it spends."""
        with self._simulator.lock:
            return wallet_histories.net_amounts(self._chain(), addresses)
