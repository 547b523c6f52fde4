"""Tests for mainnet Bitcoin address validation, including the BIP-173 and BIP-350 vectors."""

from __future__ import annotations

import re

import pytest

from addresses import (
    AddressKind,
    BitcoinAddress,
    InvalidAddressError,
    parse_bitcoin_address,
)

TESTNET_MESSAGE = "is a testnet address; chain BITCOIN accepts mainnet addresses only"

# The address vectors below are copied verbatim from
# https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki#test-vectors and
# https://github.com/bitcoin/bips/blob/master/bip-0350.mediawiki#test-vectors

BIP173_VALID_MAINNET = [
    (
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        AddressKind.P2WPKH,
    ),
]

BIP173_VALID_TESTNET = [
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
]

# BIP-173 lists these witness v1+ addresses as valid, but they carry a bech32 checksum.
# BIP-350 supersedes BIP-173 for v1+ (bech32m is required), so they are invalid.
BIP173_VALID_SUPERSEDED_BY_BIP350 = [
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
    "BC1SW50QA3JX3S",
    "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
]

BIP173_INVALID = [
    ("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", "Unknown address prefix 'tc'"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "Invalid bech32 checksum"),
    ("BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", "Invalid witness version 17"),
    ("bc1rw5uspcuh", "Witness program length is 1; expected 2 to 40 bytes"),
    (
        "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
        "Witness program length is 41; expected 2 to 40 bytes",
    ),
    ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "Witness v0 program length is 16"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
        "Mixed-case bech32 address",
    ),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "more than 4 bits of padding"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
        "non-zero padding",
    ),
    ("bc1gmk9yu", "Empty bech32 data section"),
]

BIP350_VALID_MAINNET = [
    (
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        AddressKind.P2WPKH,
    ),
    (
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        AddressKind.WITNESS_UNKNOWN,
    ),
    ("BC1SW50QGDZ25J", "bc1sw50qgdz25j", AddressKind.WITNESS_UNKNOWN),
    (
        "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
        "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
        AddressKind.WITNESS_UNKNOWN,
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        AddressKind.P2TR,
    ),
]

BIP350_VALID_TESTNET = [
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
    "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
]

BIP350_INVALID = [
    (
        "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
        "Unknown address prefix 'tc'",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        "Witness v1 address must use a bech32m checksum, not bech32",
    ),
    (
        "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
        "Witness v2 address must use a bech32m checksum, not bech32",
    ),
    (
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
        "Witness v16 address must use a bech32m checksum, not bech32",
    ),
    (
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
        "Witness v0 address must use a bech32 checksum, not bech32m",
    ),
    (
        "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
        "Witness v0 address must use a bech32 checksum, not bech32m",
    ),
    (
        "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
        "Invalid bech32 character 'o'",
    ),
    (
        "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
        "Invalid witness version 17",
    ),
    ("bc1pw5dgrnzv", "Witness program length is 1; expected 2 to 40 bytes"),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
        "Witness program length is 41; expected 2 to 40 bytes",
    ),
    ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "Witness v0 program length is 16"),
    (
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
        "Mixed-case bech32 address",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
        "more than 4 bits of padding",
    ),
    (
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
        "non-zero padding",
    ),
    ("bc1gmk9yu", "Empty bech32 data section"),
]


def assert_rejected(text: str, message_fragment: str) -> None:
    with pytest.raises(InvalidAddressError, match=re.escape(message_fragment)):
        parse_bitcoin_address(text)


@pytest.mark.parametrize(("text", "canonical", "kind"), BIP173_VALID_MAINNET)
def test_bip173_valid_mainnet_address_parses(text: str, canonical: str, kind: AddressKind) -> None:
    assert parse_bitcoin_address(text) == BitcoinAddress(canonical=canonical, kind=kind)


@pytest.mark.parametrize(("text", "canonical", "kind"), BIP350_VALID_MAINNET)
def test_bip350_valid_mainnet_address_parses(text: str, canonical: str, kind: AddressKind) -> None:
    assert parse_bitcoin_address(text) == BitcoinAddress(canonical=canonical, kind=kind)


@pytest.mark.parametrize("text", BIP173_VALID_TESTNET + BIP350_VALID_TESTNET)
def test_valid_bip_testnet_address_is_rejected_as_testnet(text: str) -> None:
    assert_rejected(text, f"{text} {TESTNET_MESSAGE}")


@pytest.mark.parametrize("text", BIP173_VALID_SUPERSEDED_BY_BIP350)
def test_bip173_v1_plus_bech32_address_is_invalid_per_bip350(text: str) -> None:
    assert_rejected(text, "must use a bech32m checksum, not bech32")


@pytest.mark.parametrize(("text", "message_fragment"), BIP173_INVALID)
def test_bip173_invalid_address_is_rejected(text: str, message_fragment: str) -> None:
    assert_rejected(text, message_fragment)


