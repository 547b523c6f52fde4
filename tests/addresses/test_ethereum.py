"""Tests for Ethereum addresses: EIP-55 checksums over Keccak-256, stored in lower case."""

from __future__ import annotations

import hashlib
import re

import pytest

from addresses.ethereum import (
    checksum_address,
    keccak256,
    parse_ethereum_address,
)
from addresses.syntax import InvalidAddressError

# https://github.com/ethereum/ERCs/blob/master/ERCS/erc-55.md#test-cases, copied verbatim.
EIP55_ALL_CAPS = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
]
EIP55_ALL_LOWER = [
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
]
EIP55_NORMAL = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]
# PROVIDERS.md: addresses of the recorded provider samples, in EIP-55 form.
SAMPLE_CHECKSUMMED = [
    "0xb8553D9ee35dd23BB96fbd679E651B929821969B",
    "0x706A70067BE19BdadBea3600Db0626859Ff25D74",
]
CHECKSUMMED = EIP55_NORMAL + SAMPLE_CHECKSUMMED


def flip_case_of_first_letter(address: str) -> str:
    position = next(index for index, char in enumerate(address[2:], 2) if char.isalpha())
    return address[:position] + address[position].swapcase() + address[position + 1 :]


def assert_rejected(text: str, message_fragment: str) -> None:
    with pytest.raises(InvalidAddressError, match=re.escape(message_fragment)):
        parse_ethereum_address(text)


def test_keccak256_is_not_sha3_256() -> None:
    empty_keccak = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"").hex() == empty_keccak
    assert hashlib.sha3_256(b"").hexdigest() != empty_keccak


@pytest.mark.parametrize("text", EIP55_ALL_CAPS + EIP55_ALL_LOWER + CHECKSUMMED)
def test_valid_address_is_stored_in_lower_case(text: str) -> None:
    assert parse_ethereum_address(text) == "0x" + text[2:].lower()


@pytest.mark.parametrize("text", CHECKSUMMED + EIP55_ALL_CAPS + EIP55_ALL_LOWER)
def test_checksum_form_of_the_lower_case_address(text: str) -> None:
    checksummed = checksum_address("0x" + text[2:].lower())
    assert checksummed.lower() == "0x" + text[2:].lower()
    if text in CHECKSUMMED:
        assert checksummed == text


@pytest.mark.parametrize("text", CHECKSUMMED)
def test_any_case_of_one_address_gives_one_stored_form(text: str) -> None:
    lower = "0x" + text[2:].lower()
    upper = "0x" + text[2:].upper()
    assert {parse_ethereum_address(spelling) for spelling in (text, lower, upper)} == {lower}


@pytest.mark.parametrize(
    "text",
    # PROVIDERS.md: the last letter's case flipped; and each vector's first letter flipped.
    ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"]
    + [flip_case_of_first_letter(address) for address in CHECKSUMMED],
)
def test_mixed_case_that_fails_the_checksum_is_rejected(text: str) -> None:
    assert_rejected(text, "mixed case that fails the EIP-55 checksum")


@pytest.mark.parametrize(
    ("text", "message_fragment"),
    [
        ("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "Ethereum addresses start with 0x"),
        ("0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", "Ethereum addresses start with 0x"),
        ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", "has 39 hex digits after 0x; expected 40"),
        ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0", "has 41 hex digits after 0x"),
        ("0x", "has 0 hex digits after 0x"),
        ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", "Invalid hex character 'g' at position 41"),
        ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea\u0435d", "invalid character U+0435"),
        ("", "Address is empty"),
        ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed ", "whitespace"),
    ],
)
def test_malformed_address_is_rejected(text: str, message_fragment: str) -> None:
    assert_rejected(text, message_fragment)
