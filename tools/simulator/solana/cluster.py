"""The simulated Solana cluster: finalized transactions, per-address signature lists, balances.

Only the addresses the simulator tracks are stored, with their lamport change in each
transaction; fillers (counterparties, programs, lookup tables) are derived from the signature
when a transaction is rendered, so that every transaction conserves lamports less its fee.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import IntEnum

from tools.simulator.deferred import LazyHistories

SIGNATURE_BYTES = 64
LEGACY = -1
# Slot 350,000,000 came in August 2024; slots last about 0.4 s.
INITIAL_SLOT = 350_000_000
GENESIS_TIME = 1_584_368_940
BASE_FEE_LAMPORTS = 5_000
# One slot in this many is skipped, so the block height trails the slot.
SKIPPED_SLOT_EVERY = 12


class Role(IntEnum):
    """Where a tracked address sits in a transaction's account list."""

    PAYER = 0
    WRITABLE = 1
    READONLY = 2
    LOADED_WRITABLE = 3
    LOADED_READONLY = 4


# Failure reasons as `err` shows them; index 0 is success.
ERRORS: tuple[object, ...] = (
    None,
    {"InstructionError": [0, {"Custom": 1}]},
    {"InstructionError": [3, {"Custom": 6003}]},
    {"InstructionError": [2, {"Custom": 6004}]},
    {"InsufficientFundsForRent": {"account_index": 1}},
)


@dataclass(frozen=True, slots=True)
class Leg:
    address: str
    role: Role
    # post - pre for this address; a failed transaction only moves the payer's fee.
    lamports: int


@dataclass(frozen=True, slots=True)
class Draft:
    signature: bytes
    legs: tuple[Leg, ...]
    fee: int
    version: int = LEGACY
    error: int = 0
    memo: str | None = None

    def validate(self) -> None:
        if len(self.signature) != SIGNATURE_BYTES:
            raise ValueError("a signature has 64 bytes")
        if self.fee < BASE_FEE_LAMPORTS:
            raise ValueError("the fee is at least 5000 lamports")
        if not 0 <= self.error < len(ERRORS):
            raise ValueError("unknown error kind")
        payers = [leg for leg in self.legs if leg.role == Role.PAYER]
        if len(payers) > 1:
            raise ValueError("one fee payer")
        if len({leg.address for leg in self.legs}) != len(self.legs):
            raise ValueError("an address appears once")
        for leg in self.legs:
            if self.version == LEGACY and leg.role >= Role.LOADED_WRITABLE:
                raise ValueError("legacy transactions have no loaded addresses")
            readonly = leg.role in (Role.READONLY, Role.LOADED_READONLY)
            if (readonly or self.error) and leg.role != Role.PAYER and leg.lamports:
                raise ValueError("read-only accounts and failed transactions move no lamports")
            if leg.role == Role.PAYER:
                if self.error and leg.lamports != -self.fee:
                    raise ValueError("a failed transaction costs its payer the fee, no more")
                if leg.lamports > -self.fee:
                    raise ValueError("the payer pays at least the fee")


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored transaction."""

    number: int
    signature: bytes
    slot: int
    fee: int
    version: int
    error: int
    memo: str | None
    legs: tuple[Leg, ...]
    # The tracked addresses' balances before the transaction, in leg order.
    pre_balances: tuple[int, ...]


class Cluster:
    """Callers hold the simulator's lock."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.tip_slot = INITIAL_SLOT
        self._entries: list[Entry] = []
        self._numbers: dict[bytes, int] = {}
        self._histories: dict[str, array[int]] = {}
        self._balances: dict[str, int] = {}
        self._lazy: LazyHistories[Cluster] = LazyHistories()

    @staticmethod
    def block_time(slot: int) -> int:
        return GENESIS_TIME + slot * 2 // 5

    @property
    def block_height(self) -> int:
        return self.tip_slot - self.tip_slot // SKIPPED_SLOT_EVERY

    def register_lazy_history(self, address: str, generate: Callable[[Cluster], None]) -> None:
        self._lazy.register(address, generate)

    def _materialize(self, address: str) -> None:
        self._lazy.materialize(self, address)

    def history(self, address: str) -> array[int]:
        """Transaction numbers, oldest first by (slot, number)."""
        self._materialize(address)
        return self._histories.get(address, array("i"))

    def balance(self, address: str) -> int:
        self._materialize(address)
        return self._balances.get(address, 0)

    def is_known(self, address: str) -> bool:
        return address in self._histories or address in self._lazy

    def entry(self, number: int) -> Entry:
        return self._entries[number]

    def find(self, signature: bytes) -> Entry | None:
        number = self._numbers.get(signature)
        return None if number is None else self._entries[number]

    def record(self, draft: Draft, slot: int) -> Entry:
        """Add a finalized transaction; each tracked address's balance must cover its change."""
        draft.validate()
        if slot > self.tip_slot:
            raise ValueError(f"slot {slot} is above the tip {self.tip_slot}")
        if draft.signature in self._numbers:
            raise ValueError("duplicate signature")
        pre_balances = []
        for leg in draft.legs:
            balance = self.balance(leg.address)
            if balance + leg.lamports < 0:
                raise ValueError(
                    f"{leg.address} holds {balance} lamports, cannot pay {-leg.lamports}"
                )
            pre_balances.append(balance)
        entry = Entry(
            number=len(self._entries),
            signature=draft.signature,
            slot=slot,
            fee=draft.fee,
            version=draft.version,
            error=draft.error,
            memo=draft.memo,
            legs=draft.legs,
            pre_balances=tuple(pre_balances),
        )
        self._entries.append(entry)
        self._numbers[draft.signature] = entry.number
        for leg in draft.legs:
            self._balances[leg.address] = self._balances.get(leg.address, 0) + leg.lamports
            history = self._histories.setdefault(leg.address, array("i"))
            if not history or self._key(history[-1]) < (slot, entry.number):
                history.append(entry.number)
            else:
                insort(history, entry.number, key=self._key)
        return entry

    def _key(self, number: int) -> tuple[int, int]:
        return (self._entries[number].slot, number)

    def newest_first(
        self, address: str, *, before: Entry | None = None, until: Entry | None = None
    ) -> Iterator[Entry]:
        """The address's transactions newer-to-older, strictly between `until` and `before`."""
        history = self.history(address)
        end = len(history)
        if before is not None:
            end = bisect_left(history, (before.slot, before.number), key=self._key)
        stop_key = None if until is None else (until.slot, until.number)
        for position in range(end - 1, -1, -1):
            number = history[position]
            if stop_key is not None and self._key(number) <= stop_key:
                return
            yield self._entries[number]

    def advance(self, slots: int = 1) -> int:
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.tip_slot += slots
        return self.tip_slot
