"""Every transaction of the simulated chain, stored column by column to stay small."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

MEMPOOL = -1
DROPPED = -2
TXID_BYTES = 32
REINDEX_AFTER = 4096

COINBASE_FLAG = 1
OP_RETURN_FLAG = 2


@dataclass(frozen=True, slots=True)
class Leg:
    """One output paid to, or one input spent by, an address the simulator tracks."""

    address: str
    value_sat: int
    # The vout index of an output or the vin index of an input.
    slot: int
    # For an input: the transaction number and vout of the output it spends.
    spends: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Utxo:
    """An output paid to a tracked address, which the address can spend."""

    number: int
    vout: int
    value_sat: int
    # MEMPOOL while the transaction is unconfirmed.
    height: int


@dataclass(frozen=True, slots=True)
class TransactionDraft:
    """A transaction before it gets a number: tracked legs plus the shape of the rest.

    Inputs and outputs of untracked counterparties are not stored; they are derived from
    the txid when the transaction is rendered, so that their sums fit these totals.
    """

    txid: bytes
    legs: tuple[Leg, ...]
    vin_count: int
    vout_count: int
    fee_sat: int
    counterparty_output_sat: int
    has_op_return: bool = False
    is_coinbase: bool = False
    locktime: int = 0

    def _balance(self) -> tuple[int, int, int]:
        """Tracked input and output counts, and what the untracked inputs must hold so that
        inputs = outputs + fee."""
        tracked_inputs = 0
        tracked_in = 0
        tracked_out = 0
        for leg in self.legs:
            if leg.value_sat <= 0:
                raise ValueError("leg values are positive")
            if leg.spends is None:
                tracked_out += leg.value_sat
            else:
                tracked_inputs += 1
                tracked_in += leg.value_sat
        counterparty_in = (
            0
            if self.is_coinbase
            else tracked_out + self.counterparty_output_sat + self.fee_sat - tracked_in
        )
        return tracked_inputs, len(self.legs) - tracked_inputs, counterparty_in

    def validate(self) -> None:
        """Raise ValueError unless the inputs and outputs can add up."""
        if len(self.txid) != TXID_BYTES:
            raise ValueError("a txid has 32 bytes")
        tracked_inputs, tracked_outputs, counterparty_in = self._balance()
        counterparty_inputs = self.vin_count - tracked_inputs
        counterparty_outputs = self.vout_count - tracked_outputs - self.has_op_return
        if counterparty_inputs < 0 or counterparty_outputs < 0 or self.fee_sat < 0:
            raise ValueError("more tracked legs than inputs or outputs")
        if not self.is_coinbase and counterparty_inputs > counterparty_in:
            raise ValueError("counterparty inputs cannot cover the outputs and fee")
        if counterparty_inputs == 0 and counterparty_in and not self.is_coinbase:
            raise ValueError("inputs and outputs do not balance")
        if counterparty_outputs > self.counterparty_output_sat:
            raise ValueError("counterparty outputs need at least one satoshi each")


class Ledger:
    """Transactions numbered in creation order; numbers never change, heights do."""

    def __init__(self) -> None:
        self._txids = bytearray()
        self._heights = array("i")
        self._first_seen = array("q")
        self._fees = array("q")
        self._counterparty_outputs = array("q")
        self._vin_counts = array("H")
        self._vout_counts = array("H")
        self._flags = array("B")
        self._locktimes = array("I")
        self._leg_starts = array("i", [0])
        self._leg_addresses = array("i")
        # An output's vout index, or -1 - vin index for an input.
        self._leg_slots = array("i")
        self._leg_values = array("q")
        self._leg_spent_numbers = array("i")
        self._leg_spent_vouts = array("i")
        self._address_ids: dict[str, int] = {}
        self._address_names: list[str] = []
        self._index = TxidIndex(self)

    def __len__(self) -> int:
        return len(self._heights)

    def append(self, draft: TransactionDraft, *, height: int, first_seen: int) -> int:
        draft.validate()
        number = len(self._heights)
        self._txids += draft.txid
        self._heights.append(height)
        self._first_seen.append(first_seen)
        self._fees.append(draft.fee_sat)
        self._counterparty_outputs.append(draft.counterparty_output_sat)
        self._vin_counts.append(draft.vin_count)
        self._vout_counts.append(draft.vout_count)
        self._flags.append(
            (COINBASE_FLAG if draft.is_coinbase else 0)
            | (OP_RETURN_FLAG if draft.has_op_return else 0)
        )
        self._locktimes.append(draft.locktime)
        for leg in draft.legs:
            self._leg_addresses.append(self.address_id(leg.address))
            self._leg_values.append(leg.value_sat)
            if leg.spends is None:
                self._leg_slots.append(leg.slot)
                self._leg_spent_numbers.append(-1)
                self._leg_spent_vouts.append(-1)
            else:
                self._leg_slots.append(-1 - leg.slot)
                self._leg_spent_numbers.append(leg.spends[0])
                self._leg_spent_vouts.append(leg.spends[1])
        self._leg_starts.append(len(self._leg_values))
        return number

    def address_id(self, address: str) -> int:
        found = self._address_ids.get(address)
        if found is not None:
            return found
        self._address_ids[address] = len(self._address_names)
        self._address_names.append(address)
        return len(self._address_names) - 1

    def txid_bytes(self, number: int) -> bytes:
        return bytes(self._txids[number * TXID_BYTES : (number + 1) * TXID_BYTES])

    def txid(self, number: int) -> str:
        return self._txids[number * TXID_BYTES : (number + 1) * TXID_BYTES].hex()

    def find(self, txid: str) -> int | None:
        """The number of a transaction by txid, dropped ones included."""
        try:
            raw = bytes.fromhex(txid)
        except ValueError:
            return None
        return self._index.find(raw) if len(raw) == TXID_BYTES else None

    def height(self, number: int) -> int:
        return self._heights[number]

    def set_height(self, number: int, height: int) -> None:
        self._heights[number] = height

    def first_seen(self, number: int) -> int:
        return self._first_seen[number]

    def fee(self, number: int) -> int:
        return self._fees[number]

    def counterparty_output(self, number: int) -> int:
        return self._counterparty_outputs[number]

    def vin_count(self, number: int) -> int:
        return self._vin_counts[number]

    def vout_count(self, number: int) -> int:
        return self._vout_counts[number]

    def is_coinbase(self, number: int) -> bool:
        return bool(self._flags[number] & COINBASE_FLAG)

    def has_op_return(self, number: int) -> bool:
        return bool(self._flags[number] & OP_RETURN_FLAG)

    def locktime(self, number: int) -> int:
        return self._locktimes[number]

    def legs(self, number: int) -> list[Leg]:
        legs: list[Leg] = []
        for position in range(self._leg_starts[number], self._leg_starts[number + 1]):
            slot = self._leg_slots[position]
            address = self._address_names[self._leg_addresses[position]]
            value = self._leg_values[position]
            if slot >= 0:
                legs.append(Leg(address, value, slot))
            else:
                spends = (self._leg_spent_numbers[position], self._leg_spent_vouts[position])
                legs.append(Leg(address, value, -1 - slot, spends))
        return legs

    def addresses(self, number: int) -> list[str]:
        """The tracked addresses a transaction touches, each once, in leg order."""
        ids = self._leg_addresses[self._leg_starts[number] : self._leg_starts[number + 1]]
        return [self._address_names[address_id] for address_id in dict.fromkeys(ids)]

    def outputs_to(self, number: int, address: str) -> list[Utxo]:
        """The outputs of the transaction that pay the address, at its current height."""
        address_id = self._address_ids.get(address)
        height = self._heights[number]
        return [
            Utxo(number, self._leg_slots[position], self._leg_values[position], height)
            for position in range(self._leg_starts[number], self._leg_starts[number + 1])
            if self._leg_addresses[position] == address_id and self._leg_slots[position] >= 0
        ]

    def address_ids(self, addresses: Iterable[str]) -> frozenset[int]:
        """The ids of those addresses that some transaction has touched."""
        return frozenset(
            self._address_ids[address] for address in addresses if address in self._address_ids
        )

    def set_net_amount(self, number: int, address_ids: AbstractSet[int]) -> int:
        """What the transaction adds to (or takes from) a set of addresses together: outputs
        paid to the set less the outputs of the set it spends, outpoint by outpoint."""
        net = 0
        for position in range(self._leg_starts[number], self._leg_starts[number + 1]):
            if self._leg_addresses[position] in address_ids:
                value = self._leg_values[position]
                net += value if self._leg_slots[position] >= 0 else -value
        return net

    def net_amount(self, number: int, address: str) -> int:
        """What the transaction adds to (or, negative, takes from) the address's balance."""
        address_id = self._address_ids.get(address)
        net = 0
        for position in range(self._leg_starts[number], self._leg_starts[number + 1]):
            if self._leg_addresses[position] == address_id:
                value = self._leg_values[position]
                net += value if self._leg_slots[position] >= 0 else -value
        return net


