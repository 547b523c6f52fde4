"""Mainnet Dogecoin addresses: Base58Check `D…` and `9…`/`A…`; Dogecoin has no segwit."""

from __future__ import annotations

from typing import Final

from addresses import base58
from addresses.syntax import (
    InvalidAddressError,
    check_address_text,
)

_CHAIN_LABEL: Final = "DOGECOIN"
_MAINNET_VERSIONS: Final = frozenset({0x1E, 0x16})
_TESTNET_VERSIONS: Final = frozenset({0x71, 0xC4})
# Human-readable parts of the segwit addresses of other chains.
_SEGWIT_PREFIXES: Final = ("bc1", "tb1", "bcrt1", "ltc1", "tltc1", "rltc1", "ltcmweb1")


def parse_dogecoin_address(text: str) -> str:
    """The stored form of a mainnet Dogecoin address: the address as given."""
    check_address_text(text)
    if text.lower().startswith(_SEGWIT_PREFIXES):
        raise InvalidAddressError(
            "Dogecoin has no segwit (bech32) addresses; this one belongs to another chain"
        )
    return base58.decode_versioned(
        text,
        mainnet=_MAINNET_VERSIONS,
        testnet=_TESTNET_VERSIONS,
        chain_label=_CHAIN_LABEL,
        chain_name="Dogecoin",
    )
