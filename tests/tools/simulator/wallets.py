"""Addresses standing for the keychains of test HD wallets."""

from __future__ import annotations

import hashlib

from tools.simulator.addresses import p2wpkh_address
from tools.simulator.networks import BITCOIN, Network


def wallet_addresses(name: str, count: int, network: Network = BITCOIN) -> list[str]:
    """`count` valid P2WPKH addresses standing for one keychain of a test wallet."""
    return [
        p2wpkh_address(hashlib.sha256(f"{name}:{index}".encode()).digest()[:20], network)
        for index in range(count)
    ]
