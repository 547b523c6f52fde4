"""Our wallets checked by a second, independent implementation, as an outside client would:
BDK (bdkpython, Rust) reads each canonical descriptor we store (its checksum included) and
derives the first receive and change addresses, which must be ours; the checksum is also
recomputed here with BIP-380's reference algorithm, written out below."""

from __future__ import annotations

import bdkpython as bdk
import pytest
from embit import base58, bech32

from db.models import Chain
from hd import HdWallet, ScriptKind, parse_hd_input
from tests.hd.test_derivation import (
    BLOCKCHAIR_XPUB,
    ELECTRUM_SCRIPT_BY_PREFIX,
    ELECTRUM_SEGWIT_ZPUB,
)
from tests.hd.vector_files import abandon_accounts, electrum_cases

FIRST = 5
ZPUB_84 = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf3"
    "1mGDtKsAYz2oz2AGutZYs"
)
XPUB_44 = (
    "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoek"
    "kudhUd9yLb6qx39T9nMdj"
)
YPUB_49 = (
    "ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9979FfaHxH"
    "crArf3zbeJJJUZPf663zsP"
)


# BIP-380's reference checksum (bitcoin/bips bip-0380.mediawiki), as published.
def _descsum_polymod(symbols: list[int]) -> int:
    generator = [0xF5DEE51989, 0xA9FDCA3312, 0x1BAB10E32D, 0x3706B1677A, 0x644D626FFD]
    chk = 1
    for value in symbols:
        top = chk >> 35
        chk = (chk & 0x7FFFFFFFF) << 5 ^ value
        for i in range(5):
            chk ^= generator[i] if ((top >> i) & 1) else 0
    return chk


def _descsum_expand(s: str) -> list[int]:
    input_charset = (
        "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
        'ijklmnopqrstuvwxyzABCDEFGH`#"\\ '
    )
    groups: list[int] = []
    symbols: list[int] = []
    for c in s:
        v = input_charset.find(c)
        assert v >= 0
        symbols.append(v & 31)
        groups.append(v >> 5)
        if len(groups) == 3:
            symbols.append(groups[0] * 9 + groups[1] * 3 + groups[2])
            groups = []
    if len(groups) == 1:
        symbols.append(groups[0])
    elif len(groups) == 2:
        symbols.append(groups[0] * 3 + groups[1])
    return symbols


def reference_descsum_check(s: str) -> bool:
    checksum_charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    if s[-9:-8] != "#":
        return False
    if not all(x in checksum_charset for x in s[-8:]):
        return False
    symbols = _descsum_expand(s[:-9]) + [checksum_charset.find(x) for x in s[-8:]]
    return _descsum_polymod(symbols) == 1


def wallets_to_check() -> list[pytest.ParameterSet]:
    cases = []
    for account in abandon_accounts():
        for text in account.descriptors:
            function = text.split("(")[0]
            cases.append(pytest.param(text, None, id=f"abandon-{function}-{text.split('/')[1]}"))
    for script in (ScriptKind.P2PKH, ScriptKind.P2SH_P2WPKH, ScriptKind.P2WPKH, ScriptKind.P2TR):
        cases.append(pytest.param(XPUB_44, script, id=f"bare-xpub-as-{script.value}"))
    cases.append(pytest.param(ZPUB_84, None, id="zpub"))
    cases.append(pytest.param(YPUB_49, None, id="ypub"))
    cases.append(pytest.param(BLOCKCHAIR_XPUB, ScriptKind.P2PKH, id="blockchair-xpub"))
    cases.append(pytest.param(ELECTRUM_SEGWIT_ZPUB, None, id="electrum-segwit-depth-1"))
    for number, case in enumerate(electrum_cases()):
        if case.key.startswith("xpub") and case.receive.startswith("3"):
            continue  # bare multisig in P2SH: not a type tracked here
        kind = ELECTRUM_SCRIPT_BY_PREFIX[case.key[:4]]
        cases.append(pytest.param(case.key, kind, id=f"electrum-{number}-{case.key[:4]}"))
    xpub_84 = parse_hd_input(ZPUB_84, Chain.BITCOIN).wallet().descriptor.split("(")[1][:111]
    keys = f"{xpub_84}/<0;1>/*,[73c5da0a/44'/0'/0']{XPUB_44}/<0;1>/*"
    for outer in ("wsh", "sh(wsh"):
        close = ")" * outer.count("(")
        multisig = f"{outer}(sortedmulti(2,{keys})){close}"
        cases.append(pytest.param(multisig, None, id=f"two-of-two-{outer}"))
    return cases


