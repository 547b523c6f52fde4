"""The Python handle tests use to add Solana transactions and read each address's truth."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tools.simulator.solana.cluster import BASE_FEE_LAMPORTS, LEGACY, Cluster, Draft, Leg, Role
from tools.simulator.solana.keys import check_address, encode
from tools.simulator.solana.seeds import SOLANA_SEEDED_ADDRESSES
from tools.simulator.state import Simulator


@dataclass(frozen=True, slots=True)
class SolanaTransfer:
    """A transaction for `address`: positive lamports arrive, negative ones leave (the
    address then pays the fee too). A failed one moves nothing but the payer's fee. With a
    `counterparty` the other side is tracked as well; `loaded` puts the non-paying tracked
    address among a v0 transaction's loaded writable addresses."""

    address: str
    lamports: int
    counterparty: str | None = None
    failed: bool = False
    version: Literal["legacy", 0] = "legacy"
    loaded: bool = False
    fee: int = BASE_FEE_LAMPORTS


@dataclass(frozen=True, slots=True)
class MinedSlot:
    slot: int
    signatures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SolanaAddressTransaction:
    """One signature as the address sees it: `lamports` is post - pre at its account index,
    the fee included when it paid (also when the transaction failed)."""

    signature: str
    slot: int
    block_time: int
    lamports: int
    fee: int
    failed: bool
    version: Literal["legacy", 0]
    fee_payer: bool


def transfer_draft(cluster: Cluster, transfer: SolanaTransfer, signature: bytes) -> Draft:
    if transfer.lamports == 0:
        raise ValueError("lamports must not be 0")
    if transfer.loaded and transfer.version != 0:
        raise ValueError("only v0 transactions load addresses")
    check_address(transfer.address)
    amount = abs(transfer.lamports)
    fee = transfer.fee
    error = 1 if transfer.failed else 0
    paid = -fee if transfer.failed else -(amount + fee)
    received = 0 if transfer.failed else amount
    receiver_role = Role.LOADED_WRITABLE if transfer.loaded else Role.WRITABLE
    if transfer.lamports < 0:
        legs = [Leg(transfer.address, Role.PAYER, paid)]
        if transfer.counterparty is not None:
            legs.append(Leg(check_address(transfer.counterparty), receiver_role, received))
    else:
        legs = [Leg(transfer.address, receiver_role, received)]
        if transfer.counterparty is not None:
            legs.insert(0, Leg(check_address(transfer.counterparty), Role.PAYER, paid))
    version = LEGACY if transfer.version == "legacy" else 0
    return Draft(signature, tuple(legs), fee, version, error)


class SolanaAdmin:
    """Thread-safe; there is no drop or reorg: the cluster serves finalized transactions."""

    def __init__(self, simulator: Simulator) -> None:
        self._simulator = simulator

    @property
    def seeded_addresses(self) -> tuple[str, ...]:
        return SOLANA_SEEDED_ADDRESSES

    @property
    def tip_slot(self) -> int:
        with self._simulator.lock:
            return self._simulator.solana.tip_slot

    def mine_slot(self, transfers: Sequence[SolanaTransfer] = (), *, slots: int = 1) -> MinedSlot:
        """Advance the tip by `slots` and put the transfers in the new tip slot, in order;
        nothing changes if one of them cannot be paid."""
        with self._simulator.lock:
            cluster = self._simulator.solana
            drafts = []
            for position, transfer in enumerate(transfers):
                seed_text = f"{cluster.seed}:solana:mined:{cluster.tip_slot}:{position}:{transfer}"
                signature = hashlib.sha512(seed_text.encode()).digest()
                drafts.append(transfer_draft(cluster, transfer, signature))
            _check_balances(cluster, drafts)
            slot = cluster.advance(slots)
            for draft in drafts:
                cluster.record(draft, slot)
            return MinedSlot(slot, tuple(encode(draft.signature) for draft in drafts))

    def transactions(self, address: str) -> list[SolanaAddressTransaction]:
        """Every signature of the address, newest first, with its true lamport change."""
        check_address(address)
        with self._simulator.lock:
            cluster = self._simulator.solana
            found = []
            for entry in cluster.newest_first(address):
                leg = next(leg for leg in entry.legs if leg.address == address)
                found.append(
                    SolanaAddressTransaction(
                        signature=encode(entry.signature),
                        slot=entry.slot,
                        block_time=cluster.block_time(entry.slot),
                        lamports=leg.lamports,
                        fee=entry.fee,
                        failed=entry.error != 0,
                        version="legacy" if entry.version == LEGACY else 0,
                        fee_payer=leg.role == Role.PAYER,
                    )
                )
            return found

    def signature_count(self, address: str) -> int:
        with self._simulator.lock:
            return len(self._simulator.solana.history(check_address(address)))

    def balance_lamports(self, address: str) -> int:
        with self._simulator.lock:
            return self._simulator.solana.balance(check_address(address))


def _check_balances(cluster: Cluster, drafts: list[Draft]) -> None:
    balances: dict[str, int] = {}
    for draft in drafts:
        draft.validate()
        for leg in draft.legs:
            balance = balances.get(leg.address, cluster.balance(leg.address)) + leg.lamports
            if balance < 0:
                raise ValueError(f"{leg.address} cannot pay {-leg.lamports} lamports")
            balances[leg.address] = balance
