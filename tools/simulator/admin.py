"""The Python handle tests use to change a simulator and inspect what it was asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tools.simulator import operations
from tools.simulator.addresses import normalize_address
from tools.simulator.ethereum.admin import EthereumAdmin
from tools.simulator.faults import Fault
from tools.simulator.ledger import MEMPOOL
from tools.simulator.operations import MinedBlock, ReorgReport
from tools.simulator.rate_limit import RateLimit
from tools.simulator.request_log import RequestRecord, peak_rate
from tools.simulator.seeds import SEEDED_ADDRESSES, populate_generated_addresses
from tools.simulator.state import Simulator
from tools.simulator.summary import summarize
from tools.simulator.types import FaultKind, Provider


@dataclass(frozen=True, slots=True)
class AddressTransaction:
    """One transaction as an address sees it; `block_height` is None while unconfirmed."""

    txid: str
    block_height: int | None
    amount_sat: int


class SimulatorAdmin:
    """Thread-safe: call it from tests while the server answers in its own thread."""

    def __init__(self, simulator: Simulator) -> None:
        self._simulator = simulator
        self.ethereum = EthereumAdmin(simulator)

    @property
    def seed(self) -> int:
        return self._simulator.chain.seed

    @property
    def seeded_addresses(self) -> tuple[str, ...]:
        return SEEDED_ADDRESSES

    @property
    def tip_height(self) -> int:
        with self._simulator.lock:
            return self._simulator.chain.tip_height

    def block_hash(self, height: int) -> str:
        with self._simulator.lock:
            return self._simulator.chain.block_hash(height)

    def mine_block(
        self, *, address: str | None = None, amounts_sat: Sequence[int] = ()
    ) -> MinedBlock:
        """Confirm every mempool transaction in a new block at tip + 1, and add one new
        confirmed transaction to `address` there for each amount (negative amounts spend)."""
        with self._simulator.lock:
            return operations.mine_block(
                self._simulator.chain, address=address, amounts_sat=amounts_sat
            )

    def add_mempool_transaction(self, address: str, amount_sat: int) -> str:
        """An unconfirmed transaction changing the address's balance by `amount_sat`."""
        with self._simulator.lock:
            return operations.add_payment(self._simulator.chain, address, amount_sat)

    def drop_mempool_transaction(self, txid: str) -> list[str]:
        """Evict a mempool transaction and its mempool descendants; returns their txids."""
        with self._simulator.lock:
            return operations.drop_mempool_transaction(self._simulator.chain, txid)

    def reorg(self, depth: int) -> ReorgReport:
        """Replace the last `depth` blocks (see operations.reorganize for what moves where)."""
        with self._simulator.lock:
            return operations.reorganize(self._simulator.chain, depth)

    def mempool_txids(self) -> list[str]:
        with self._simulator.lock:
            chain = self._simulator.chain
            return [chain.ledger.txid(number) for number in chain.mempool]

    def transactions(self, address: str) -> list[AddressTransaction]:
        """The address's whole history, newest first, as the providers report it."""
        address = normalize_address(address)
        with self._simulator.lock:
            chain = self._simulator.chain
            return [
                AddressTransaction(
                    txid=chain.ledger.txid(number),
                    block_height=None
                    if chain.ledger.height(number) == MEMPOOL
                    else chain.ledger.height(number),
                    amount_sat=chain.ledger.net_amount(number, address),
                )
                for number in chain.history(address).newest_first()
            ]

    def balance_sat(self, address: str) -> int:
        """Including unconfirmed transactions."""
        address = normalize_address(address)
        with self._simulator.lock:
            return summarize(self._simulator.chain, address).balance_sat

    def add_generated_addresses(self, count: int, transactions_each: int) -> list[str]:
        """The seed's first `count` generated addresses, each given `transactions_each`
        confirmed transactions unless it already has a history."""
        with self._simulator.lock:
            return populate_generated_addresses(self._simulator.chain, count, transactions_each)

    def set_market_price(self, usd: int) -> None:
        with self._simulator.lock:
            self._simulator.market_price_usd = usd

    def require_api_key(self, key: str | None) -> None:
        """With a key, Blockchair answers keyless calls 430 and wrong keys 402; None: no key."""
        with self._simulator.lock:
            self._simulator.api_key = key

    def set_rate_limit(
        self,
        provider: Provider,
        requests: int | None,
        *,
        per_seconds: float = 1.0,
        blockchair_status: int = 435,
    ) -> None:
        """At most `requests` calls per client (IP, or Blockchair key) in any `per_seconds`;
        over it Blockchair answers `blockchair_status` (429 or 435), Esplora an HTML 429.
        None removes the limit."""
        limit = None if requests is None else RateLimit(requests, per_seconds, blockchair_status)
        self._simulator.rate_limiter.configure(provider, limit)

    def inject_fault(
        self,
        provider: Provider,
        kind: FaultKind,
        *,
        count: int = 1,
        status: int | None = None,
        delay_seconds: float = 30.0,
        path_contains: str | None = None,
    ) -> None:
        """Make the next `count` matching calls of the provider fail (see faults.Fault)."""
        self._simulator.faults.add(
            provider,
            Fault(
                kind=kind,
                count=count,
                status=status,
                delay_seconds=delay_seconds,
                path_contains=path_contains,
            ),
        )

    def clear_faults(self) -> None:
        self._simulator.faults.clear()

    def requests(
        self, provider: Provider | None = None, kind: str | None = None
    ) -> list[RequestRecord]:
        return self._simulator.request_log.records(provider, kind)

    def request_count(self, provider: Provider | None = None, kind: str | None = None) -> int:
        return len(self._simulator.request_log.records(provider, kind))

    def peak_request_rate(
        self,
        provider: Provider | None = None,
        kind: str | None = None,
        *,
        window_seconds: float = 1.0,
    ) -> int:
        """The most calls that arrived within any `window_seconds`."""
        return peak_rate(self.requests(provider, kind), window_seconds)

    def reset_counters(self) -> None:
        self._simulator.request_log.reset()
