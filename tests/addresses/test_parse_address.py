"""Tests for `parse_address`: the chain the user picked decides, never the string."""

from __future__ import annotations

import re

import pytest

from addresses import (
    InvalidAddressError,
    ParsedAddress,
    display_address,
    parse_address,
)
from db.models import Chain

# bitcoincash.org spec/cashaddr.md pairs this P2SH (0x05) address with ppm2… in CashAddr.
BTC_P2SH = "3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC"
BTC_P2PKH = "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"
# More Bitcoin addresses: the genesis block's, a P2SH one and BIP-173's upper-case example.
BTC_GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
BTC_P2SH_SAMPLE = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
BTC_SEGWIT_UPPER = "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"
BTC_SEGWIT = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
LTC_P2PKH = "LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA"
LTC_P2SH = "MHrYRxAiMNBTku3eoDHwhA1LQGDjUStZW2"
LTC_SEGWIT = "ltc1qhdhvrwe6rgqns8fz28tee0hphr5x7ulw5exv4w"
DOGE_P2PKH = "D5Z7XrtJNg7hAtznSDMXvfiFmMYphwuWz7"
DOGE_P2SH = "9sLa1AKzjWuNTe1CkLh5GDYyRP9enb1Spp"
BCH_CASHADDR = "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"
ETH_CHECKSUMMED = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
# ERC-55's all-caps test vector, in lower case.
ETH_LOWER = "0x52908400098527886e0f7030069857d2e4169ee7"
SOL = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"

# What each address is stored as on each chain that accepts it; refused everywhere else.
STORED_FORM_BY_CHAIN = {
    BTC_P2SH: {
        Chain.BITCOIN: BTC_P2SH,
        Chain.LITECOIN: BTC_P2SH,
        Chain.BITCOIN_CASH: "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq",
    },
    BTC_P2PKH: {Chain.BITCOIN: BTC_P2PKH, Chain.BITCOIN_CASH: BCH_CASHADDR},
    BTC_SEGWIT: {Chain.BITCOIN: BTC_SEGWIT},
    LTC_P2PKH: {Chain.LITECOIN: LTC_P2PKH},
    LTC_P2SH: {Chain.LITECOIN: LTC_P2SH},
    LTC_SEGWIT: {Chain.LITECOIN: LTC_SEGWIT},
    DOGE_P2PKH: {Chain.DOGECOIN: DOGE_P2PKH},
    DOGE_P2SH: {Chain.DOGECOIN: DOGE_P2SH},
    BCH_CASHADDR: {Chain.BITCOIN_CASH: BCH_CASHADDR},
    ETH_CHECKSUMMED: {Chain.ETHEREUM: ETH_CHECKSUMMED.lower()},
    SOL: {Chain.SOLANA: SOL},
}
CASES = [
    (text, chain, stored_by_chain.get(chain))
    for text, stored_by_chain in STORED_FORM_BY_CHAIN.items()
    for chain in Chain
]


@pytest.mark.parametrize(("text", "chain", "stored"), CASES)
def test_address_is_valid_exactly_on_the_chains_that_use_it(
    text: str, chain: Chain, stored: str | None
) -> None:
    if stored is None:
        with pytest.raises(InvalidAddressError):
            parse_address(chain, text)
    else:
        assert parse_address(chain, text).canonical == stored


