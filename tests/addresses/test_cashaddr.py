"""Tests for the CashAddr codec, with every test vector of bitcoincash.org spec/cashaddr.md."""

from __future__ import annotations

import re

import pytest

from addresses import cashaddr
from addresses.bech32 import CHARSET
from addresses.cashaddr import CashAddrPayload
from addresses.syntax import InvalidAddressError

# https://github.com/bitcoincashorg/bitcoincash.org/blob/master/spec/cashaddr.md#test-vectors
# "Larger test vectors" and "Undefined types": (address, version byte, data as hex). The version
# byte is the table's type in bits 6-3 and its size bits (or the hash size's code) in bits 2-0.
SPEC_PAYLOAD_VECTORS = [
    (
        "bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2",
        0x00,
        "f5bf48b397dae70be82b3cca4793f8eb2b6cdac9",
    ),
    (
        "bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t",
        0x08,
        "f5bf48b397dae70be82b3cca4793f8eb2b6cdac9",
    ),
    (
        "pref:pr6m7j9njldwwzlg9v7v53unlr4jkmx6ey65nvtks5",
        0x08,
        "f5bf48b397dae70be82b3cca4793f8eb2b6cdac9",
    ),
    (
        "prefix:0r6m7j9njldwwzlg9v7v53unlr4jkmx6ey3qnjwsrf",
        0x78,
        "f5bf48b397dae70be82b3cca4793f8eb2b6cdac9",
    ),
    (
        "bitcoincash:q9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2ws4mr9g0",
        0x01,
        "7adbf6c17084bc86c1706827b41a56f5ca32865925e946ea",
    ),
    (
        "bchtest:p9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2u94tsynr",
        0x09,
        "7adbf6c17084bc86c1706827b41a56f5ca32865925e946ea",
    ),
    (
        "pref:p9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2khlwwk5v",
        0x09,
        "7adbf6c17084bc86c1706827b41a56f5ca32865925e946ea",
    ),
    (
        "prefix:09adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2p29kc2lp",
        0x79,
        "7adbf6c17084bc86c1706827b41a56f5ca32865925e946ea",
    ),
    (
        "bitcoincash:qgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcw59jxxuz",
        0x02,
        "3a84f9cf51aae98a3bb3a78bf16a6183790b18719126325bfc0c075b",
    ),
    (
        "bchtest:pgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcvs7md7wt",
        0x0A,
        "3a84f9cf51aae98a3bb3a78bf16a6183790b18719126325bfc0c075b",
    ),
    (
        "pref:pgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcrsr6gzkn",
        0x0A,
        "3a84f9cf51aae98a3bb3a78bf16a6183790b18719126325bfc0c075b",
    ),
    (
        "prefix:0gagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkc5djw8s9g",
        0x7A,
        "3a84f9cf51aae98a3bb3a78bf16a6183790b18719126325bfc0c075b",
    ),
    (
        "bitcoincash:qvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq5nlegake",
        0x03,
        "3173ef6623c6b48ffd1a3dcc0cc6489b0a07bb47a37f47cfef4fe69de825c060",
    ),
    (
        "bchtest:pvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq7fqng6m6",
        0x0B,
        "3173ef6623c6b48ffd1a3dcc0cc6489b0a07bb47a37f47cfef4fe69de825c060",
    ),
    (
        "pref:pvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq4k9m7qf9",
        0x0B,
        "3173ef6623c6b48ffd1a3dcc0cc6489b0a07bb47a37f47cfef4fe69de825c060",
    ),
    (
        "prefix:0vch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxqsh6jgp6w",
        0x7B,
        "3173ef6623c6b48ffd1a3dcc0cc6489b0a07bb47a37f47cfef4fe69de825c060",
    ),
    (
        "bitcoincash:qnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklv39gr3uvz",
        0x04,
        "c07138323e00fa4fc122d3b85b9628ea810b3f381706385e289b0b25631197d194b5c238beb136fb",
    ),
    (
        "bchtest:pnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklvmgm6ynej",
        0x0C,
        "c07138323e00fa4fc122d3b85b9628ea810b3f381706385e289b0b25631197d194b5c238beb136fb",
    ),
    (
        "pref:pnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklv0vx5z0w3",
        0x0C,
        "c07138323e00fa4fc122d3b85b9628ea810b3f381706385e289b0b25631197d194b5c238beb136fb",
    ),
    (
        "prefix:0nq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklvwsvctzqy",
        0x7C,
        "c07138323e00fa4fc122d3b85b9628ea810b3f381706385e289b0b25631197d194b5c238beb136fb",
    ),
    (
        "bitcoincash:qh3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqex2w82sl",
        0x05,
        "e361ca9a7f99107c17a622e047e3745d3e19cf804ed63c5c40c6ba763696b98241223d8ce62ad48d863f4cb18c930e4c",
    ),
    (
        "bchtest:ph3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqnzf7mt6x",
        0x0D,
        "e361ca9a7f99107c17a622e047e3745d3e19cf804ed63c5c40c6ba763696b98241223d8ce62ad48d863f4cb18c930e4c",
    ),
    (
        "pref:ph3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqjntdfcwg",
        0x0D,
        "e361ca9a7f99107c17a622e047e3745d3e19cf804ed63c5c40c6ba763696b98241223d8ce62ad48d863f4cb18c930e4c",
    ),
    (
        "prefix:0h3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqakcssnmn",
        0x7D,
        "e361ca9a7f99107c17a622e047e3745d3e19cf804ed63c5c40c6ba763696b98241223d8ce62ad48d863f4cb18c930e4c",
    ),
    (
        "bitcoincash:qmvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqscw8jd03f",
        0x06,
        "d9fa7c4c6ef56dc4ff423baae6d495dbff663d034a72d1dc7d52cbfe7d1e6858f9d523ac0a7a5c34077638e4dd1a701bd017842789982041",
    ),
    (
        "bchtest:pmvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqs6kgdsg2g",
        0x0E,
        "d9fa7c4c6ef56dc4ff423baae6d495dbff663d034a72d1dc7d52cbfe7d1e6858f9d523ac0a7a5c34077638e4dd1a701bd017842789982041",
    ),
    (
        "pref:pmvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqsammyqffl",
        0x0E,
        "d9fa7c4c6ef56dc4ff423baae6d495dbff663d034a72d1dc7d52cbfe7d1e6858f9d523ac0a7a5c34077638e4dd1a701bd017842789982041",
    ),
    (
        "prefix:0mvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqsgjrqpnw8",
        0x7E,
        "d9fa7c4c6ef56dc4ff423baae6d495dbff663d034a72d1dc7d52cbfe7d1e6858f9d523ac0a7a5c34077638e4dd1a701bd017842789982041",
    ),
    (
        "bitcoincash:qlg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96mtky5sv5w",
        0x07,
        "d0f346310d5513d9e01e299978624ba883e6bda8f4c60883c10f28c2967e67ec77ecc7eeeaeafc6da89fad72d11ac961e164678b868aeeec5f2c1da08884175b",
    ),
    (
        "bchtest:plg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96mc773cwez",
        0x0F,
        "d0f346310d5513d9e01e299978624ba883e6bda8f4c60883c10f28c2967e67ec77ecc7eeeaeafc6da89fad72d11ac961e164678b868aeeec5f2c1da08884175b",
    ),
    (
        "pref:plg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96mg7pj3lh8",
        0x0F,
        "d0f346310d5513d9e01e299978624ba883e6bda8f4c60883c10f28c2967e67ec77ecc7eeeaeafc6da89fad72d11ac961e164678b868aeeec5f2c1da08884175b",
    ),
    (
        "prefix:0lg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96ms92w6845",
        0x7F,
        "d0f346310d5513d9e01e299978624ba883e6bda8f4c60883c10f28c2967e67ec77ecc7eeeaeafc6da89fad72d11ac961e164678b868aeeec5f2c1da08884175b",
    ),
]

