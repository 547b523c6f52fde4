"""Tests for Solana addresses: base58 that decodes to exactly 32 bytes, stored as given."""

from __future__ import annotations

import re

import pytest

from resolvers.address_validation.solana import parse_solana_address
from resolvers.address_validation.syntax import InvalidAddressError


def assert_rejected(text: str, message_fragment: str) -> None:
    with pytest.raises(InvalidAddressError, match=re.escape(message_fragment)):
        parse_solana_address(text)


@pytest.mark.parametrize(
    "text",
    [
        # PROVIDERS.md: 32 times '1' is 32 zero bytes (the System Program).
        "11111111111111111111111111111111",
        # The SPL Token program and the wrapped-SOL mint (43 characters).
        "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
        "So11111111111111111111111111111111111111112",
        # A zero byte and 31 bytes 0xff: 32 bytes behind a leading '1'.
        "14uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofL",
        # 32 times 0xff: y ≥ p, so no ed25519 point; off-curve addresses (PDAs) hold SOL too.
        "JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG",
    ],
)
def test_32_byte_address_is_stored_as_given(text: str) -> None:
    assert parse_solana_address(text) == text


def test_case_is_kept_because_base58_is_case_sensitive() -> None:
    address = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
    assert parse_solana_address(address) == address
    # Upper case brings in 'O' and 'I', which base58 leaves out.
    assert_rejected(address.upper(), "Invalid base58 character 'O'")


@pytest.mark.parametrize(
    ("text", "message_fragment"),
    [
        # PROVIDERS.md: 31 times '1' is 31 zero bytes.
        ("1111111111111111111111111111111", "Solana address decodes to 31 bytes, not 32"),
        ("111111111111111111111111111111111", "Solana address decodes to 33 bytes, not 32"),
        ("2K3n5t4wSaF5mj27Tw9vStXWLWyRjjiH5Cp3CFLpKVCr1c", "decodes to 33 bytes, not 32"),
        ("JJEfe6DcPM2ziB2vfUWDV6aHVerXRGkv3TcyvJUNGHZz", "decodes to 33 bytes, not 32"),
        ("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D", "decodes to 31 bytes, not 32"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "decodes to 25 bytes, not 32"),
        ("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ50A", "Invalid base58 character '0'"),
        ("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5lA", "Invalid base58 character 'l'"),
        ("0x52908400098527886e0f7030069857d2e4169ee7", "Invalid base58 character '0'"),
        ("", "Address is empty"),
        (" TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", "whitespace"),
    ],
)
def test_invalid_address_is_rejected(text: str, message_fragment: str) -> None:
    assert_rejected(text, message_fragment)
