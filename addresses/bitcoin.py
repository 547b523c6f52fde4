"""Mainnet Bitcoin addresses: Base58Check P2PKH and P2SH, and segwit."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from addresses import base58
from addresses.bech32 import SegwitNetwork, decode_segwit, looks_like_segwit
from addresses.syntax import (
    InvalidAddressError,
    check_address_text,
    testnet_error,
)

_CHAIN_LABEL: Final = "BITCOIN"
_P2PKH_VERSION: Final = 0x00
_P2SH_VERSION: Final = 0x05
_TESTNET_VERSIONS: Final = frozenset({0x6F, 0xC4})
_TAPROOT_PROGRAM_LENGTH: Final = 32

BITCOIN_SEGWIT: Final = SegwitNetwork(
    chain_label=_CHAIN_LABEL,
    mainnet_hrp="bc",
    testnet_hrps=frozenset({"tb", "bcrt"}),
    # First characters produced by the version bytes 0x00, 0x05, 0x6f and 0xc4.
    base58_leading_chars=frozenset("123mn"),
)


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
    check_address_text(text)
    if looks_like_segwit(text, BITCOIN_SEGWIT):
        witness = decode_segwit(text, BITCOIN_SEGWIT)
        kind = _segwit_kind(witness.version, len(witness.program))
        return BitcoinAddress(canonical=text.lower(), kind=kind)
    version, _ = base58.decode_check(text)
    if version == _P2PKH_VERSION:
        return BitcoinAddress(canonical=text, kind=AddressKind.P2PKH)
    if version == _P2SH_VERSION:
        return BitcoinAddress(canonical=text, kind=AddressKind.P2SH)
    if version in _TESTNET_VERSIONS:
        raise testnet_error(text, _CHAIN_LABEL)
    raise InvalidAddressError(f"Unsupported Base58Check version byte 0x{version:02x}")


def _segwit_kind(witness_version: int, program_length: int) -> AddressKind:
    if witness_version == 0:
        return AddressKind.P2WPKH if program_length == 20 else AddressKind.P2WSH
    if witness_version == 1 and program_length == _TAPROOT_PROGRAM_LENGTH:
        return AddressKind.P2TR
    return AddressKind.WITNESS_UNKNOWN
