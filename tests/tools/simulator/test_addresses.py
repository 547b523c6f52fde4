"""Address parsing and encoding against the BIP 173 / BIP 350 and Base58Check rules."""

from __future__ import annotations

import pytest

from tools.simulator.addresses import (
    InvalidAddress,
    normalize_address,
    p2pkh_address,
    p2wpkh_address,
    parse_address,
)
from tools.simulator.seeds import SEEDED_ADDRESSES, generated_address


@pytest.mark.parametrize(
    ("address", "script_hex", "esplora_type"),
    [
        (
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "0014751e76e8199196d454941c45d1b3a323f1433bd6",
            "v0_p2wpkh",
        ),
        (
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
            "v0_p2wsh",
        ),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
            "v1_p2tr",
        ),
        (
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac",
            "p2pkh",
        ),
        (
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87",
            "p2sh",
        ),
    ],
)
def test_known_addresses(address: str, script_hex: str, esplora_type: str) -> None:
    script = parse_address(address)

    assert (script.script_hex, script.esplora_type) == (script_hex, esplora_type)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "hello",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
        "bc1QW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        # Version 1 with a bech32 (not bech32m) checksum.
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
        "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
    ],
)
def test_invalid_addresses(address: str) -> None:
    with pytest.raises(InvalidAddress):
        parse_address(address)


def test_seeded_and_generated_addresses_round_trip() -> None:
    key_hash = bytes(range(20))

    for address in (*SEEDED_ADDRESSES, *(generated_address(3, index) for index in range(10))):
        assert normalize_address(address) == address
    assert parse_address(p2wpkh_address(key_hash)).program_hex == key_hash.hex()
    assert parse_address(p2pkh_address(key_hash)).program_hex == key_hash.hex()
    assert normalize_address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4") == (
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    )
