"""The Python handle tests use to change a simulator and inspect what it was asked."""

from __future__ import annotations

from tools.simulator.chain_admin import ChainAdmin
from tools.simulator.ethereum.admin import EthereumAdmin
from tools.simulator.faults import Fault
from tools.simulator.networks import BITCOIN
from tools.simulator.rate_limit import RateLimit
from tools.simulator.request_log import RequestRecord, peak_rate
from tools.simulator.seeds import SEEDED_ADDRESSES, populate_generated_addresses
from tools.simulator.state import Simulator
from tools.simulator.types import FaultKind, Provider


class SimulatorAdmin(ChainAdmin):
    """Bitcoin's chain, plus the knobs of every provider: keys, prices, rate limits, faults and
    the request log. Thread-safe: call it from tests while the server answers in its own
    thread."""

    def __init__(self, simulator: Simulator) -> None:
        super().__init__(simulator, BITCOIN)
        self.ethereum = EthereumAdmin(simulator)

    @property
    def seed(self) -> int:
        return self._simulator.chain.seed

    @property
    def seeded_addresses(self) -> tuple[str, ...]:
        return SEEDED_ADDRESSES

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
        return len(self.requests(provider, kind))

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
