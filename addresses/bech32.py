"""Segwit addresses (BIP-173 bech32 for witness v0, BIP-350 bech32m for v1 and later) of
any chain that has them, told apart by their human-readable part."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from addresses.base58 import is_base58
from addresses.syntax import InvalidAddressError, testnet_error

CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_VALUE_BY_CHAR: Final = {char: value for value, char in enumerate(CHARSET)}
_GENERATOR: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32_CONSTANT: Final = 1
_BECH32M_CONSTANT: Final = 0x2BC830A3
_CHECKSUM_LENGTH: Final = 6

_MAX_WITNESS_VERSION: Final = 16
_V0_PROGRAM_LENGTHS: Final = frozenset({20, 32})
_MIN_PROGRAM_LENGTH: Final = 2
_MAX_PROGRAM_LENGTH: Final = 40


@dataclass(frozen=True)
class SegwitNetwork:
    # The chain as the error messages name it: "BITCOIN", "LITECOIN".
    chain_label: str
    mainnet_hrp: str
    testnet_hrps: frozenset[str]
    # First characters of this chain's Base58Check addresses, mainnet and testnet.
    base58_leading_chars: frozenset[str]

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(f"{hrp}1" for hrp in (self.mainnet_hrp, *sorted(self.testnet_hrps)))


@dataclass(frozen=True)
class WitnessProgram:
    version: int
    program: bytes


def looks_like_segwit(text: str, network: SegwitNetwork) -> bool:
    if text.lower().startswith(network.prefixes):
        return True
    if text[0] in network.base58_leading_chars:
        return False
    # Other strings made only of base58 characters (WIF keys, xpubs) get Base58Check errors.
    return not is_base58(text)


def decode_segwit(text: str, network: SegwitNetwork) -> WitnessProgram:
    """The witness program of a mainnet segwit address; raise InvalidAddressError saying why
    the address is not one. The canonical form of a valid address is `text.lower()`."""
    if text != text.lower() and text != text.upper():
        raise InvalidAddressError("Mixed-case bech32 address")
    lowered = text.lower()
    separator_index = lowered.rfind("1")
    if separator_index == -1:
        raise InvalidAddressError("Missing bech32 separator '1'")
    if separator_index == 0:
        raise InvalidAddressError("Empty bech32 human-readable part")
    hrp = lowered[:separator_index]
    data_part = lowered[separator_index + 1 :]
    if hrp != network.mainnet_hrp and hrp not in network.testnet_hrps:
        raise InvalidAddressError(
            f"Unknown address prefix {hrp!r}; {network.chain_label} segwit addresses start"
            f" with {network.mainnet_hrp}1"
        )
    if len(data_part) < _CHECKSUM_LENGTH:
        raise InvalidAddressError("Bech32 checksum is too short")
    values = []
    for position, char in enumerate(data_part, start=separator_index + 1):
        value = _VALUE_BY_CHAR.get(char)
        if value is None:
            raise InvalidAddressError(f"Invalid bech32 character {char!r} at position {position}")
        values.append(value)

    checksum_residue = _polymod([*_hrp_expand(hrp), *values])
    if checksum_residue not in (_BECH32_CONSTANT, _BECH32M_CONSTANT):
        raise InvalidAddressError("Invalid bech32 checksum")
    words = values[:-_CHECKSUM_LENGTH]
    if not words:
        raise InvalidAddressError("Empty bech32 data section")
    witness_version = words[0]
    if witness_version > _MAX_WITNESS_VERSION:
        raise InvalidAddressError(f"Invalid witness version {witness_version}")
    program = convert_5bit_to_8bit(words[1:], format_name="Bech32")
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
    if hrp in network.testnet_hrps:
        raise testnet_error(text, network.chain_label)
    return WitnessProgram(version=witness_version, program=program)


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp]


def bch_polymod(values: list[int], *, generators: tuple[int, ...], width: int) -> int:
    """The BCH checksum shared by bech32 (width 30) and CashAddr (width 40): 5-bit values
    folded into a `width`-bit residue with the code's `generators`."""
    checksum = 1
    top_shift = width - 5
    low_mask = (1 << top_shift) - 1
    for value in values:
        top_bits = checksum >> top_shift
        checksum = ((checksum & low_mask) << 5) ^ value
        for bit_index, generator in enumerate(generators):
            if (top_bits >> bit_index) & 1:
                checksum ^= generator
    return checksum


def _polymod(values: list[int]) -> int:
    return bch_polymod(values, generators=_GENERATOR, width=30)


def convert_5bit_to_8bit(words: list[int], *, format_name: str) -> bytes:
    """Bytes from base32 words; at most 4 bits of zero padding (BIP-173, and CashAddr alike)."""
    return bytes(_convert_bits(words, from_bits=5, to_bits=8, pad=False, format_name=format_name))


def convert_8bit_to_5bit(data: bytes) -> list[int]:
    """Base32 words from bytes, the last word padded with zero bits."""
    return _convert_bits(data, from_bits=8, to_bits=5, pad=True, format_name="")


def _convert_bits(
    values: Iterable[int], *, from_bits: int, to_bits: int, pad: bool, format_name: str
) -> list[int]:
    """BIP-173's convertbits: regroup `from_bits`-bit values into `to_bits`-bit ones. With `pad`
    (encoding) the last group is filled up with zero bits; without it (decoding) what is left
    over must be fewer than `from_bits` zero bits, and the error names `format_name`."""
    accumulator = 0
    pending_bits = 0
    accumulator_mask = (1 << (from_bits + to_bits - 1)) - 1
    value_mask = (1 << to_bits) - 1
    regrouped = []
    for value in values:
        accumulator = ((accumulator << from_bits) | value) & accumulator_mask
        pending_bits += from_bits
        while pending_bits >= to_bits:
            pending_bits -= to_bits
            regrouped.append((accumulator >> pending_bits) & value_mask)
    if pad:
        if pending_bits:
            regrouped.append((accumulator << (to_bits - pending_bits)) & value_mask)
        return regrouped
    if pending_bits >= from_bits:
        raise InvalidAddressError(
            f"{format_name} data has more than {from_bits - 1} bits of padding"
        )
    if accumulator & ((1 << pending_bits) - 1):
        raise InvalidAddressError(f"{format_name} data has non-zero padding")
    return regrouped
