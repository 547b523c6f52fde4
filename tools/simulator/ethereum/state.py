"""The Ethereum part of the simulator's state: the chain and the explorers' knobs."""

from __future__ import annotations

from collections import deque

from tools.simulator.ethereum.chain import EthereumChain
from tools.simulator.ethereum.rendered_rows import ListingAnswers, RenderedRows
from tools.simulator.ethereum.seeds import install_seeded_histories

RESULT_WINDOW = 10_000
# Etherscan throttles a client for this long after too many bad keys within it.
INVALID_KEY_WINDOW_SECONDS = 30.0
INVALID_KEYS_ALLOWED = 5


class InvalidKeyTracker:
    """Etherscan: over five bad keys from one IP in 30 s blocks its keyed calls for 30 s."""

    def __init__(self) -> None:
        self._attempts: dict[str, deque[float]] = {}

    def add(self, client: str, now: float) -> None:
        self._attempts.setdefault(client, deque()).append(now)

    def throttled(self, client: str, now: float) -> bool:
        attempts = self._attempts.get(client)
        if not attempts:
            return False
        while attempts and now - attempts[0] >= INVALID_KEY_WINDOW_SECONDS:
            attempts.popleft()
        return len(attempts) > INVALID_KEYS_ALLOWED


class EthereumState:
    """Guarded by the simulator's lock, like the Bitcoin chain."""

    def __init__(self, *, seed: int = 0, etherscan_api_key: str | None = None) -> None:
        self.chain = EthereumChain(seed)
        install_seeded_histories(self.chain)
        # Etherscan refuses keyless calls always; with a key set, every other key too.
        self.etherscan_api_key = etherscan_api_key
        # page x offset above it: "Result window is too large" (both explorers).
        self.result_window = RESULT_WINDOW
        # At most this many rows in one Etherscan answer (the 2026 free tier: 1,000).
        self.etherscan_max_records: int | None = None
        # Blocks whose internal transactions Blockscout has not indexed yet (status "2").
        self.blockscout_unprocessed: set[int] = set()
        self.invalid_keys = InvalidKeyTracker()
        # Etherscan's rows as served, serialised once each.
        self.rendered_rows = RenderedRows()
        # Etherscan's whole listings as served, by query, while nothing changes.
        self.listing_answers = ListingAnswers()
