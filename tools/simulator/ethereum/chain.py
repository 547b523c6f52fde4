"""The simulated Ethereum chain: mined blocks up to a tip, per-address indexes, the truth."""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from tools.simulator.deferred import LazyHistories, Memo
from tools.simulator.ethereum.model import (
    EthTransaction,
    InternalCall,
    InternalTransfer,
    Transfer,
    TruthEntry,
    Withdrawal,
)

GENESIS_TIME = 1_438_269_973
BLOCK_SECONDS = 12
INITIAL_TIP_HEIGHT = 21_500_000
# Receipts carry no status before Byzantium: `txreceipt_status` is "" there.
BYZANTIUM_HEIGHT = 4_370_000
MAX_REORG_DEPTH = 100
FIRST_WITHDRAWAL_INDEX = 20_000_000
CREATION_INPUT = "0x6080604052348015600f57600080fd5b50603f80601d6000396000f3fe"

T = TypeVar("T")
# One internal call: the hash of its transaction and the call's place in `internal`.
InternalKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class MinedEthBlock:
    height: int
    hash: str
    transaction_hashes: tuple[str, ...]
    withdrawal_indexes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EthReorgReport:
    old_block_hashes: dict[int, str]
    new_block_hashes: dict[int, str]
    # Every transaction of the replaced blocks: its new height, or None when it was dropped.
    transactions: dict[str, int | None]
    mined: tuple[str, ...]


def derived_hex(*parts: object, length: int = 64) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:length]


