"""Base58Check encoding of legacy (P2PKH and P2SH) addresses."""

from __future__ import annotations

import hashlib

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class Base58Error(ValueError):
    """The text is not valid Base58Check."""


def _checksum(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def encode_check(payload: bytes) -> str:
    number = int.from_bytes(payload + _checksum(payload), "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = ALPHABET[remainder] + encoded
    leading_zeros = len(payload) - len(payload.lstrip(b"\0"))
    return "1" * leading_zeros + encoded


def decode_check(text: str) -> bytes:
    """The payload (version byte and data) of a Base58Check string."""
    number = 0
    for char in text:
        digit = ALPHABET.find(char)
        if digit < 0:
            raise Base58Error("invalid character")
        number = number * 58 + digit
    leading_ones = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\0" * leading_ones + body
    if len(raw) < 5:
        raise Base58Error("too short")
    payload, checksum = raw[:-4], raw[-4:]
    if _checksum(payload) != checksum:
        raise Base58Error("bad checksum")
    return payload
