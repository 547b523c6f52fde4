"""The CashAddr format (bitcoincash.org spec/cashaddr.md): `prefix:payload`, base32 with a
40-bit BCH checksum over the prefix and the payload. Format only; what the version byte and
the prefix mean for Bitcoin Cash is decided in `bitcoin_cash`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from addresses.bech32 import (
    CHARSET,
    bch_polymod,
    convert_5bit_to_8bit,
    convert_8bit_to_5bit,
)
from addresses.syntax import InvalidAddressError

_VALUE_BY_CHAR: Final = {char: value for value, char in enumerate(CHARSET)}
_GENERATOR: Final = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
_CHECKSUM_LENGTH: Final = 8
SEPARATOR: Final = ":"


@dataclass(frozen=True)
class CashAddrPayload:
    prefix: str
    version_byte: int
    # The hash (or, for undefined types, whatever data) after the version byte.
    data: bytes


def decode(text: str, *, default_prefix: str) -> CashAddrPayload:
    """Split, check and decode `text`; `default_prefix` is checked when the text has none."""
    if text != text.lower() and text != text.upper():
        raise InvalidAddressError("Mixed-case CashAddr address; use all lower or all upper case")
    lowered = text.lower()
    if lowered.count(SEPARATOR) > 1:
        raise InvalidAddressError("CashAddr address has more than one prefix")
    prefix, separator, payload = lowered.rpartition(SEPARATOR)
    if not separator:
        prefix = default_prefix
    elif not prefix:
        raise InvalidAddressError("Empty CashAddr prefix before ':'")
    if len(payload) < _CHECKSUM_LENGTH:
        raise InvalidAddressError("CashAddr payload is too short to hold a checksum")
    values = []
    for position, char in enumerate(payload):
        value = _VALUE_BY_CHAR.get(char)
        if value is None:
            raise InvalidAddressError(
                f"Invalid CashAddr character {char!r} at position {position} of the payload"
            )
        values.append(value)
    if polymod([*_prefix_values(prefix), 0, *values]) != 0:
        raise InvalidAddressError(f"Invalid CashAddr checksum for prefix {prefix!r}")
    decoded = convert_5bit_to_8bit(values[:-_CHECKSUM_LENGTH], format_name="CashAddr")
    if not decoded:
        raise InvalidAddressError("CashAddr payload has no version byte")
    return CashAddrPayload(prefix=prefix, version_byte=decoded[0], data=decoded[1:])


def encode(payload: CashAddrPayload) -> str:
    """`prefix:payload` in lower case."""
    values = convert_8bit_to_5bit(bytes([payload.version_byte]) + payload.data)
    residue = polymod([*_prefix_values(payload.prefix), 0, *values, *[0] * _CHECKSUM_LENGTH])
    checksum = [
        (residue >> 5 * (_CHECKSUM_LENGTH - 1 - index)) & 31 for index in range(_CHECKSUM_LENGTH)
    ]
    return payload.prefix + SEPARATOR + "".join(CHARSET[value] for value in values + checksum)


def polymod(values: list[int]) -> int:
    """The spec's PolyMod: 0 for a valid prefix, separator, payload and checksum."""
    return bch_polymod(values, generators=_GENERATOR, width=40) ^ 1


def _prefix_values(prefix: str) -> list[int]:
    return [ord(char) & 31 for char in prefix]
