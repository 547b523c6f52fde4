"""Segwit addresses (BIP-173 bech32 for version 0, BIP-350 bech32m for later versions),
encode only, table-driven: embit's encoder is a third of the time of a derived address."""

from __future__ import annotations

import base64
import functools
from typing import Final

CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
# The generator terms for each value of the 5 bits shifted out at a step.
_TERMS: Final = tuple(
    functools.reduce(lambda acc, i: acc ^ (_GENERATOR[i] if (top >> i) & 1 else 0), range(5), 0)
    for top in range(32)
)
_BECH32_CONSTANT: Final = 1
_BECH32M_CONSTANT: Final = 0x2BC830A3
_CHECKSUM_WORDS: Final = 6
# RFC 4648 base32 groups bits 5 by 5, big-endian, zero-padded, as bech32 does: only the
# alphabet differs, so the stdlib's C encoder does the bit work.
_BASE32_ALPHABET: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_BASE32_TO_CHARSET: Final = bytes.maketrans(_BASE32_ALPHABET, CHARSET.encode())
_BASE32_TO_WORD: Final = bytes.maketrans(_BASE32_ALPHABET, bytes(range(32)))


def _polymod(state: int, words: list[int]) -> int:
    for word in words:
        state = ((state & 0x1FFFFFF) << 5) ^ word ^ _TERMS[state >> 25]
    return state


@functools.cache
def _hrp_state(hrp: str) -> int:
    expanded = [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp]
    return _polymod(1, expanded)


def encode_segwit_address(hrp: str, witness_version: int, program: bytes) -> str:
    base32 = base64.b32encode(program).rstrip(b"=")
    words = [witness_version, *base32.translate(_BASE32_TO_WORD)]
    constant = _BECH32_CONSTANT if witness_version == 0 else _BECH32M_CONSTANT
    checksum = _polymod(_hrp_state(hrp), [*words, 0, 0, 0, 0, 0, 0]) ^ constant
    checksum_chars = "".join(
        CHARSET[(checksum >> 5 * (_CHECKSUM_WORDS - 1 - i)) & 31] for i in range(_CHECKSUM_WORDS)
    )
    program_chars = base32.translate(_BASE32_TO_CHARSET).decode()
    return f"{hrp}1{CHARSET[witness_version]}{program_chars}{checksum_chars}"
