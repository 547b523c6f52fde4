"""What every address string must be before a chain looks at it, and the error all checks raise."""

from __future__ import annotations

from typing import Final

MAX_ADDRESS_LENGTH: Final = 90


class InvalidAddressError(ValueError):
    """Raised with a human-readable message saying what is wrong with the address."""


def check_address_text(text: str) -> None:
    """Refuse empty, over-long and whitespace-padded strings and non-ASCII look-alikes."""
    if not text:
        raise InvalidAddressError("Address is empty")
    if len(text) > MAX_ADDRESS_LENGTH:
        raise InvalidAddressError(
            f"Address is {len(text)} characters long; the maximum is {MAX_ADDRESS_LENGTH}"
        )
    for position, char in enumerate(text):
        if char.isspace():
            raise InvalidAddressError(f"Address contains whitespace at position {position}")
        if not 33 <= ord(char) <= 126:
            raise InvalidAddressError(
                f"Address contains invalid character U+{ord(char):04X} at position {position}"
            )


def testnet_error(text: str, chain_label: str) -> InvalidAddressError:
    return InvalidAddressError(
        f"{text} is a testnet address; chain {chain_label} accepts mainnet addresses only"
    )
