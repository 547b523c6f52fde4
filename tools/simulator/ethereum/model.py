"""What an Ethereum block holds as the simulator stores it: transactions, their internal
calls and beacon withdrawals; plus the transfers tests ask the admin to mine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GWEI = 10**9
CallKind = Literal["call", "create"]
TruthKind = Literal["genesis", "transaction", "withdrawal"]


@dataclass(frozen=True, slots=True)
class InternalCall:
    """A value move inside a transaction (a trace), from a contract to `recipient`."""

    sender: str
    # The created contract for a `create`.
    recipient: str
    value_wei: int
    # Etherscan's path-like `traceId` ("0_1_1") and Blockscout's flat `index`.
    trace_id: str
    index: int
    kind: CallKind = "call"
    gas: int = 2_300
    gas_used: int = 0
    failed: bool = False
    input: str = ""


@dataclass(frozen=True, slots=True)
class EthTransaction:
    """A mined transaction; `block_number` and `position` change when a reorg moves it."""

    hash: str
    block_number: int
    position: int
    sender: str
    # "" for a contract creation; then `contract_address` is set.
    recipient: str
    value_wei: int
    gas_limit: int
    gas_used: int
    gas_price_wei: int
    failed: bool
    nonce: int
    input: str = "0x"
    contract_address: str = ""
    function_name: str = ""
    internal: tuple[InternalCall, ...] = ()

    @property
    def fee_wei(self) -> int:
        """Charged to the sender whether or not the transaction failed."""
        return self.gas_used * self.gas_price_wei

    @property
    def method_id(self) -> str:
        return self.input[:10] if len(self.input) >= 10 else "0x"

    def addresses(self) -> set[str]:
        """Everything that may see this transaction in its `txlist` or `txlistinternal`."""
        found = {self.sender, self.recipient or self.contract_address}
        for call in self.internal:
            found.update((call.sender, call.recipient))
        found.discard("")
        return found

    def net_amount(self, address: str) -> int:
        """PROVIDERS.md's formula: value moves only when ok, the fee always; internal calls too."""
        ok = not self.failed
        receiver = self.recipient or self.contract_address
        net = 0
        if receiver == address and ok:
            net += self.value_wei
        if self.sender == address:
            net -= self.fee_wei + (self.value_wei if ok else 0)
        for call in self.internal:
            if not ok or call.failed:
                continue
            if call.recipient == address:
                net += call.value_wei
            if call.sender == address:
                net -= call.value_wei
        return net


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A beacon-chain withdrawal: credited to `address` without a transaction."""

    withdrawal_index: int
    validator_index: int
    address: str
    amount_gwei: int
    block_number: int

    @property
    def amount_wei(self) -> int:
        return self.amount_gwei * GWEI


@dataclass(frozen=True, slots=True)
class InternalTransfer:
    """For the admin: value a contract (`sender`) passes on inside a mined transaction."""

    sender: str
    recipient: str
    value_wei: int
    failed: bool = False


@dataclass(frozen=True, slots=True)
class Transfer:
    """For the admin: one transaction to mine. `recipient` None creates a contract. A failed
    transfer moves no value (its internal transfers neither) but still pays its fee."""

    sender: str
    recipient: str | None
    value_wei: int = 0
    failed: bool = False
    gas_used: int = 21_000
    gas_price_wei: int = 20 * GWEI
    internal: tuple[InternalTransfer, ...] = ()


@dataclass(frozen=True, slots=True)
class TruthEntry:
    """One change of an address's balance: a transaction (by hash), its genesis allocation
    (hash `GENESIS_<address>`) or a beacon withdrawal (`withdrawal_index`)."""

    kind: TruthKind
    hash: str | None
    withdrawal_index: int | None
    block_number: int
    amount_wei: int
