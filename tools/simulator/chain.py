"""The simulated chain: blocks up to a tip, per-address histories and the mempool."""

from __future__ import annotations

import hashlib
from array import array
from bisect import insort
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from tools.simulator.deferred import LazyHistories, Memo
from tools.simulator.ledger import DROPPED, MEMPOOL, Ledger, TransactionDraft
from tools.simulator.networks import BITCOIN, Network

if TYPE_CHECKING:
    from tools.simulator.wallet_histories import WalletHistory

GENESIS_TIME = BITCOIN.genesis_time
BLOCK_INTERVAL_SECONDS = BITCOIN.block_interval_seconds
INITIAL_TIP_HEIGHT = BITCOIN.initial_tip_height
BLOCK_HASH_ZERO_PREFIX = "0" * BITCOIN.block_hash_zero_prefix

T = TypeVar("T")


@dataclass(slots=True)
class AddressHistory:
    """One address's transaction numbers: confirmed ones by (height, number), then the mempool."""

    confirmed: array[int] = field(default_factory=lambda: array("i"))
    mempool: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.confirmed) + len(self.mempool)

    def newest_first(self) -> Iterator[int]:
        yield from reversed(self.mempool)
        yield from reversed(self.confirmed)


class Chain:
    """All state a provider answers from; callers hold the simulator's lock while using it."""

    def __init__(self, seed: int, network: Network = BITCOIN) -> None:
        self.seed = seed
        self.network = network
        self.ledger = Ledger()
        self.tip_height = network.initial_tip_height
        # Bumped by every change, so cached summaries know when they are stale.
        self.version = 0
        self._block_generations: dict[int, int] = {}
        self._histories: dict[str, AddressHistory] = {}
        self._mempool: list[int] = []
        self._lazy_histories: LazyHistories[Chain] = LazyHistories()
        self._last_first_seen = 0
        self._memo = Memo()
        # Generated wallet histories by the arguments that made them, so a repeated call
        # returns the same history instead of recording its transactions twice.
        self.wallet_histories: dict[tuple[Any, ...], WalletHistory] = {}

    def block_time(self, height: int) -> int:
        return self.network.genesis_time + self.network.block_interval_seconds * height

    def block_hash(self, height: int) -> str:
        generation = self._block_generations.get(height, 0)
        # Bitcoin keeps the label it always had, so its hashes stay the same.
        label = "" if self.network is BITCOIN else f"{self.network.name}:"
        text = f"{self.seed}:{label}block:{height}:{generation}"
        digest = hashlib.sha256(text.encode()).hexdigest()
        zeros = self.network.block_hash_zero_prefix
        return "0" * zeros + digest[zeros:]

    def replace_block(self, height: int) -> None:
        """Give a block a new hash, as a competing block at the same height would have."""
        self._block_generations[height] = self._block_generations.get(height, 0) + 1
        self.version += 1

    @property
    def tip_time(self) -> int:
        return self.block_time(self.tip_height)

    def transaction_time(self, number: int) -> int:
        """Block time when confirmed, the first-seen time while in the mempool."""
        height = self.ledger.height(number)
        return self.block_time(height) if height >= 0 else self.ledger.first_seen(number)

    def next_first_seen(self) -> int:
        self._last_first_seen = max(self._last_first_seen + 1, self.tip_time + 60)
        return self._last_first_seen

    def register_lazy_history(self, address: str, generate: Callable[[Chain], None]) -> None:
        """Generate an address's history only when something first asks for it."""
        self._lazy_histories.register(address, generate)

    def history(self, address: str) -> AddressHistory:
        self._lazy_histories.materialize(self, address)
        return self._histories.get(address) or AddressHistory()

    def is_known(self, address: str) -> bool:
        return address in self._histories or address in self._lazy_histories

    @property
    def mempool(self) -> list[int]:
        return list(self._mempool)

    def confirmed_at(self, heights: range) -> list[int]:
        """Numbers of the transactions confirmed in these blocks, by (height, number)."""
        found = {
            number
            for history in self._histories.values()
            for number in _tail_at_or_above(history.confirmed, heights.start, self.ledger)
            if self.ledger.height(number) in heights
        }
        return sorted(found, key=lambda number: (self.ledger.height(number), number))

    def record(self, draft: TransactionDraft, height: int) -> int:
        """Add a transaction confirmed at `height`, or to the mempool with MEMPOOL."""
        if height > self.tip_height:
            raise ValueError(f"height {height} is above the tip {self.tip_height}")
        first_seen = self.next_first_seen() if height == MEMPOOL else self.block_time(height)
        number = self.ledger.append(draft, height=height, first_seen=first_seen)
        for address in self.ledger.addresses(number):
            history = self._histories.setdefault(address, AddressHistory())
            if height == MEMPOOL:
                history.mempool.append(number)
            else:
                self._insert_confirmed(history, number)
        if height == MEMPOOL:
            self._mempool.append(number)
        self.version += 1
        return number

    def confirm(self, number: int, height: int) -> None:
        """Move a mempool transaction into the block at `height`."""
        self._mempool.remove(number)
        self.ledger.set_height(number, height)
        for address in self.ledger.addresses(number):
            history = self._histories[address]
            history.mempool.remove(number)
            self._insert_confirmed(history, number)
        self.version += 1

    def move(self, numbers: dict[int, int]) -> None:
        """Set new heights (MEMPOOL for back to the mempool) for confirmed transactions."""
        touched: set[str] = set()
        for number, height in sorted(numbers.items()):
            self.ledger.set_height(number, height)
            touched.update(self.ledger.addresses(number))
            if height == MEMPOOL:
                self._mempool.append(number)
        self._mempool.sort()
        for address in touched:
            history = self._histories[address]
            everything = [*history.confirmed, *history.mempool]
            history.confirmed = array(
                "i",
                sorted(
                    (number for number in everything if self.ledger.height(number) >= 0),
                    key=lambda number: (self.ledger.height(number), number),
                ),
            )
            history.mempool = sorted(
                number for number in everything if self.ledger.height(number) == MEMPOOL
            )
        self.version += 1

    def drop(self, number: int) -> None:
        """Forget a mempool transaction, as a node does after eviction or replacement."""
        self._mempool.remove(number)
        self.ledger.set_height(number, DROPPED)
        for address in self.ledger.addresses(number):
            self._histories[address].mempool.remove(number)
        self.version += 1

    def extend_tip(self) -> int:
        self.tip_height += 1
        self.version += 1
        return self.tip_height

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """A value cached until the chain next changes."""
        return self._memo.get(self.version, key, compute)

    def _insert_confirmed(self, history: AddressHistory, number: int) -> None:
        key = (self.ledger.height(number), number)
        confirmed = history.confirmed
        if not confirmed or (self.ledger.height(confirmed[-1]), confirmed[-1]) < key:
            confirmed.append(number)
        else:
            insort(confirmed, number, key=lambda n: (self.ledger.height(n), n))


def _tail_at_or_above(confirmed: array[int], height: int, ledger: Ledger) -> Iterator[int]:
    for number in reversed(confirmed):
        if ledger.height(number) < height:
            return
        yield number
