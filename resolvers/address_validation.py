"""Validation and canonicalisation of mainnet Bitcoin addresses (Base58Check and segwit)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

MAX_ADDRESS_LENGTH: Final = 90

_BASE58_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_DIGIT_BY_CHAR: Final = {char: digit for digit, char in enumerate(_BASE58_ALPHABET)}
_BASE58CHECK_DECODED_LENGTH: Final = 25
_BASE58CHECK_CHECKSUM_LENGTH: Final = 4
# First characters produced by the version bytes 0x00, 0x05, 0x6f and 0xc4.
_BASE58_ADDRESS_LEADING_CHARS: Final = frozenset("123mn")

_BECH32_CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUE_BY_CHAR: Final = {char: value for value, char in enumerate(_BECH32_CHARSET)}
_BECH32_GENERATOR: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32_CONSTANT: Final = 1
_BECH32M_CONSTANT: Final = 0x2BC830A3
_BECH32_CHECKSUM_LENGTH: Final = 6

_MAINNET_HRP: Final = "bc"
_TESTNET_HRPS: Final = frozenset({"tb", "bcrt"})
_SEGWIT_PREFIXES: Final = tuple(f"{hrp}1" for hrp in (_MAINNET_HRP, *sorted(_TESTNET_HRPS)))

_MAX_WITNESS_VERSION: Final = 16
_V0_PROGRAM_LENGTHS: Final = frozenset({20, 32})
_MIN_PROGRAM_LENGTH: Final = 2
_MAX_PROGRAM_LENGTH: Final = 40
_TAPROOT_PROGRAM_LENGTH: Final = 32


class InvalidAddressError(ValueError):
    """Raised with a human-readable message saying what is wrong with the address."""


class AddressKind(StrEnum):
    P2PKH = "P2PKH"
    P2SH = "P2SH"
    P2WPKH = "P2WPKH"
    P2WSH = "P2WSH"
    P2TR = "P2TR"
    WITNESS_UNKNOWN = "WITNESS_UNKNOWN"


@dataclass(frozen=True)
class BitcoinAddress:
    canonical: str
    kind: AddressKind


def parse_bitcoin_address(text: str) -> BitcoinAddress:
    """Validate a mainnet Bitcoin address; raise InvalidAddressError saying why it is invalid."""
    if not text:
        raise InvalidAddressError("Address is empty")
    if len(text) > MAX_ADDRESS_LENGTH:
        raise InvalidAddressError(
            f"Address is {len(text)} characters long; the maximum is {MAX_ADDRESS_LENGTH}"
        )
    _reject_non_printable_ascii(text)
    if _looks_like_segwit(text):
        return _parse_segwit_address(text)
    return _parse_base58check_address(text)


def _reject_non_printable_ascii(text: str) -> None:
    for position, char in enumerate(text):
        if char.isspace():
            raise InvalidAddressError(f"Address contains whitespace at position {position}")
        if not 33 <= ord(char) <= 126:
            raise InvalidAddressError(
                f"Address contains invalid character U+{ord(char):04X} at position {position}"
            )


def _looks_like_segwit(text: str) -> bool:
    if text.lower().startswith(_SEGWIT_PREFIXES):
        return True
    if text[0] in _BASE58_ADDRESS_LEADING_CHARS:
        return False
    # Other strings made only of base58 characters (WIF keys, xpubs) get Base58Check errors.
    return any(char not in _BASE58_DIGIT_BY_CHAR for char in text)


def _testnet_error(text: str) -> InvalidAddressError:
    return InvalidAddressError(
        f"{text} is a testnet address; chain BITCOIN accepts mainnet addresses only"
    )


def _parse_base58check_address(text: str) -> BitcoinAddress:
    decoded = _base58_decode(text)
    if len(decoded) != _BASE58CHECK_DECODED_LENGTH:
        raise InvalidAddressError(
            f"Base58Check address decodes to {len(decoded)} bytes; "
            f"expected {_BASE58CHECK_DECODED_LENGTH}"
        )
    payload = decoded[:-_BASE58CHECK_CHECKSUM_LENGTH]
    checksum = decoded[-_BASE58CHECK_CHECKSUM_LENGTH:]
    expected_checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()
    if checksum != expected_checksum[:_BASE58CHECK_CHECKSUM_LENGTH]:
        raise InvalidAddressError("Base58Check checksum mismatch")
    version = payload[0]
    if version == 0x00:
        return BitcoinAddress(canonical=text, kind=AddressKind.P2PKH)
    if version == 0x05:
        return BitcoinAddress(canonical=text, kind=AddressKind.P2SH)
    if version in (0x6F, 0xC4):
        raise _testnet_error(text)
    raise InvalidAddressError(f"Unsupported Base58Check version byte 0x{version:02x}")


def _base58_decode(text: str) -> bytes:
    number = 0
    for position, char in enumerate(text):
        digit = _BASE58_DIGIT_BY_CHAR.get(char)
        if digit is None:
            raise InvalidAddressError(f"Invalid base58 character {char!r} at position {position}")
        number = number * 58 + digit
    # Each leading '1' encodes a leading zero byte, which the integer value cannot carry.
    leading_zero_bytes = len(text) - len(text.lstrip("1"))
    return bytes(leading_zero_bytes) + number.to_bytes((number.bit_length() + 7) // 8, "big")


def _parse_segwit_address(text: str) -> BitcoinAddress:
    if text != text.lower() and text != text.upper():
        raise InvalidAddressError("Mixed-case bech32 address")
    canonical = text.lower()
    separator_index = canonical.rfind("1")
    if separator_index == -1:
        raise InvalidAddressError("Missing bech32 separator '1'")
    if separator_index == 0:
        raise InvalidAddressError("Empty bech32 human-readable part")
    hrp = canonical[:separator_index]
    data_part = canonical[separator_index + 1 :]
    if hrp != _MAINNET_HRP and hrp not in _TESTNET_HRPS:
        raise InvalidAddressError(
            f"Unknown address prefix {hrp!r}; BITCOIN segwit addresses start with bc1"
        )
    if len(data_part) < _BECH32_CHECKSUM_LENGTH:
        raise InvalidAddressError("Bech32 checksum is too short")
    values = []
    for position, char in enumerate(data_part, start=separator_index + 1):
        value = _BECH32_VALUE_BY_CHAR.get(char)
        if value is None:
            raise InvalidAddressError(f"Invalid bech32 character {char!r} at position {position}")
        values.append(value)

    checksum_residue = _bech32_polymod([*_bech32_hrp_expand(hrp), *values])
    if checksum_residue not in (_BECH32_CONSTANT, _BECH32M_CONSTANT):
        raise InvalidAddressError("Invalid bech32 checksum")
    words = values[:-_BECH32_CHECKSUM_LENGTH]
    if not words:
        raise InvalidAddressError("Empty bech32 data section")
    witness_version = words[0]
    if witness_version > _MAX_WITNESS_VERSION:
        raise InvalidAddressError(f"Invalid witness version {witness_version}")
    program = _convert_5bit_to_8bit(words[1:])
    if not _MIN_PROGRAM_LENGTH <= len(program) <= _MAX_PROGRAM_LENGTH:
        raise InvalidAddressError(
            f"Witness program length is {len(program)}; "
            f"expected {_MIN_PROGRAM_LENGTH} to {_MAX_PROGRAM_LENGTH} bytes"
        )
    if witness_version == 0 and len(program) not in _V0_PROGRAM_LENGTHS:
        raise InvalidAddressError(
            f"Witness v0 program length is {len(program)}; expected 20 or 32 bytes"
        )
    # Checked last, as in the BIP-350 reference decoder, so that other defects are reported
    # with the reasons the BIPs give for them.
    if witness_version == 0 and checksum_residue != _BECH32_CONSTANT:
        raise InvalidAddressError("Witness v0 address must use a bech32 checksum, not bech32m")
    if witness_version > 0 and checksum_residue != _BECH32M_CONSTANT:
        raise InvalidAddressError(
            f"Witness v{witness_version} address must use a bech32m checksum, not bech32"
        )
    if hrp in _TESTNET_HRPS:
        raise _testnet_error(text)
    return BitcoinAddress(canonical=canonical, kind=_segwit_kind(witness_version, len(program)))


def _segwit_kind(witness_version: int, program_length: int) -> AddressKind:
    if witness_version == 0:
        return AddressKind.P2WPKH if program_length == 20 else AddressKind.P2WSH
    if witness_version == 1 and program_length == _TAPROOT_PROGRAM_LENGTH:
        return AddressKind.P2TR
    return AddressKind.WITNESS_UNKNOWN


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp]


def _bech32_polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top_bits = checksum >> 25
        checksum = ((checksum & 0x1FFFFFF) << 5) ^ value
        for bit_index, generator in enumerate(_BECH32_GENERATOR):
            if (top_bits >> bit_index) & 1:
                checksum ^= generator
    return checksum


def _convert_5bit_to_8bit(words: list[int]) -> bytes:
    accumulator = 0
    pending_bits = 0
    program = bytearray()
    for word in words:
        accumulator = ((accumulator << 5) | word) & 0xFFF
        pending_bits += 5
        if pending_bits >= 8:
            pending_bits -= 8
            program.append((accumulator >> pending_bits) & 0xFF)
    if pending_bits >= 5:
        raise InvalidAddressError("Bech32 data has more than 4 bits of padding")
    if accumulator & ((1 << pending_bits) - 1):
        raise InvalidAddressError("Bech32 data has non-zero padding")
    return bytes(program)
