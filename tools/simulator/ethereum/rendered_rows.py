"""Etherscan's `txlist` and `txlistinternal` rows serialised once per transaction and served
as bytes: the simulator shares the benchmark machine's cores with the worker it serves, and
building and serialising 1,000 rows a page was most of its CPU during a large sync.

A row is rendered again when its transaction changes (a reorg replaces it) or its block's hash
does; a `txlist` row's `confirmations`, which grows with the tip, is spliced in per answer.
The bytes are exactly `orjson.dumps` of the dictionaries `rows` builds."""

from __future__ import annotations

import orjson

from tools.simulator.ethereum import rows
from tools.simulator.ethereum.chain import EthereumChain
from tools.simulator.ethereum.model import EthTransaction

_EMPTY_CONFIRMATIONS = b'"confirmations":""'


class RenderedRows:
    """Guarded by the simulator's lock, like the chain it renders."""

    def __init__(self) -> None:
        # By hash: the transaction rendered, its block's hash then, and the row's bytes
        # before and after the confirmations' digits.
        self._transactions: dict[str, tuple[EthTransaction, str, bytes, bytes]] = {}
        # By (hash, ordinal of the call): the transaction rendered and the row's bytes.
        self._calls: dict[tuple[str, int], tuple[EthTransaction, bytes]] = {}

    def transaction(self, chain: EthereumChain, tx: EthTransaction) -> bytes:
        """`rows.etherscan_transaction(chain, tx)`, serialised."""
        block_hash = chain.block_hash(tx.block_number)
        cached = self._transactions.get(tx.hash)
        if cached is None or cached[0] is not tx or cached[1] != block_hash:
            row = rows.etherscan_transaction(chain, tx)
            row["confirmations"] = ""
            # A key inside a JSON string would have its quotes escaped: this split is the key.
            head, tail = orjson.dumps(row).split(_EMPTY_CONFIRMATIONS, 1)
            cached = (tx, block_hash, head + _EMPTY_CONFIRMATIONS[:-1], b'"' + tail)
            self._transactions[tx.hash] = cached
        confirmations = str(chain.confirmations(tx.block_number)).encode()
        return cached[2] + confirmations + cached[3]

    def internal(self, chain: EthereumChain, tx: EthTransaction, ordinal: int) -> bytes:
        """`rows.etherscan_internal(chain, tx, tx.internal[ordinal])`, serialised."""
        key = (tx.hash, ordinal)
        cached = self._calls.get(key)
        if cached is None or cached[0] is not tx:
            cached = (tx, orjson.dumps(rows.etherscan_internal(chain, tx, tx.internal[ordinal])))
            self._calls[key] = cached
        return cached[1]


def listing_body(status: str, message: str, rendered: list[bytes]) -> bytes:
    """`orjson.dumps({"status": …, "message": …, "result": [rows…]})` from rows serialised
    already."""
    empty = orjson.dumps({"status": status, "message": message, "result": []})
    return empty[:-2] + b",".join(rendered) + b"]}"


ListingQuery = tuple[object, ...]


class ListingAnswers:
    """Whole `txlist` and `txlistinternal` answers by their query, kept while the chain and
    the explorer's knobs stay as they are: a real explorer serves a page asked again from
    its caches, on its own machines. The simulator shares the benchmark machine's two cores
    with the worker it serves, so a page asked again (a benchmark's later runs) costs it a
    look-up, not a page's rendering. Any change of the chain (a block, a reorg, a history
    generated) or of a knob starts afresh. Guarded by the simulator's lock."""

    def __init__(self, *, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._answers: dict[ListingQuery, bytes] = {}
        self._held_bytes = 0
        self._state: object = None

    def get(self, state: object, query: ListingQuery) -> bytes | None:
        """The answer to `query` given while the chain and knobs were `state`, if kept."""
        if state != self._state:
            return None
        return self._answers.get(query)

    def put(self, state: object, query: ListingQuery, body: bytes) -> None:
        if state != self._state or self._held_bytes + len(body) > self.max_bytes:
            self._answers.clear()
            self._held_bytes = 0
            self._state = state
        self._answers[query] = body
        self._held_bytes += len(body)