def bdk_addresses(descriptor: str, count: int) -> tuple[list[str], list[str]]:
    parsed = bdk.Descriptor(descriptor, bdk.NetworkKind.MAIN)
    assert parsed.is_multipath()
    receive, change = (
        [str(keychain.derive_address(index, bdk.Network.BITCOIN)) for index in range(count)]
        for keychain in parsed.to_single_descriptors()
    )
    return receive, change


@pytest.mark.parametrize(("text", "script"), wallets_to_check())
def test_bdk_derives_the_same_addresses_from_our_canonical_descriptor(
    text: str, script: ScriptKind | None
) -> None:
    wallet: HdWallet = parse_hd_input(text, Chain.BITCOIN).wallet(script)

    # One multipath descriptor with its checksum: right by BIP-380's own code and by BDK's.
    assert "/<0;1>/*" in wallet.descriptor
    assert reference_descsum_check(wallet.descriptor)
    receive, change = bdk_addresses(wallet.descriptor, FIRST)

    assert [derived.address for derived in wallet.derive(0, 0, FIRST)] == receive
    assert [derived.address for derived in wallet.derive(1, 0, FIRST)] == change


def test_bdk_refuses_our_canonical_descriptor_with_a_wrong_checksum() -> None:
    descriptor = parse_hd_input(ZPUB_84, Chain.BITCOIN).wallet().descriptor
    wrong = descriptor[:-1] + ("q" if descriptor[-1] != "q" else "p")

    assert not reference_descsum_check(wrong)
    with pytest.raises(bdk.DescriptorError.InvalidDescriptorChecksum):
        bdk.Descriptor(wrong, bdk.NetworkKind.MAIN)


def program_of(address: str, chain: Chain) -> bytes:
    """The hash or witness program an address of another chain carries (its script's
    payload), decoded without our code."""
    hrp = {Chain.LITECOIN: "ltc", Chain.DOGECOIN: None}[chain]
    if hrp is not None and address.startswith(hrp + "1"):
        _, program = bech32.decode(hrp, address)
        return bytes(program or b"")
    return bytes(base58.decode_check(address)[1:])


def bdk_program(address: str) -> bytes:
    script = bytes(bdk.Address(address, bdk.Network.BITCOIN).script_pubkey().to_bytes())
    if script[:1] == b"\x76":  # P2PKH: OP_DUP OP_HASH160 <20>
        return script[3:23]
    if script[:1] == b"\xa9":  # P2SH: OP_HASH160 <20> OP_EQUAL
        return script[2:22]
    return script[2:]  # witness v0/v1: OP_n <program>


@pytest.mark.parametrize(
    ("chain", "key", "script", "first_char"),
    [
        pytest.param(Chain.LITECOIN, XPUB_44, ScriptKind.P2PKH, "L", id="litecoin-p2pkh"),
        pytest.param(Chain.LITECOIN, YPUB_49, None, "M", id="litecoin-p2sh-p2wpkh"),
        pytest.param(Chain.LITECOIN, ZPUB_84, None, "l", id="litecoin-p2wpkh"),
        pytest.param(Chain.DOGECOIN, XPUB_44, None, "D", id="dogecoin-p2pkh"),
    ],
)
def test_litecoin_and_dogecoin_addresses_carry_the_scripts_bdk_derives(
    chain: Chain, key: str, script: ScriptKind | None, first_char: str
) -> None:
    """BDK derives Bitcoin only: the same key's Bitcoin scripts must be what our Litecoin and
    Dogecoin addresses encode, under each chain's own version bytes or prefix."""
    ours = parse_hd_input(key, chain).wallet(script)
    as_bitcoin = parse_hd_input(key, Chain.BITCOIN).wallet(ours.script)
    assert ours.descriptor == as_bitcoin.descriptor
    receive, change = bdk_addresses(ours.descriptor, FIRST)

    for keychain, expected in ((0, receive), (1, change)):
        derived = [item.address for item in ours.derive(keychain, 0, FIRST)]
        assert all(address.startswith(first_char) for address in derived)
        assert [program_of(address, chain) for address in derived] == [
            bdk_program(address) for address in expected
        ]
