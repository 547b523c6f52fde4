"""The BIP-380 descriptor checksum, vendored from the BIP's reference Python (bitcoin/bips
bip-0380.mediawiki), typed; `descriptor_checksum` is its `descsum_create` without the text."""

from __future__ import annotations

from typing import Final

INPUT_CHARSET: Final = (
    "0123456789()[],'/*abcdefgh@:$%{}"
    "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
    'ijklmnopqrstuvwxyzABCDEFGH`#"\\ '
)
CHECKSUM_CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
CHECKSUM_LENGTH: Final = 8
_GENERATOR: Final = (0xF5DEE51989, 0xA9FDCA3312, 0x1BAB10E32D, 0x3706B1677A, 0x644D626FFD)


def _polymod(symbols: list[int]) -> int:
    checksum = 1
    for value in symbols:
        top = checksum >> 35
        checksum = (checksum & 0x7FFFFFFFF) << 5 ^ value
        for bit in range(5):
            checksum ^= _GENERATOR[bit] if ((top >> bit) & 1) else 0
    return checksum


def _expand(text: str) -> list[int]:
    """The symbols of `text`; ValueError for a character outside the descriptor set."""
    groups: list[int] = []
    symbols: list[int] = []
    for char in text:
        position = INPUT_CHARSET.find(char)
        if position < 0:
            raise ValueError(f"character {char!r} is not allowed in a descriptor")
        symbols.append(position & 31)
        groups.append(position >> 5)
        if len(groups) == 3:
            symbols.append(groups[0] * 9 + groups[1] * 3 + groups[2])
            groups = []
    if len(groups) == 1:
        symbols.append(groups[0])
    elif len(groups) == 2:
        symbols.append(groups[0] * 3 + groups[1])
    return symbols


def descriptor_checksum(script: str) -> str:
    """The 8 checksum characters of a descriptor written without `#…`."""
    checksum = _polymod([*_expand(script), 0, 0, 0, 0, 0, 0, 0, 0]) ^ 1
    return "".join(
        CHECKSUM_CHARSET[(checksum >> (5 * (CHECKSUM_LENGTH - 1 - i))) & 31]
        for i in range(CHECKSUM_LENGTH)
    )


def checksum_matches(script: str, checksum: str) -> bool:
    if len(checksum) != CHECKSUM_LENGTH or any(c not in CHECKSUM_CHARSET for c in checksum):
        return False
    symbols = _expand(script) + [CHECKSUM_CHARSET.find(c) for c in checksum]
    return _polymod(symbols) == 1
