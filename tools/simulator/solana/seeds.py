"""Solana's seeded addresses and their histories, derived from the seed."""

from __future__ import annotations

from functools import partial
from random import Random

from tools.simulator.seeded_random import seeded_random
from tools.simulator.solana.cluster import (
    BASE_FEE_LAMPORTS,
    ERRORS,
    INITIAL_SLOT,
    LEGACY,
    Cluster,
    Draft,
    Leg,
    Role,
)

SOLANA_LARGE_ADDRESS = "4DSvDhff8RyWmRsNEtV3utXbbgvHuMPbE1hfdJXeWzyy"
SOLANA_BUSY_ADDRESS = "7cug3npLBkHbpj3Z9DdSZWHMHdb8hzcHFudCNEJyfWMT"
SOLANA_V0_ADDRESS = "9qrDHSXbTxJgJYcDqjkKT9kG2yJCdggBkMFAWJWAayZF"
SOLANA_FAILED_ADDRESS = "6cF5WNR7ywSwuAJYRdDPaZNxWFhvxQ9N9SqeUouz3gEo"
SOLANA_SENDER_ADDRESS = "FUnHwZMC8GUPyHvQvR6ko5rTdZGkMM33MpUgkddzH6r"
SOLANA_RECEIVER_ADDRESS = "3fUGAaW7To4u2q2aZqsMaFQD6mnLFwi97Y6bvnvAnH8q"
SOLANA_UNUSED_ADDRESS = "9unSyzJPJMuKX5nEfWu6jfreCNFdpD25onEhzU8W41hM"
SOLANA_SEEDED_ADDRESSES = (
    SOLANA_LARGE_ADDRESS,
    SOLANA_BUSY_ADDRESS,
    SOLANA_V0_ADDRESS,
    SOLANA_FAILED_ADDRESS,
    SOLANA_SENDER_ADDRESS,
    SOLANA_RECEIVER_ADDRESS,
    SOLANA_UNUSED_ADDRESS,
)

SOLANA_LARGE_SIGNATURES = 40_000
SOLANA_BUSY_SIGNATURES = 2_500
SOLANA_V0_SIGNATURES = 30
SOLANA_FAILED_SIGNATURES = 24
SOLANA_TRANSFERS = 5
# Histories end below the start tip, so mined slots always come after them.
LAST_SEEDED_SLOT = INITIAL_SLOT - 100
LAMPORTS_PER_SOL = 1_000_000_000


def random_fee(rng: Random) -> int:
    """The base fee for one signature, plus a priority fee most of the time."""
    return BASE_FEE_LAMPORTS + (rng.randint(1, 40_000) if rng.random() < 0.7 else 0)


def random_lamports(rng: Random) -> int:
    return int(10 ** rng.uniform(5.0, 10.5))


def next_draft(
    rng: Random,
    address: str,
    balance: int,
    *,
    failed_share: float,
    v0_share: float,
    v0_loaded: bool = False,
) -> Draft:
    """One transaction touching `address`: a receive, a send, a failed attempt it paid for,
    someone else's failed transaction, or a read-only appearance."""
    signature = rng.randbytes(64)
    fee = random_fee(rng)
    version = 0 if rng.random() < v0_share else LEGACY
    writable = (
        Role.LOADED_WRITABLE
        if version == 0 and (v0_loaded or rng.random() < 0.5)
        else Role.WRITABLE
    )
    readonly = Role.LOADED_READONLY if version == 0 else Role.READONLY
    roll = rng.random()
    if roll < failed_share:
        error = rng.randrange(1, len(ERRORS))
        if balance >= fee and rng.random() < 0.7:
            return Draft(signature, (Leg(address, Role.PAYER, -fee),), fee, version, error)
        return Draft(signature, (Leg(address, writable, 0),), fee, version, error)
    roll = rng.random()
    if roll < 0.08:
        return Draft(signature, (Leg(address, readonly, 0),), fee, version)
    if roll < 0.12 and balance >= fee:
        memo = f"[{rng.randint(10, 40)}] Blockchain monitor reward"
        return Draft(signature, (Leg(address, Role.PAYER, -fee),), fee, version, memo=memo)
    if roll < 0.55 and balance > fee + 1_000:
        sweep = rng.random() < 0.1
        amount = balance - fee if sweep else rng.randint(1_000, balance - fee)
        return Draft(signature, (Leg(address, Role.PAYER, -(amount + fee)),), fee, version)
    return Draft(signature, (Leg(address, writable, random_lamports(rng)),), fee, version)


