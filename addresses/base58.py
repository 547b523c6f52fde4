"""Base58 and Base58Check decoding, and whose version byte a Base58Check address carries."""

from __future__ import annotations

import hashlib
from typing import Final

from addresses.syntax import InvalidAddressError, testnet_error

ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_DIGIT_BY_CHAR: Final = {char: digit for digit, char in enumerate(ALPHABET)}
_DECODED_LENGTH: Final = 25
_CHECKSUM_LENGTH: Final = 4
# Wallet import format (WIF): a version byte, the 32-byte secret, 0x01 when its public key is
# compressed. Bitcoin and Bitcoin Cash, Litecoin, Dogecoin, testnet, Dogecoin's testnet.
_WIF_VERSIONS: Final = frozenset({0x80, 0xB0, 0x9E, 0xEF, 0xF1})
_WIF_LENGTHS: Final = frozenset({1 + 32 + _CHECKSUM_LENGTH, 1 + 32 + 1 + _CHECKSUM_LENGTH})
WIF_TEXT_LENGTHS: Final = frozenset({51, 52})
PRIVATE_KEY_MESSAGE: Final = (
    "This is a private key (WIF), not an address: it spends the coins. Never paste it anywhere;"
    " paste the address, or the wallet's extended public key"
)

# Every version byte an address of a chain we know can carry, so that an address of one chain
# pasted under another is refused by name rather than as an unknown byte.
KNOWN_VERSION_BYTES: Final = {
    0x00: "the P2PKH version of Bitcoin and Bitcoin Cash (1…)",
    0x05: "the P2SH version of Bitcoin, Bitcoin Cash and Litecoin (3…)",
    0x30: "Litecoin's P2PKH version (L…)",
    0x32: "Litecoin's P2SH version (M…)",
    0x1E: "Dogecoin's P2PKH version (D…)",
    0x16: "Dogecoin's P2SH version (9… or A…)",
    0x6F: "the testnet P2PKH version of Bitcoin and Litecoin (m… or n…)",
    0xC4: "the testnet P2SH version of Bitcoin, Litecoin and Dogecoin (2…)",
    0x3A: "Litecoin's testnet P2SH version (Q…)",
    0x71: "Dogecoin's testnet P2PKH version (n…)",
}


def is_base58(text: str) -> bool:
    return all(char in _DIGIT_BY_CHAR for char in text)


def decode(text: str) -> bytes:
    number = 0
    for position, char in enumerate(text):
        digit = _DIGIT_BY_CHAR.get(char)
        if digit is None:
            raise InvalidAddressError(f"Invalid base58 character {char!r} at position {position}")
        number = number * 58 + digit
    # Each leading '1' encodes a leading zero byte, which the integer value cannot carry.
    leading_zero_bytes = len(text) - len(text.lstrip("1"))
    return bytes(leading_zero_bytes) + number.to_bytes((number.bit_length() + 7) // 8, "big")


def decode_check(text: str) -> tuple[int, bytes]:
    """The version byte and the 20-byte hash of a Base58Check address."""
    decoded = decode(text)
    if _is_wif(decoded):
        raise InvalidAddressError(PRIVATE_KEY_MESSAGE)
    if len(decoded) != _DECODED_LENGTH:
        raise InvalidAddressError(
            f"Base58Check address decodes to {len(decoded)} bytes; expected {_DECODED_LENGTH}"
        )
    payload = decoded[:-_CHECKSUM_LENGTH]
    checksum = decoded[-_CHECKSUM_LENGTH:]
    expected_checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()
    if checksum != expected_checksum[:_CHECKSUM_LENGTH]:
        raise InvalidAddressError("Base58Check checksum mismatch")
    return payload[0], payload[1:]


def _is_wif(decoded: bytes) -> bool:
    """A private key's shape, checksum or not: a mistyped private key is still one."""
    return len(decoded) in _WIF_LENGTHS and decoded[0] in _WIF_VERSIONS


def foreign_version_error(version: int, chain_name: str) -> InvalidAddressError:
    """The error for a version byte `chain_name` does not use."""
    owner = KNOWN_VERSION_BYTES.get(version)
    if owner is None:
        return InvalidAddressError(f"Unsupported Base58Check version byte 0x{version:02x}")
    return InvalidAddressError(
        f"Not a {chain_name} address: version byte 0x{version:02x} is {owner}"
    )


def decode_versioned(
    text: str,
    *,
    mainnet: frozenset[int],
    testnet: frozenset[int],
    chain_label: str,
    chain_name: str,
) -> str:
    """`text` when it is a Base58Check address with one of the chain's `mainnet` versions; a
    testnet address or another chain's is refused, naming which it is."""
    version, _ = decode_check(text)
    if version in mainnet:
        return text
    if version in testnet:
        raise testnet_error(text, chain_label)
    raise foreign_version_error(version, chain_name)
