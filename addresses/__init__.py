"""Address validation for every chain: `parse_address(chain, text)` checks what a user typed
against the chain the user picked (never guessed from the string: `3…` is valid on Bitcoin,
Litecoin and Bitcoin Cash) and gives the form to store and the form to show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from addresses.bitcoin import (
    AddressKind,
    BitcoinAddress,
    parse_bitcoin_address,
)
from addresses.bitcoin_cash import parse_bitcoin_cash_address
from addresses.dogecoin import parse_dogecoin_address
from addresses.ethereum import checksum_address, parse_ethereum_address
from addresses.litecoin import parse_litecoin_address
from addresses.solana import parse_solana_address
from addresses.syntax import MAX_ADDRESS_LENGTH, InvalidAddressError
from db.models import Chain

__all__ = [
    "MAX_ADDRESS_LENGTH",
    "AddressKind",
    "BitcoinAddress",
    "InvalidAddressError",
    "ParsedAddress",
    "display_address",
    "parse_address",
    "parse_bitcoin_address",
]


@dataclass(frozen=True)
class ParsedAddress:
    chain: Chain
    # The one stored form: lookups compare it, so any accepted spelling finds the wallet.
    canonical: str
    # The form shown to people: EIP-55 on Ethereum, the canonical form elsewhere.
    display: str


def _bitcoin_canonical(text: str) -> str:
    return parse_bitcoin_address(text).canonical


_CANONICAL_FORM: Final[dict[Chain, Callable[[str], str]]] = {
    Chain.BITCOIN: _bitcoin_canonical,
    Chain.LITECOIN: parse_litecoin_address,
    Chain.DOGECOIN: parse_dogecoin_address,
    Chain.BITCOIN_CASH: parse_bitcoin_cash_address,
    Chain.ETHEREUM: parse_ethereum_address,
    Chain.SOLANA: parse_solana_address,
}


def parse_address(chain: Chain, text: str) -> ParsedAddress:
    """Validate a mainnet address of `chain`; raise InvalidAddressError saying why it is not one."""
    canonical = _CANONICAL_FORM[chain](text)
    return ParsedAddress(
        chain=chain, canonical=canonical, display=display_address(chain, canonical)
    )


def display_address(chain: Chain, canonical: str) -> str:
    """How a stored address is shown."""
    if chain is Chain.ETHEREUM:
        return checksum_address(canonical)
    return canonical
