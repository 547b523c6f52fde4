"""Extended keys as pasted: BIP-32 vector 5, private and testnet keys, SLIP-132 prefixes."""

from __future__ import annotations

import pytest
from embit import base58

from hd.chains import KEY_VERSIONS, XPUB_VERSION
from hd.errors import HdInputError
from hd.keys import parse_extended_key
from tests.hd.vector_files import bip32_invalid_keys, read

PRIVATE_REASON = "a private key: paste the extended PUBLIC key"
# What parse_extended_key says about each public (or unknown) key of BIP-32 test vector 5, by
# the vector's label; its xprv keys are all refused as private keys before any other check.
REASON_BY_LABEL = {
    "pubkey version / prvkey mismatch": "its version is a public key's but it holds a private",
    "invalid pubkey prefix 04": "its public key starts with 0x04",
    "invalid pubkey prefix 01": "its public key starts with 0x01",
    "zero depth with non-zero parent fingerprint": "depth 0 (a root key) with a non-zero parent",
    "zero depth with non-zero index": "depth 0 (a root key) with a non-zero index",
    "unknown extended key version": "unknown extended-key version 0x",
    "invalid pubkey 020000000000000000000000000000000000000000000000000000000000000007": (
        "its public key is not a point on the secp256k1 curve"
    ),
}
ABANDON_44 = (
    "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoek"
    "kudhUd9yLb6qx39T9nMdj"
)


@pytest.mark.parametrize(("key", "label"), bip32_invalid_keys())
def test_every_invalid_key_of_bip32_vector_5_is_refused_saying_why(key: str, label: str) -> None:
    with pytest.raises(HdInputError) as refused:
        parse_extended_key(key)
    expected = PRIVATE_REASON if key.startswith("xprv") else REASON_BY_LABEL[label]
    assert expected in str(refused.value)
    assert key not in str(refused.value)


def test_vector_5_is_read_whole() -> None:
    keys = bip32_invalid_keys()
    assert len(keys) == 16
    assert {label for key, label in keys if not key.startswith("xprv")} == set(REASON_BY_LABEL)


def test_a_public_key_with_a_wrong_character_fails_its_checksum() -> None:
    wrong = ABANDON_44[:-1] + ("k" if ABANDON_44[-1] != "k" else "m")
    with pytest.raises(HdInputError, match="checksum does not match") as refused:
        parse_extended_key(wrong)
    assert wrong not in str(refused.value)


def test_truncated_and_non_base58_texts_are_not_keys() -> None:
    with pytest.raises(HdInputError, match="decodes to"):
        parse_extended_key(ABANDON_44[:-10])
    with pytest.raises(HdInputError, match="character 5 is not a Base58"):
        parse_extended_key("xpub0" + ABANDON_44[5:])


PRIVATE_KEYS = [
    # SLIP-132 and BIP-84 private account keys of "abandon … about"; BIP-32 vector 1's master.
    "xprv9xpXFhFpqdQK3TmytPBqXtGSwS3DLjojFhTGht8gwAAii8py5X6pxeBnQ6ehJiyJ6nDjWGJfZ95WxByFXVkDxHXrqu53WCRGypk2ttuqncb",
    "yprvAHwhK6RbpuS3dgCYHM5jc2ZvEKd7Bi61u9FVhYMpgMSuZS613T1xxQeKTffhrHY79hZ5PsskBjcc6C2V7DrnsMsNaGDaWev3GLRQRgV7hxF",
    "zprvAdG4iTXWBoARxkkzNpNh8r6Qag3irQB8PzEMkAFeTRXxHpbF9z4QgEvBRmfvqWvGp42t42nvgGpNgYSJA9iefm1yYNZKEm7z6qUWCroSQnE",
    "YprvANkMzkodih9AKfL18akM2RmND5LwAyFo15dBc9FFPiGvzLBBjjjv8ATkEB2Y1mWv6NNaLSpVj8G3XosgVBA9frhpaUL6jHeFQXQTbqVPcv2",
    "ZprvAhadJRUYsNgeAxX7xwXyEWrsP3VP7bFHvC9QPY98miep3RzQzPuUkE7tFNz81gAqW1VP5vR4BncbR6VFCsaAU6PRSp2XKCTjgFU6zRpk6Xp",
    "uprv91G7gZkzehuMVxDJTYE6tLivdF8e4rvzSu1LFfKw3b2Qx1Aj8vpoFnHdfUZ3hmi9jsvPifmZ24RTN2KhwB8BfMLTVqaBReibyaFFcTP1s9n",
]


@pytest.mark.parametrize("key", PRIVATE_KEYS)
def test_private_keys_are_refused_without_echoing_them(key: str) -> None:
    with pytest.raises(HdInputError) as refused:
        parse_extended_key(key)
    assert str(refused.value) == PRIVATE_REASON
    assert key[4:20] not in repr(refused.value)


def test_a_private_key_is_refused_even_when_a_character_is_wrong() -> None:
    with pytest.raises(HdInputError, match="a private key"):
        parse_extended_key(PRIVATE_KEYS[0][:-3] + "abc")


def test_testnet_keys_are_refused() -> None:
    upub = (
        "upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21"
        "XXEMYRUocHqguyjknFHYfgY"
    )
    key = parse_extended_key(ABANDON_44)
    for prefix in ("tpub", "upub", "vpub", "Upub", "Vpub", "ttub"):
        version = next(v for v in KEY_VERSIONS if v.prefix == prefix)
        testnet_key = key.to_base58(version)
        with pytest.raises(HdInputError) as refused:
            parse_extended_key(testnet_key)
        assert str(refused.value) == "testnet key; this server tracks mainnet"
        assert testnet_key not in str(refused.value)
    with pytest.raises(HdInputError, match="testnet key"):
        parse_extended_key(upub)


@pytest.mark.parametrize("version", KEY_VERSIONS, ids=lambda version: version.prefix)
def test_every_version_in_the_table_writes_its_prefix(version: object) -> None:
    key = parse_extended_key(ABANDON_44)
    for depth in (0, 3, 255):
        serialized = bytearray(key.serialize(version))  # type: ignore[arg-type]
        serialized[4] = depth
        assert str(base58.encode_check(bytes(serialized))).startswith(version.prefix)  # type: ignore[attr-defined]


def test_slip132_prefixes_change_only_the_version_bytes() -> None:
    slip132 = read("slip132_vectors.txt")
    xpub_84 = (
        "xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ"
        "4ZeZXYVUhLv1VMrjPC7PW6V"
    )
    zpub_84 = next(line for line in slip132.splitlines() if line.startswith("zpub"))
    as_zpub = parse_extended_key(zpub_84)
    as_xpub = parse_extended_key(xpub_84)
    assert as_zpub.version.prefix == "zpub"
    assert as_xpub.version is XPUB_VERSION
    assert as_zpub.to_xpub() == xpub_84
    assert as_zpub.serialize(XPUB_VERSION) == as_xpub.serialize(XPUB_VERSION)
    for prefix in ("ypub", "Ypub", "Zpub"):
        version = next(v for v in KEY_VERSIONS if v.prefix == prefix)
        converted = parse_extended_key(as_xpub.to_base58(version))
        assert converted.public_key == as_xpub.public_key
        assert converted.chain_code == as_xpub.chain_code
        assert converted.to_xpub() == xpub_84


def test_an_account_key_reports_its_depth_and_parent() -> None:
    key = parse_extended_key(ABANDON_44)
    assert key.depth == 3
    assert key.child_number == 0x80000000
    assert len(key.public_key) == 33
