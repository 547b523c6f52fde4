"""Base58 public keys (32 bytes) and signatures (64 bytes), as Solana spells them."""

from __future__ import annotations

from tools.simulator.base58 import ALPHABET

PUBKEY_BYTES = 32
SIGNATURE_BYTES = 64
_DIGITS = {char: value for value, char in enumerate(ALPHABET)}


class InvalidKey(ValueError):
    """Not base58, or not the expected number of bytes."""


def encode(raw: bytes) -> str:
    number = int.from_bytes(raw, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(ALPHABET[remainder])
    leading_zeros = len(raw) - len(raw.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def decode(text: str, size: int) -> bytes:
    number = 0
    for char in text:
        digit = _DIGITS.get(char)
        if digit is None:
            raise InvalidKey(text)
        number = number * 58 + digit
    leading_ones = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\0" * leading_ones + body
    if len(raw) != size:
        raise InvalidKey(text)
    return raw


def check_address(text: str) -> str:
    """The address itself if it decodes to 32 bytes; there is no checksum to verify."""
    decode(text, PUBKEY_BYTES)
    return text