@pytest.mark.parametrize(("text", "message_fragment"), BIP350_INVALID)
def test_bip350_invalid_address_is_rejected(text: str, message_fragment: str) -> None:
    assert_rejected(text, message_fragment)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", AddressKind.P2PKH),
        ("12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju", AddressKind.P2PKH),
        # All-zero hash160: every leading zero byte is a leading '1'.
        ("1111111111111111111114oLvT2", AddressKind.P2PKH),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", AddressKind.P2SH),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", AddressKind.P2WPKH),
        ("bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h", AddressKind.P2WPKH),
        (
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            AddressKind.P2WSH,
        ),
        (
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
            AddressKind.P2TR,
        ),
    ],
)
def test_real_mainnet_address_parses_unchanged(text: str, kind: AddressKind) -> None:
    assert parse_bitcoin_address(text) == BitcoinAddress(canonical=text, kind=kind)


def test_uppercase_taproot_address_is_canonicalised_to_lower_case() -> None:
    address = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"
    assert parse_bitcoin_address(address.upper()) == BitcoinAddress(
        canonical=address, kind=AddressKind.P2TR
    )


@pytest.mark.parametrize(
    "text",
    [
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv8DivfNa",
        "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Jv",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN",
        "1111111111111111111111111",
    ],
)
def test_base58_typo_fails_checksum(text: str) -> None:
    assert_rejected(text, "Base58Check checksum mismatch")


@pytest.mark.parametrize(
    ("text", "bad_char"),
    [
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na", "0"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivONa", "O"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLI", "I"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNll", "l"),
    ],
)
def test_base58_rejects_characters_outside_alphabet(text: str, bad_char: str) -> None:
    assert_rejected(text, f"Invalid base58 character {bad_char!r}")


@pytest.mark.parametrize(
    ("text", "decoded_length"),
    [
        # Valid checksums over a version byte plus a 21-byte and a 19-byte hash.
        ("1QXEx2ZQ9mEdvMSaVKHznFv6iZq2LQbDz8", 26),
        ("12D2adLM3UKy4Z4giRbReR6gjWx1w6Dz", 24),
        ("1A1z", 3),
    ],
)
def test_base58_rejects_wrong_decoded_length(text: str, decoded_length: int) -> None:
    assert_rejected(text, f"decodes to {decoded_length} bytes; expected 25")


def test_base58_rejects_unknown_version_byte() -> None:
    # Valid Base58Check with the Litecoin P2PKH version byte 0x30 over a made-up hash.
    assert_rejected(
        "LKKHMBjCU89fyFNgSRprDoD8Jb25N8uWvd", "Unsupported Base58Check version byte 0x30"
    )


@pytest.mark.parametrize(
    "text",
    [
        "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
        "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc",
        "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080",
    ],
)
def test_testnet_and_regtest_addresses_are_rejected_as_testnet(text: str) -> None:
    assert_rejected(text, f"{text} {TESTNET_MESSAGE}")


def test_empty_string_is_rejected() -> None:
    assert_rejected("", "Address is empty")


@pytest.mark.parametrize(
    "text",
    [
        " 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa ",
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n",
        "\tbc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\u00a0",
    ],
)
def test_whitespace_padded_address_is_rejected(text: str) -> None:
    assert_rejected(text, "Address contains whitespace")


@pytest.mark.parametrize("length", [91, 200])
def test_address_longer_than_90_characters_is_rejected(length: int) -> None:
    assert_rejected("bc1" + "q" * (length - 3), f"is {length} characters long; the maximum is 90")


def test_90_character_string_is_not_rejected_for_its_length() -> None:
    with pytest.raises(InvalidAddressError) as excinfo:
        parse_bitcoin_address("bc1" + "q" * 87)
    assert "maximum" not in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "code_point"),
    [
        # Cyrillic small letter a in place of the final Latin 'a'.
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN\u0430", "U+0430"),
        # Cyrillic small letter es in place of the Latin 'c' of the prefix.
        ("b\u04411qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "U+0441"),
        # Fullwidth digit one in place of the leading '1'.
        ("\uff11A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "U+FF11"),
        # Greek small letter omicron in place of the Latin 'o' of a base58 address.
        ("12xQ9k5\u03bfusS8MqNsMBqHKtjAtCuKezm2Ju", "U+03BF"),
    ],
)
def test_unicode_look_alike_characters_are_rejected(text: str, code_point: str) -> None:
    assert_rejected(text, f"invalid character {code_point}")


@pytest.mark.parametrize(
    ("text", "message_fragment"),
    [
        ("bc1", "Bech32 checksum is too short"),
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T5", "Invalid bech32 checksum"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", "Invalid bech32 checksum"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5bdq", "Invalid bech32 character 'b'"),
        ("Bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "Mixed-case bech32 address"),
        ("ltc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "Unknown address prefix 'ltc'"),
        ("0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae", "Missing bech32 separator '1'"),
    ],
)
def test_malformed_segwit_address_is_rejected(text: str, message_fragment: str) -> None:
    assert_rejected(text, message_fragment)
