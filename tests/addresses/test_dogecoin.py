"""Dogecoin's Base58Check version bytes: 0x1e for D… (P2PKH), 0x16 for 9…/A… (P2SH). That each
vector is accepted or refused as it should be is checked with every chain's, in
test_chain_vectors."""

from __future__ import annotations

import pytest

from addresses import base58
from tests.addresses.vectors.dogecoin import BASE58_KEYS_VALID_MAINNET


@pytest.mark.parametrize(("text", "version", "hash_hex"), BASE58_KEYS_VALID_MAINNET)
def test_base58_keys_valid_address_decodes_to_its_version_and_hash(
    text: str, version: int, hash_hex: str
) -> None:
    assert base58.decode_check(text) == (version, bytes.fromhex(hash_hex))
