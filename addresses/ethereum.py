"""Ethereum addresses: `0x` and 40 hex digits, with the EIP-55 mixed-case checksum."""

from __future__ import annotations

import string
from typing import Final

from Crypto.Hash import keccak

from addresses.syntax import InvalidAddressError, check_address_text

_PREFIX: Final = "0x"
_HEX_DIGITS: Final = 40
_HEX_CHARS: Final = frozenset(string.hexdigits)


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256: the pre-standard padding, so not `hashlib.sha3_256`."""
    return keccak.new(digest_bits=256, data=data).digest()


def parse_ethereum_address(text: str) -> str:
    """The stored form of an Ethereum address: lower case.

    All-lower and all-upper hex carry no checksum and are accepted as they are; mixed case
    must be the EIP-55 form, whose letter cases check the address for typos.
    """
    check_address_text(text)
    if not text.startswith(_PREFIX):
        raise InvalidAddressError("Ethereum addresses start with 0x")
    digits = text[len(_PREFIX) :]
    for position, char in enumerate(digits, start=len(_PREFIX)):
        if char not in _HEX_CHARS:
            raise InvalidAddressError(f"Invalid hex character {char!r} at position {position}")
    if len(digits) != _HEX_DIGITS:
        raise InvalidAddressError(
            f"Ethereum address has {len(digits)} hex digits after 0x; expected {_HEX_DIGITS}"
        )
    canonical = _PREFIX + digits.lower()
    if digits not in (digits.lower(), digits.upper()) and text != checksum_address(canonical):
        raise InvalidAddressError(
            "Address is in mixed case that fails the EIP-55 checksum; check it for typos"
        )
    return canonical


def checksum_address(canonical: str) -> str:
    """The EIP-55 form of a lower-case address: each letter upper-cased where the Keccak-256
    of the lower-case hex text has a nibble of 8 or more."""
    digits = canonical[len(_PREFIX) :].lower()
    digest = keccak256(digits.encode("ascii")).hex()
    return _PREFIX + "".join(
        char.upper() if int(nibble, 16) >= 8 else char
        for char, nibble in zip(digits, digest, strict=False)
    )
