"""Mainnet Bitcoin Cash addresses, CashAddr or legacy Base58Check, stored as lower-case
CashAddr with its `bitcoincash:` prefix."""

from __future__ import annotations

from typing import Final

from addresses import base58, cashaddr
from addresses.cashaddr import CashAddrPayload
from addresses.syntax import (
    InvalidAddressError,
    check_address_text,
    testnet_error,
)

_CHAIN_LABEL: Final = "BITCOIN_CASH"
MAINNET_PREFIX: Final = "bitcoincash"
_TESTNET_PREFIXES: Final = ("bchtest", "bchreg")

# CashAddr type bits (version byte bits 6-3): P2PKH, P2SH, and their CashTokens
# "token-aware" twins, which lock coins with the very same script.
_P2PKH: Final = 0
_P2SH: Final = 1
_TOKEN_AWARE_P2PKH: Final = 2
_TOKEN_AWARE_P2SH: Final = 3
_PLAIN_TYPE_BY_TYPE: Final = {
    _P2PKH: _P2PKH,
    _P2SH: _P2SH,
    _TOKEN_AWARE_P2PKH: _P2PKH,
    _TOKEN_AWARE_P2SH: _P2SH,
}
# Size bits (version byte bits 2-0) -> hash length in bytes.
_HASH_LENGTH_BY_SIZE_BITS: Final = (20, 24, 28, 32, 40, 48, 56, 64)
# The hashes a Bitcoin Cash locking script can carry: HASH160, and HASH256 for P2SH32.
_HASH_LENGTHS_BY_PLAIN_TYPE: Final = {_P2PKH: frozenset({20}), _P2SH: frozenset({20, 32})}
_TYPE_NAMES: Final = {_P2PKH: "P2PKH", _P2SH: "P2SH"}

_LEGACY_TYPE_BY_VERSION: Final = {0x00: _P2PKH, 0x05: _P2SH}
_LEGACY_TESTNET_VERSIONS: Final = frozenset({0x6F, 0xC4})
# Legacy addresses start with 1 (0x00) or 3 (0x05), testnet ones with m, n or 2; a CashAddr
# payload never does (its first character holds the high type bits: q, p, z or r).
_LEGACY_LEADING_CHARS: Final = frozenset("13mn2")
_CASHADDR_LEADING_CHARS: Final = frozenset("qpzr")


def parse_bitcoin_cash_address(text: str) -> str:
    """The stored form, `bitcoincash:` + lower-case CashAddr, of a mainnet Bitcoin Cash address.

    Accepted: CashAddr with or without the prefix, all lower or all upper case, and legacy
    Base58Check `1…`/`3…` (the same hash160 as Bitcoin's). Token-aware CashAddr (`z…`, `r…`,
    from CashTokens) is stored as the plain `q…`/`p…` address of the same hash: both lock coins
    with the same script, so they are one address to an explorer and one wallet here.
    """
    check_address_text(text)
    if _looks_like_legacy(text):
        return cashaddr.encode(_parse_legacy(text))
    return cashaddr.encode(_parse_cashaddr(text))


def _looks_like_legacy(text: str) -> bool:
    if cashaddr.SEPARATOR in text:
        return False
    if text[0] in _LEGACY_LEADING_CHARS:
        return True
    if len(text) in base58.WIF_TEXT_LENGTHS and base58.is_base58(text):
        return True  # a private key's length, which no CashAddr has: refused as one
    # Mixed-case base58 (an L… or D… of another chain) gets its version byte named; a
    # mixed-case CashAddr (q…, p…, z…, r…) is told it is mixed case.
    return (
        base58.is_base58(text)
        and text not in (text.lower(), text.upper())
        and text[0].lower() not in _CASHADDR_LEADING_CHARS
    )


def _parse_legacy(text: str) -> CashAddrPayload:
    version, hash160 = base58.decode_check(text)
    if version in _LEGACY_TESTNET_VERSIONS:
        raise testnet_error(text, _CHAIN_LABEL)
    address_type = _LEGACY_TYPE_BY_VERSION.get(version)
    if address_type is None:
        raise base58.foreign_version_error(version, "Bitcoin Cash")
    return CashAddrPayload(prefix=MAINNET_PREFIX, version_byte=address_type << 3, data=hash160)


def _parse_cashaddr(text: str) -> CashAddrPayload:
    try:
        payload = cashaddr.decode(text, default_prefix=MAINNET_PREFIX)
    except InvalidAddressError:
        if cashaddr.SEPARATOR not in text and _is_prefixless_testnet(text):
            raise testnet_error(text, _CHAIN_LABEL) from None
        raise
    if payload.prefix in _TESTNET_PREFIXES:
        raise testnet_error(text, _CHAIN_LABEL)
    if payload.prefix != MAINNET_PREFIX:
        raise InvalidAddressError(
            f"Unknown CashAddr prefix {payload.prefix!r}; Bitcoin Cash addresses start with"
            f" {MAINNET_PREFIX}: (or leave the prefix out)"
        )
    version_byte = payload.version_byte
    if version_byte & 0x80:
        raise InvalidAddressError("CashAddr version byte has its reserved high bit set")
    address_type = (version_byte >> 3) & 0x0F
    hash_length = _HASH_LENGTH_BY_SIZE_BITS[version_byte & 0x07]
    plain_type = _PLAIN_TYPE_BY_TYPE.get(address_type)
    if plain_type is None:
        raise InvalidAddressError(f"Unknown CashAddr address type {address_type}")
    if len(payload.data) != hash_length:
        raise InvalidAddressError(
            f"CashAddr version byte announces a {hash_length * 8}-bit hash but the payload"
            f" holds {len(payload.data) * 8} bits"
        )
    if hash_length not in _HASH_LENGTHS_BY_PLAIN_TYPE[plain_type]:
        raise InvalidAddressError(
            f"No Bitcoin Cash {_TYPE_NAMES[plain_type]} address has a {hash_length * 8}-bit hash"
        )
    return CashAddrPayload(
        prefix=MAINNET_PREFIX,
        version_byte=(plain_type << 3) | (version_byte & 0x07),
        data=payload.data,
    )


def _is_prefixless_testnet(text: str) -> bool:
    for prefix in _TESTNET_PREFIXES:
        try:
            cashaddr.decode(text, default_prefix=prefix)
        except InvalidAddressError:
            continue
        return True
    return False
