"""CashAddr, Bitcoin Cash's address format (bitcoincash.org spec/cashaddr.md)."""

from __future__ import annotations

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
GENERATORS = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
CHECKSUM_LENGTH = 8
P2PKH_TYPE = 0
P2SH_TYPE = 1
# CashTokens' token-aware types carry the same hash as the plain ones.
TOKEN_AWARE_TYPES = {2: P2PKH_TYPE, 3: P2SH_TYPE}


class CashAddrError(ValueError):
    """Not a valid CashAddr for the expected prefix."""


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 35
        checksum = ((checksum & 0x07FFFFFFFF) << 5) ^ value
        for bit, generator in enumerate(GENERATORS):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum ^ 1


def _prefix_values(prefix: str) -> list[int]:
    return [ord(char) & 31 for char in prefix] + [0]


def _convert_bits(data: list[int], from_bits: int, to_bits: int, *, pad: bool) -> list[int]:
    accumulator = 0
    bits = 0
    converted: list[int] = []
    mask = (1 << to_bits) - 1
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            converted.append((accumulator >> bits) & mask)
    if pad and bits:
        converted.append((accumulator << (to_bits - bits)) & mask)
    elif not pad and (bits >= from_bits or (accumulator << (to_bits - bits)) & mask):
        raise CashAddrError("invalid padding")
    return converted


def encode(prefix: str, address_type: int, hash_bytes: bytes) -> str:
    """`prefix:payload` for a 20-byte hash (size bits 0)."""
    if len(hash_bytes) != 20:
        raise CashAddrError("only 160-bit hashes are supported")
    payload = _convert_bits([address_type << 3, *hash_bytes], 8, 5, pad=True)
    checksum = _polymod(_prefix_values(prefix) + payload + [0] * CHECKSUM_LENGTH)
    symbols = [(checksum >> 5 * (CHECKSUM_LENGTH - 1 - index)) & 31 for index in range(8)]
    return prefix + ":" + "".join(CHARSET[value] for value in payload + symbols)


def decode(text: str, prefix: str) -> tuple[int, bytes]:
    """(P2PKH_TYPE or P2SH_TYPE, hash) of a CashAddr with or without the expected prefix."""
    if text.lower() != text and text.upper() != text:
        raise CashAddrError("mixed case")
    lowered = text.lower()
    given_prefix, separator, payload_text = lowered.rpartition(":")
    if separator and given_prefix != prefix:
        raise CashAddrError("wrong prefix")
    values = [CHARSET.find(char) for char in payload_text]
    if len(values) <= CHECKSUM_LENGTH or min(values) < 0:
        raise CashAddrError("invalid characters")
    if _polymod(_prefix_values(prefix) + values) != 0:
        raise CashAddrError("bad checksum")
    payload = _convert_bits(values[:-CHECKSUM_LENGTH], 5, 8, pad=False)
    version, hash_bytes = payload[0], bytes(payload[1:])
    address_type = version >> 3
    address_type = TOKEN_AWARE_TYPES.get(address_type, address_type)
    if version & 7 != 0 or len(hash_bytes) != 20 or address_type not in (P2PKH_TYPE, P2SH_TYPE):
        raise CashAddrError("unsupported version")
    return address_type, hash_bytes