class EthereumChain:
    """All Ethereum state the two explorers answer from; callers hold the simulator's lock.

    Only tracked addresses (seeded ones and those named in mined transfers) are indexed; the
    random counterparties of generated histories look unused."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.tip_height = INITIAL_TIP_HEIGHT
        self.version = 0
        self._generations: dict[int, int] = {}
        # By (height, generation): every row of a block repeats its hash.
        self._block_hashes: dict[tuple[int, int], str] = {}
        self._by_hash: dict[str, EthTransaction] = {}
        self._blocks: dict[int, list[str]] = {}
        self._normal: dict[str, list[str]] = {}
        self._internal: dict[str, list[InternalKey]] = {}
        self._withdrawals: dict[str, list[Withdrawal]] = {}
        self._block_withdrawals: dict[int, list[Withdrawal]] = {}
        self._genesis: dict[str, int] = {}
        self._tracked: set[str] = set()
        self._lazy: LazyHistories[EthereumChain] = LazyHistories()
        self._nonces: dict[str, int] = {}
        self._mined_count = 0
        self._withdrawal_count = FIRST_WITHDRAWAL_INDEX
        self._memo = Memo()

    # Blocks

    def block_time(self, height: int) -> int:
        return GENESIS_TIME + BLOCK_SECONDS * height

    def block_hash(self, height: int) -> str:
        key = (height, self._generations.get(height, 0))
        found = self._block_hashes.get(key)
        if found is None:
            found = "0x" + derived_hex(self.seed, "eth-block", *key)
            self._block_hashes[key] = found
        return found

    def block_at_time(self, timestamp: int, closest: str) -> int | None:
        """The block mined at `timestamp`, or the closest one `before` or `after` it within
        the chain (None: none that side)."""
        offset = timestamp - GENESIS_TIME
        height = offset // BLOCK_SECONDS if closest == "before" else -(-offset // BLOCK_SECONDS)
        if closest == "before":
            return None if height < 0 else min(height, self.tip_height)
        return None if height > self.tip_height else max(height, 0)

    def confirmations(self, height: int) -> int:
        return self.tip_height - height + 1

    # Addresses and what they hold

    def track(self, address: str) -> None:
        self._tracked.add(address)

    def register_lazy_history(
        self, address: str, generate: Callable[[EthereumChain], None]
    ) -> None:
        """Generate an address's history only when something first asks for it."""
        self._tracked.add(address)
        self._lazy.register(address, generate)

    def _materialize(self, address: str) -> None:
        self._lazy.materialize(self, address)

    def set_genesis_allocation(self, address: str, value_wei: int) -> None:
        self._tracked.add(address)
        self._genesis[address] = value_wei
        self.version += 1

    def genesis_allocation(self, address: str) -> int | None:
        return self._genesis.get(address)

    def next_nonce(self, address: str) -> int:
        nonce = self._nonces.get(address, 0)
        self._nonces[address] = nonce + 1
        return nonce

    def transaction(self, transaction_hash: str) -> EthTransaction | None:
        return self._by_hash.get(transaction_hash)

    def indexed_transaction(self, transaction_hash: str) -> EthTransaction:
        """A transaction an address index names (`normal_hashes`): always stored."""
        return self._by_hash[transaction_hash]

    def transactions_in(self, height: int) -> list[EthTransaction]:
        found = [self._by_hash[h] for h in self._blocks.get(height, ())]
        return sorted(found, key=lambda tx: tx.position)

    def normal_hashes(self, address: str, start: int, end: int) -> list[str]:
        """The hashes of the address's `txlist` rows (genesis apart) in blocks start..end,
        oldest first; callers look up only the page they answer with."""
        self._materialize(address)
        hashes = self._normal.get(address, [])
        lookup = self._by_hash

        def block(transaction_hash: str) -> int:
            return lookup[transaction_hash].block_number

        low = bisect_left(hashes, start, key=block)
        high = bisect_right(hashes, end, key=block)
        return hashes[low:high]

    def internal_keys(self, address: str, start: int, end: int) -> list[InternalKey]:
        """The address's `txlistinternal` rows in blocks start..end, oldest first, as keys
        for `internal_call`."""
        self._materialize(address)
        keys = self._internal.get(address, [])
        lookup = self._by_hash

        def block(key: InternalKey) -> int:
            return lookup[key[0]].block_number

        low = bisect_left(keys, start, key=block)
        high = bisect_right(keys, end, key=block)
        return keys[low:high]

    def internal_call(self, key: InternalKey) -> tuple[EthTransaction, InternalCall]:
        transaction_hash, ordinal = key
        tx = self._by_hash[transaction_hash]
        return tx, tx.internal[ordinal]

    def withdrawals(self, address: str, start: int, end: int) -> list[Withdrawal]:
        self._materialize(address)
        return [w for w in self._withdrawals.get(address, []) if start <= w.block_number <= end]

    def truth(self, address: str) -> list[TruthEntry]:
        """Every change of the address's balance, oldest first, as PROVIDERS.md computes it."""
        self._materialize(address)
        return self.memo(("truth", address), lambda: self._truth(address))

    def balance(self, address: str) -> int:
        return self.memo(
            ("balance", address), lambda: sum(entry.amount_wei for entry in self.truth(address))
        )

    def _truth(self, address: str) -> list[TruthEntry]:
        entries: list[tuple[tuple[int, int, int], TruthEntry]] = []
        genesis = self._genesis.get(address)
        if genesis is not None:
            entry = TruthEntry("genesis", f"GENESIS_{address[2:]}", None, 0, genesis)
            entries.append(((0, -1, 0), entry))
        hashes = dict.fromkeys(
            [*self._normal.get(address, []), *(h for h, _ in self._internal.get(address, []))]
        )
        for transaction_hash in hashes:
            tx = self._by_hash[transaction_hash]
            entry = TruthEntry(
                "transaction", tx.hash, None, tx.block_number, tx.net_amount(address)
            )
            entries.append(((tx.block_number, 0, tx.position), entry))
        for withdrawal in self._withdrawals.get(address, []):
            entry = TruthEntry(
                "withdrawal",
                None,
                withdrawal.withdrawal_index,
                withdrawal.block_number,
                withdrawal.amount_wei,
            )
            entries.append(((withdrawal.block_number, 1, withdrawal.withdrawal_index), entry))
        entries.sort(key=lambda pair: pair[0])
        return [entry for _, entry in entries]

    # Changes

    def record(self, transactions: Iterable[EthTransaction]) -> None:
        """Add mined transactions; `record` many at once when generating long histories."""
        touched: set[str] = set()
        for tx in transactions:
            if tx.block_number > self.tip_height:
                raise ValueError(f"height {tx.block_number} is above the tip {self.tip_height}")
            self._by_hash[tx.hash] = tx
            self._blocks.setdefault(tx.block_number, []).append(tx.hash)
            # Known once the block is, as on a real chain: listings do not hash per row.
            self.block_hash(tx.block_number)
            for address in {tx.sender, tx.recipient or tx.contract_address} & self._tracked:
                self._normal.setdefault(address, []).append(tx.hash)
                touched.add(address)
            for ordinal, call in enumerate(tx.internal):
                for address in {call.sender, call.recipient} & self._tracked:
                    self._internal.setdefault(address, []).append((tx.hash, ordinal))
                    touched.add(address)
        self._sort(touched)
        self.version += 1

    def add_withdrawal(self, address: str, amount_gwei: int, height: int) -> Withdrawal:
        if amount_gwei <= 0:
            raise ValueError("a withdrawal credits a positive amount of Gwei")
        self._tracked.add(address)
        withdrawal = Withdrawal(
            withdrawal_index=self._withdrawal_count,
            validator_index=int(derived_hex(self.seed, "validator", address, length=5), 16),
            address=address,
            amount_gwei=amount_gwei,
            block_number=height,
        )
        self._withdrawal_count += 1
        self._withdrawals.setdefault(address, []).append(withdrawal)
        self._withdrawals[address].sort(key=lambda w: (w.block_number, w.withdrawal_index))
        self._block_withdrawals.setdefault(height, []).append(withdrawal)
        self.version += 1
        return withdrawal

    def build(self, transfer: Transfer, height: int, position: int) -> EthTransaction:
        """A transaction for an admin transfer, with a fresh hash and the sender's next nonce."""
        if transfer.value_wei < 0 or transfer.gas_used < 0 or transfer.gas_price_wei < 0:
            raise ValueError("values, gas and gas prices are not negative")
        self._mined_count += 1
        transaction_hash = "0x" + derived_hex(self.seed, "eth-mined", self._mined_count)
        creation = transfer.recipient is None
        for address in (transfer.sender, transfer.recipient):
            if address is not None:
                self._tracked.add(address)
        internal: list[InternalCall] = []
        for ordinal, move in enumerate(transfer.internal, start=1):
            internal.append(_internal_call(move, ordinal))
            self._tracked.update((move.sender, move.recipient))
        return EthTransaction(
            hash=transaction_hash,
            block_number=height,
            position=position,
            sender=transfer.sender,
            recipient=transfer.recipient or "",
            value_wei=transfer.value_wei,
            gas_limit=transfer.gas_used if transfer.gas_used == 21_000 else transfer.gas_used * 2,
            gas_used=transfer.gas_used,
            gas_price_wei=transfer.gas_price_wei,
            failed=transfer.failed,
            nonce=self.next_nonce(transfer.sender),
            input=CREATION_INPUT if creation else ("0xd0e30db0" if transfer.internal else "0x"),
            contract_address="0x" + derived_hex(transaction_hash, "created", length=40)
            if creation
            else "",
            function_name="deposit()" if transfer.internal and not creation else "",
            internal=tuple(internal),
        )

    def mine_block(
        self, transfers: Iterable[Transfer] = (), withdrawals: Iterable[tuple[str, int]] = ()
    ) -> MinedEthBlock:
        """A new block at tip + 1 holding the transfers in order, then the withdrawals."""
        transfers = list(transfers)
        withdrawals = list(withdrawals)
        self.tip_height += 1
        height = self.tip_height
        mined = [
            self.build(transfer, height, position) for position, transfer in enumerate(transfers)
        ]
        self.record(mined)
        credited = [self.add_withdrawal(address, gwei, height) for address, gwei in withdrawals]
        return MinedEthBlock(
            height=height,
            hash=self.block_hash(height),
            transaction_hashes=tuple(tx.hash for tx in mined),
            withdrawal_indexes=tuple(w.withdrawal_index for w in credited),
        )

    def reorganize(self, depth: int, transfers: Iterable[Transfer] = ()) -> EthReorgReport:
        """Replace the last `depth` blocks. Their transactions, in (height, position) order, by
        position: the 1st, 4th, … stay at their height; the 2nd, 5th, … move one block up (or
        stay, at the tip); the 3rd, 6th, … are dropped (back to a mempool no explorer lists).
        `transfers` are then mined into the new tip block. Withdrawals stay where they were."""
        if not 1 <= depth <= MAX_REORG_DEPTH:
            raise ValueError(f"depth must be between 1 and {MAX_REORG_DEPTH}")
        heights = range(self.tip_height - depth + 1, self.tip_height + 1)
        old_hashes = {height: self.block_hash(height) for height in heights}
        for height in heights:
            self._generations[height] = self._generations.get(height, 0) + 1
        affected = [tx for height in heights for tx in self.transactions_in(height)]
        self._forget(affected)
        outcome: dict[str, int | None] = {}
        # (new height, moved in, rank): those staying keep their order ahead of those moved in.
        kept: list[tuple[int, bool, int, EthTransaction]] = []
        for rank, tx in enumerate(affected):
            if rank % 3 == 2:
                outcome[tx.hash] = None
                continue
            height = tx.block_number if rank % 3 == 0 else min(tx.block_number + 1, self.tip_height)
            outcome[tx.hash] = height
            kept.append((height, height != tx.block_number, rank, tx))
        placed: list[EthTransaction] = []
        next_position: dict[int, int] = {}
        for height, _, _, tx in sorted(kept, key=lambda item: item[:3]):
            position = next_position.get(height, 0)
            next_position[height] = position + 1
            placed.append(replace(tx, block_number=height, position=position))
        tip_position = next_position.get(self.tip_height, 0)
        mined = [
            self.build(transfer, self.tip_height, tip_position + offset)
            for offset, transfer in enumerate(transfers)
        ]
        self.record([*placed, *mined])
        return EthReorgReport(
            old_block_hashes=old_hashes,
            new_block_hashes={height: self.block_hash(height) for height in heights},
            transactions=outcome,
            mined=tuple(tx.hash for tx in mined),
        )

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """A value cached until the chain next changes."""
        return self._memo.get(self.version, key, compute)

    def _forget(self, transactions: list[EthTransaction]) -> None:
        gone = {tx.hash for tx in transactions}
        touched: set[str] = set()
        for tx in transactions:
            del self._by_hash[tx.hash]
            self._blocks[tx.block_number].remove(tx.hash)
            touched.update(tx.addresses() & self._tracked)
        for address in touched:
            if address in self._normal:
                self._normal[address] = [h for h in self._normal[address] if h not in gone]
            if address in self._internal:
                self._internal[address] = [k for k in self._internal[address] if k[0] not in gone]
        self.version += 1

    def _sort(self, addresses: set[str]) -> None:
        lookup = self._by_hash
        for address in addresses:
            if address in self._normal:
                self._normal[address].sort(
                    key=lambda h: (lookup[h].block_number, lookup[h].position)
                )
            if address in self._internal:
                self._internal[address].sort(
                    key=lambda k: (lookup[k[0]].block_number, lookup[k[0]].position, k[1])
                )


def _internal_call(move: InternalTransfer, ordinal: int) -> InternalCall:
    if move.value_wei < 0:
        raise ValueError("internal values are not negative")
    return InternalCall(
        sender=move.sender,
        recipient=move.recipient,
        value_wei=move.value_wei,
        trace_id=f"0_{ordinal}",
        index=ordinal,
        failed=move.failed,
    )
