"""Bech32 and bech32m segwit address encoding (BIP 173, BIP 350)."""

from __future__ import annotations

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONSTANT = 1
BECH32M_CONSTANT = 0x2BC830A3
GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


class Bech32Error(ValueError):
    """The text is not a valid segwit address for the expected human-readable part."""


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(GENERATOR):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum


def _expand_hrp(hrp: str) -> list[int]:
    return [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    accumulator = 0
    bits = 0
    converted: list[int] = []
    max_value = (1 << to_bits) - 1
    for value in data:
        if value < 0 or value >> from_bits:
            raise Bech32Error("value out of range")
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            converted.append((accumulator >> bits) & max_value)
    if pad:
        if bits:
            converted.append((accumulator << (to_bits - bits)) & max_value)
    elif bits >= from_bits or (accumulator << (to_bits - bits)) & max_value:
        raise Bech32Error("invalid padding")
    return converted


def encode_segwit(hrp: str, witness_version: int, program: bytes) -> str:
    """The address of a witness program: bech32 for version 0, bech32m for later versions."""
    constant = BECH32_CONSTANT if witness_version == 0 else BECH32M_CONSTANT
    data = [witness_version, *_convert_bits(program, 8, 5, pad=True)]
    polymod = _polymod(_expand_hrp(hrp) + data + [0] * 6) ^ constant
    checksum = [(polymod >> 5 * (5 - index)) & 31 for index in range(6)]
    return hrp + "1" + "".join(CHARSET[value] for value in data + checksum)


def decode_segwit(hrp: str, address: str) -> tuple[int, bytes]:
    """The witness version and program of an address; raises Bech32Error if it is invalid."""
    if address.lower() != address and address.upper() != address:
        raise Bech32Error("mixed case")
    text = address.lower()
    separator = text.rfind("1")
    if separator < 1 or separator + 7 > len(text) or len(text) > 90:
        raise Bech32Error("bad length or separator")
    if text[:separator] != hrp:
        raise Bech32Error("wrong human-readable part")
    if any(char not in CHARSET for char in text[separator + 1 :]):
        raise Bech32Error("invalid character")
    data = [CHARSET.index(char) for char in text[separator + 1 :]]
    constant = _polymod(_expand_hrp(hrp) + data)
    if constant not in (BECH32_CONSTANT, BECH32M_CONSTANT):
        raise Bech32Error("bad checksum")
    witness_version = data[0]
    if witness_version > 16:
        raise Bech32Error("bad witness version")
    program = bytes(_convert_bits(data[1:-6], 5, 8, pad=False))
    if not 2 <= len(program) <= 40:
        raise Bech32Error("bad program length")
    if witness_version == 0 and len(program) not in (20, 32):
        raise Bech32Error("bad version 0 program length")
    expected = BECH32_CONSTANT if witness_version == 0 else BECH32M_CONSTANT
    if constant != expected:
        raise Bech32Error("wrong checksum variant for the witness version")
    return witness_version, program
