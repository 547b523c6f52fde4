"""Mainnet Litecoin addresses: Base58Check `L…`, `M…` and legacy `3…`, and segwit `ltc1…`."""

from __future__ import annotations

from typing import Final

from addresses import base58
from addresses.bech32 import SegwitNetwork, decode_segwit, looks_like_segwit
from addresses.syntax import (
    InvalidAddressError,
    check_address_text,
)

_CHAIN_LABEL: Final = "LITECOIN"
# P2PKH 0x30 (L…), P2SH 0x32 (M…) and the P2SH 0x05 (3…) Litecoin shared with Bitcoin
# before M… addresses existed; wallets still show both.
_MAINNET_VERSIONS: Final = frozenset({0x30, 0x32, 0x05})
_TESTNET_VERSIONS: Final = frozenset({0x6F, 0x3A, 0xC4})
_MWEB_PREFIXES: Final = ("ltcmweb1", "tmweb1")

LITECOIN_SEGWIT: Final = SegwitNetwork(
    chain_label=_CHAIN_LABEL,
    mainnet_hrp="ltc",
    testnet_hrps=frozenset({"tltc", "rltc"}),
    base58_leading_chars=frozenset("LM3mnQ2"),
)


def parse_litecoin_address(text: str) -> str:
    """The stored form of a mainnet Litecoin address: Base58Check as given, segwit lower-cased.

    MWEB addresses (`ltcmweb1…`) are refused: MimbleWimble extension block outputs are
    confidential, so no explorer can list the transactions or the balance of one.
    """
    if text.lower().startswith(_MWEB_PREFIXES):
        raise InvalidAddressError(
            "MWEB (ltcmweb1…) addresses cannot be tracked: their transactions and balance are"
            " confidential and invisible to block explorers"
        )
    check_address_text(text)
    if not looks_like_segwit(text, LITECOIN_SEGWIT):
        return _parse_base58check(text)
    try:
        decode_segwit(text, LITECOIN_SEGWIT)
    except InvalidAddressError:
        # "LTC1…" can also begin a Base58Check P2PKH address (L plus any base58 characters).
        if text[0] == "L" and base58.is_base58(text):
            try:
                return _parse_base58check(text)
            except InvalidAddressError:
                pass
        raise
    return text.lower()


def _parse_base58check(text: str) -> str:
    return base58.decode_versioned(
        text,
        mainnet=_MAINNET_VERSIONS,
        testnet=_TESTNET_VERSIONS,
        chain_label=_CHAIN_LABEL,
        chain_name="Litecoin",
    )