# Valid checksums over payloads that purposely are not addresses.
SPEC_CHECKSUM_VECTORS = [
    "prefix:x64nx6hz",
    "p:gpf8m4h7",
    "bitcoincash:qpzry9x8gf2tvdw0s3jn54khce6mua7lcw20ayyn",
    "bchtest:spectestnetaddressrealrealaddressqpan2k9lh",
    "bchreg:555555555555555555555555555555555555555555555udxmlmrz",
]


def checksum_residue(text: str) -> int:
    prefix, _, payload = text.lower().rpartition(":")
    values = [CHARSET.index(char) for char in payload]
    return cashaddr.polymod([*(ord(char) & 31 for char in prefix), 0, *values])


@pytest.mark.parametrize("text", SPEC_CHECKSUM_VECTORS)
def test_spec_checksum_vector_has_a_valid_checksum(text: str) -> None:
    assert checksum_residue(text) == 0
    assert checksum_residue(text.upper()) == 0


@pytest.mark.parametrize("text", SPEC_CHECKSUM_VECTORS)
def test_changing_one_character_breaks_the_checksum(text: str) -> None:
    last = text[-1]
    typo = text[:-1] + ("q" if last != "q" else "p")
    assert checksum_residue(typo) != 0


@pytest.mark.parametrize(("text", "version_byte", "data_hex"), SPEC_PAYLOAD_VECTORS)
def test_spec_vector_decodes_to_its_version_and_data(
    text: str, version_byte: int, data_hex: str
) -> None:
    prefix = text.partition(":")[0]
    expected = CashAddrPayload(
        prefix=prefix, version_byte=version_byte, data=bytes.fromhex(data_hex)
    )
    assert cashaddr.decode(text, default_prefix="unused") == expected
    assert cashaddr.decode(text.upper(), default_prefix="unused") == expected


@pytest.mark.parametrize(("text", "version_byte", "data_hex"), SPEC_PAYLOAD_VECTORS)
def test_spec_vector_encodes_back_to_itself(text: str, version_byte: int, data_hex: str) -> None:
    prefix = text.partition(":")[0]
    payload = CashAddrPayload(
        prefix=prefix, version_byte=version_byte, data=bytes.fromhex(data_hex)
    )
    assert cashaddr.encode(payload) == text


def test_prefix_left_out_is_checked_as_the_default_prefix() -> None:
    payload = cashaddr.decode(
        "qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2", default_prefix="bitcoincash"
    )
    assert payload.prefix == "bitcoincash"
    assert payload.data.hex() == "f5bf48b397dae70be82b3cca4793f8eb2b6cdac9"


@pytest.mark.parametrize(
    ("text", "message_fragment"),
    [
        ("bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg3", "Invalid CashAddr checksum"),
        # A vector under another network's prefix: the prefix is part of the checksum.
        ("bitcoincash:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t", "Invalid CashAddr checksum"),
        ("bitcoincash:Qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2", "Mixed-case CashAddr"),
        (
            "bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekgb",
            "Invalid CashAddr character 'b'",
        ),
        (
            "bitcoincash:bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2",
            "more than one prefix",
        ),
        (":qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2", "Empty CashAddr prefix"),
        ("bitcoincash:qr6m7j9", "too short to hold a checksum"),
        ("prefix:x64nx6hz", "no version byte"),
    ],
)
def test_malformed_cashaddr_is_rejected(text: str, message_fragment: str) -> None:
    with pytest.raises(InvalidAddressError, match=re.escape(message_fragment)):
        cashaddr.decode(text, default_prefix="bitcoincash")