@pytest.mark.parametrize(
    ("chain", "text", "message_fragment"),
    [
        (Chain.BITCOIN, LTC_P2PKH, "Unsupported Base58Check version byte 0x30"),
        (
            Chain.DOGECOIN,
            LTC_P2PKH,
            "Not a Dogecoin address: version byte 0x30 is Litecoin's P2PKH version",
        ),
        (
            Chain.DOGECOIN,
            BTC_GENESIS,
            "Not a Dogecoin address: version byte 0x00 is the P2PKH version of Bitcoin",
        ),
        (
            Chain.DOGECOIN,
            BTC_P2SH_SAMPLE,
            "Not a Dogecoin address: version byte 0x05 is the P2SH version of Bitcoin",
        ),
        (
            Chain.LITECOIN,
            DOGE_P2PKH,
            "Not a Litecoin address: version byte 0x1e is Dogecoin's P2PKH version",
        ),
        (
            Chain.LITECOIN,
            DOGE_P2SH,
            "Not a Litecoin address: version byte 0x16 is Dogecoin's P2SH version",
        ),
        (Chain.LITECOIN, BTC_P2PKH, "Not a Litecoin address: version byte 0x00"),
        (
            Chain.LITECOIN,
            BTC_GENESIS,
            "Not a Litecoin address: version byte 0x00 is the P2PKH version of Bitcoin",
        ),
        (Chain.BITCOIN_CASH, LTC_P2SH, "Not a Bitcoin Cash address: version byte 0x32"),
        (
            Chain.BITCOIN_CASH,
            LTC_P2PKH,
            "Not a Bitcoin Cash address: version byte 0x30 is Litecoin's P2PKH version",
        ),
        (
            Chain.BITCOIN_CASH,
            DOGE_P2PKH,
            "Not a Bitcoin Cash address: version byte 0x1e is Dogecoin's P2PKH version",
        ),
        (
            Chain.LITECOIN,
            BTC_SEGWIT,
            "Unknown address prefix 'bc'; LITECOIN segwit addresses start with ltc1",
        ),
        (Chain.BITCOIN, LTC_SEGWIT, "Unknown address prefix 'ltc'"),
        (Chain.DOGECOIN, BTC_SEGWIT, "Dogecoin has no segwit"),
        (Chain.DOGECOIN, BTC_SEGWIT_UPPER, "Dogecoin has no segwit"),
        (Chain.DOGECOIN, LTC_SEGWIT, "Dogecoin has no segwit"),
        (Chain.BITCOIN_CASH, BTC_SEGWIT, "Invalid CashAddr character"),
        (Chain.SOLANA, BTC_P2SH, "Solana address decodes to 25 bytes, not 32"),
        (Chain.SOLANA, BTC_GENESIS, "decodes to 25 bytes, not 32"),
        (Chain.SOLANA, ETH_LOWER, "Invalid base58 character '0'"),
        (Chain.ETHEREUM, SOL, "Ethereum addresses start with 0x"),
        (Chain.BITCOIN, "tltc1qpftpsvdn6mjp8celrkj0qxqy4jlapl959rlwg9", "Unknown address prefix"),
        (
            Chain.LITECOIN,
            "tltc1qpftpsvdn6mjp8celrkj0qxqy4jlapl959rlwg9",
            "is a testnet address; chain LITECOIN accepts mainnet addresses only",
        ),
    ],
)
def test_address_of_another_chain_is_refused_by_name(
    chain: Chain, text: str, message_fragment: str
) -> None:
    with pytest.raises(InvalidAddressError, match=re.escape(message_fragment)):
        parse_address(chain, text)


def test_ethereum_address_is_stored_lower_case_and_shown_in_eip55_form() -> None:
    for spelling in (ETH_CHECKSUMMED, ETH_CHECKSUMMED.lower(), "0x" + ETH_CHECKSUMMED[2:].upper()):
        assert parse_address(Chain.ETHEREUM, spelling) == ParsedAddress(
            chain=Chain.ETHEREUM, canonical=ETH_CHECKSUMMED.lower(), display=ETH_CHECKSUMMED
        )
    assert display_address(Chain.ETHEREUM, ETH_CHECKSUMMED.lower()) == ETH_CHECKSUMMED


@pytest.mark.parametrize(
    ("chain", "text", "stored"),
    [
        (Chain.BITCOIN, BTC_SEGWIT.upper(), BTC_SEGWIT),
        (Chain.LITECOIN, LTC_SEGWIT.upper(), LTC_SEGWIT),
        (Chain.DOGECOIN, DOGE_P2SH, DOGE_P2SH),
        (Chain.BITCOIN_CASH, BCH_CASHADDR.upper().removeprefix("BITCOINCASH:"), BCH_CASHADDR),
        (Chain.SOLANA, SOL, SOL),
    ],
)
def test_other_chains_show_the_stored_form(chain: Chain, text: str, stored: str) -> None:
    assert parse_address(chain, text) == ParsedAddress(
        chain=chain, canonical=stored, display=stored
    )
    assert display_address(chain, stored) == stored


@pytest.mark.parametrize("chain", list(Chain))
def test_every_chain_refuses_an_empty_address(chain: Chain) -> None:
    with pytest.raises(InvalidAddressError, match="Address is empty"):
        parse_address(chain, "")