class TxidIndex:
    """Finds transaction numbers by txid with sorted 8-byte prefixes instead of a big dict."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._prefixes = array("Q")
        self._numbers = array("i")
        self._indexed_count = 0
        self._recent: dict[bytes, int] = {}

    def find(self, raw: bytes) -> int | None:
        self._catch_up()
        prefix = int.from_bytes(raw[:8], "big")
        position = bisect_left(self._prefixes, prefix)
        while position < len(self._prefixes) and self._prefixes[position] == prefix:
            number = self._numbers[position]
            if self._ledger.txid_bytes(number) == raw:
                return number
            position += 1
        return self._recent.get(raw)

    def _catch_up(self) -> None:
        known = self._indexed_count + len(self._recent)
        for number in range(known, len(self._ledger)):
            self._recent[self._ledger.txid_bytes(number)] = number
        if len(self._recent) > REINDEX_AFTER:
            self._rebuild()

    def _rebuild(self) -> None:
        count = len(self._ledger)
        prefixes = [
            int.from_bytes(self._ledger.txid_bytes(number)[:8], "big") for number in range(count)
        ]
        order = sorted(range(count), key=prefixes.__getitem__)
        self._prefixes = array("Q", (prefixes[number] for number in order))
        self._numbers = array("i", order)
        self._indexed_count = count
        self._recent = {}