def generate_history(
    cluster: Cluster,
    address: str,
    *,
    count: int,
    first_slot: int,
    last_slot: int,
    failed_share: float,
    v0_share: float,
    v0_loaded: bool = False,
) -> None:
    rng = seeded_random(cluster.seed, "solana", address)
    slots = sorted(rng.randint(first_slot, last_slot) for _ in range(count))
    for slot in slots:
        draft = next_draft(
            rng,
            address,
            cluster.balance(address),
            failed_share=failed_share,
            v0_share=v0_share,
            v0_loaded=v0_loaded,
        )
        cluster.record(draft, slot)


# Generated histories: address, signatures, how many slots below LAST_SEEDED_SLOT they start,
# failed share, v0 share, v0 with the address loaded, generated on first use (else at start).
_GENERATED_HISTORIES: tuple[tuple[str, int, int, float, float, bool, bool], ...] = (
    (SOLANA_LARGE_ADDRESS, SOLANA_LARGE_SIGNATURES, 40_000_000, 0.3, 0.4, False, True),
    (SOLANA_BUSY_ADDRESS, SOLANA_BUSY_SIGNATURES, 5_000_000, 0.2, 0.3, False, True),
    (SOLANA_V0_ADDRESS, SOLANA_V0_SIGNATURES, 200_000, 0.1, 1.0, True, False),
    (SOLANA_FAILED_ADDRESS, SOLANA_FAILED_SIGNATURES, 200_000, 0.6, 0.2, False, False),
)


def install_seeded_histories(cluster: Cluster) -> None:
    """Small histories now; the large and busy ones when first asked for."""
    for address, count, slots, failed_share, v0_share, v0_loaded, lazy in _GENERATED_HISTORIES:
        generate = partial(
            generate_history,
            address=address,
            count=count,
            first_slot=LAST_SEEDED_SLOT - slots,
            last_slot=LAST_SEEDED_SLOT,
            failed_share=failed_share,
            v0_share=v0_share,
            v0_loaded=v0_loaded,
        )
        if lazy:
            cluster.register_lazy_history(address, generate)
        else:
            generate(cluster)
    _install_transfers(cluster)


def _install_transfers(cluster: Cluster) -> None:
    """The sender is funded once, then pays the receiver in legacy System transfers; both
    histories hold the same signatures."""
    rng = seeded_random(cluster.seed, "solana", SOLANA_SENDER_ADDRESS)
    slot = LAST_SEEDED_SLOT - 50_000
    funding = Draft(
        rng.randbytes(64),
        (Leg(SOLANA_SENDER_ADDRESS, Role.WRITABLE, 25 * LAMPORTS_PER_SOL),),
        random_fee(rng),
    )
    cluster.record(funding, slot)
    for _ in range(SOLANA_TRANSFERS):
        slot += rng.randint(50, 5_000)
        fee = BASE_FEE_LAMPORTS
        amount = rng.randint(LAMPORTS_PER_SOL // 10, 3 * LAMPORTS_PER_SOL)
        draft = Draft(
            rng.randbytes(64),
            (
                Leg(SOLANA_SENDER_ADDRESS, Role.PAYER, -(amount + fee)),
                Leg(SOLANA_RECEIVER_ADDRESS, Role.WRITABLE, amount),
            ),
            fee,
        )
        cluster.record(draft, slot)
