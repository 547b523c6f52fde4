"""Solana addresses: base58 (the Bitcoin alphabet) of a 32-byte public key, without checksum."""

from __future__ import annotations

from typing import Final

from addresses import base58
from addresses.syntax import InvalidAddressError, check_address_text

_PUBLIC_KEY_LENGTH: Final = 32


def parse_solana_address(text: str) -> str:
    """The stored form of a Solana address: the address as given, since base58 is
    case-sensitive and every 32-byte key has one encoding.

    Off-curve keys (program-derived addresses, e.g. multisig vaults) are accepted: they hold
    SOL like any other account. Without a checksum a typo yields another valid address.
    """
    check_address_text(text)
    decoded = base58.decode(text)
    if len(decoded) != _PUBLIC_KEY_LENGTH:
        raise InvalidAddressError(
            f"Solana address decodes to {len(decoded)} bytes, not {_PUBLIC_KEY_LENGTH}"
        )
    return text
