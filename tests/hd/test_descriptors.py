"""Descriptors as pasted: BIP-380 checksums and key expressions, the canonical form stored."""

from __future__ import annotations

import re

import pytest

from db.models import Chain
from hd import HdInputError, HdWallet, ScriptKind, parse_hd_input
from hd.chains import CHAIN_PARAMS
from hd.descriptor_checksum import checksum_matches, descriptor_checksum
from hd.descriptors import parse_descriptor
from tests.hd.vector_files import abandon_accounts, read

BITCOIN = CHAIN_PARAMS[Chain.BITCOIN]
XPUB_84 = (
    "xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4Z"
    "eZXYVUhLv1VMrjPC7PW6V"
)
XPUB_44 = (
    "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoek"
    "kudhUd9yLb6qx39T9nMdj"
)
ZPUB_84 = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf3"
    "1mGDtKsAYz2oz2AGutZYs"
)
CANONICAL_84 = f"wpkh([73c5da0a/84h/0h/0h]{XPUB_84}/<0;1>/*)#qf45pmyh"


def bip380_vectors(section: str) -> list[tuple[str, str]]:
    """(label, descriptor) pairs of one list of BIP-380's test vectors."""
    text = read("descriptor_checksum_vectors.txt").split("\n==Test Vectors==\n")[1]
    if section == "checksum":
        text = text.split("The following tests cover key expressions")[0]
    elif section == "valid keys":
        text = text.split("Valid expressions:")[1].split("Invalid expression:")[0]
    else:
        text = text.split("Invalid expression:")[1]
    return re.findall(r"^\* (.+?): <tt>(.*?)</tt>", text, re.MULTILINE)


def test_bip380_checksum_vectors() -> None:
    verdicts = {}
    for label, text in bip380_vectors("checksum"):
        script, _, checksum = text.partition("#")
        try:
            verdicts[label] = "#" in text and checksum_matches(script, checksum)
        except ValueError:
            verdicts[label] = False
    assert verdicts == {
        "Valid checksum": True,
        "No checksum": False,
        "Missing checksum": False,
        "Too long checksum (9 chars)": False,
        "Too short checksum (7 chars)": False,
        "Error in payload": False,
        "Error in checksum": False,
        "Invalid characters in payload": False,
    }
    assert descriptor_checksum("raw(deadbeef)") == "89f8spxm"


@pytest.mark.parametrize(
    ("suffix", "reason"),
    [
        ("#", "has 0 characters"),
        ("#hpg6d6w2x", "has 9 characters"),
        ("#hpg6d6w", "has 7 characters"),
        ("#hpg6d6w3", "expected #hpg6d6w2"),
    ],
)
def test_a_wrong_checksum_is_refused_naming_the_expected_one(suffix: str, reason: str) -> None:
    descriptor = f"wpkh([73c5da0a/84'/0'/0']{XPUB_84}/<0;1>/*)"
    with pytest.raises(HdInputError, match=reason):
        parse_hd_input(descriptor + suffix, Chain.BITCOIN)
    assert parse_hd_input(descriptor + "#hpg6d6w2", Chain.BITCOIN).key_text == CANONICAL_84


def test_bip380_invalid_key_expressions_are_refused() -> None:
    invalid = bip380_vectors("invalid keys")
    assert len(invalid) == 16
    for label, key in invalid:
        with pytest.raises(HdInputError) as refused:
            parse_descriptor(f"wpkh({key})", BITCOIN)
        message = str(refused.value)
        assert "xprv" not in message, label
        assert "L4rK1yDt" not in message, label
        if label == "Invalid hardened indicators":
            assert "invalid hardened marker" in message or "a private key" in message


def test_bip380_valid_key_expressions_are_refused_only_for_what_tracking_needs() -> None:
    reasons = {}
    for label, key in bip380_vectors("valid keys"):
        with pytest.raises(HdInputError) as refused:
            parse_descriptor(f"wpkh({key})", BITCOIN)
        reasons[label] = str(refused.value)
    for label, reason in reasons.items():
        if "private key" in label:
            assert reason == "a private key: paste the extended PUBLIC key", label
        elif "ublic key" in label and "xtended" not in label:
            assert "a single public key has one address" in reason, label
        elif "hardened derivation" in label:
            assert "hardened" in reason, label
        else:
            assert "/0/*, /1/* or /<0;1>/*" in reason or "before /*" in reason, label


@pytest.mark.parametrize(
    ("descriptor", "reason"),
    [
        (f"wpkh({XPUB_84}/0H/*)", "invalid hardened marker"),
        (f"wpkh({XPUB_84}/0f/*)", "invalid hardened marker"),
        (f"wpkh({XPUB_84}/-0/*)", "invalid hardened marker"),
        (f"wpkh([73c5da0a/84H/0h/0h]{XPUB_84}/0/*)", "invalid hardened marker"),
        (f"wpkh({XPUB_84}/0h/*)", "cannot be derived from a public key"),
        (f"wpkh({XPUB_84}/0/*h)", "cannot be derived from a public key"),
        (f"wpkh({XPUB_84}/0/*')", "cannot be derived from a public key"),
        (f"wpkh({XPUB_84}/*)", "followed by its keychain"),
        (f"wpkh({XPUB_84}/0)", "must end with"),
        (f"wpkh({XPUB_84})", "must end with"),
        (f"wpkh({XPUB_84}/2/*)", "0 (receive), 1 (change) or <0;1>"),
        (f"wpkh({XPUB_84}/<1;0>/*)", "the only multipath step tracked is <0;1>"),
        (f"tr({XPUB_84}/<0;1>/*,pk({XPUB_84}/0/*))", "script tree"),
        (f"wsh(multi(1,{XPUB_84}/<0;1>/*))", "sortedmulti"),
        (f"sh(sortedmulti(1,{XPUB_84}/<0;1>/*))", "sh(sortedmulti()) is not supported"),
        (f"wsh(sortedmulti(2,{XPUB_84}/<0;1>/*))", "threshold must be between 1 and 1"),
        (f"wsh(sortedmulti(1,{XPUB_84}/<0;1>/*,{XPUB_44}/0/*))", "must all end in /0/*"),
        (f"wsh(sortedmulti(2,{XPUB_84}/0/*,{XPUB_44}/1/*))", "must all end in /0/*"),
        (f"combo({XPUB_84}/<0;1>/*)", "combo() descriptors are not supported"),
        (f"wpkh({XPUB_84}/<0;1>/*", "not a descriptor"),
        ("addr(bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu)", "addr() descriptors"),
    ],
)
def test_descriptors_that_cannot_be_tracked_are_refused_saying_why(
    descriptor: str, reason: str
) -> None:
    with pytest.raises(HdInputError, match=re.escape(reason)) as refused:
        parse_hd_input(descriptor, Chain.BITCOIN)
    assert XPUB_84[4:] not in str(refused.value)
    assert XPUB_44[4:] not in str(refused.value)


def test_private_keys_inside_descriptors_are_refused_without_echo() -> None:
    xprv = (
        "xprv9xpXFhFpqdQK3TmytPBqXtGSwS3DLjojFhTGht8gwAAii8py5X6pxeBnQ6ehJiyJ6nDjWGJfZ95WxByFXVkD"
        "xHXrqu53WCRGypk2ttuqncb"
    )
    wif = "L4rK1yDtCWekvXuE6oXD9jCYfFNV2cWRpVuPLBcCU2z8TrisoyY1"
    for descriptor in (f"pkh({xprv}/<0;1>/*)", f"wpkh({wif})", f"tr([73c5da0a/86h]{xprv}/0/*)"):
        with pytest.raises(HdInputError) as refused:
            parse_hd_input(descriptor, Chain.BITCOIN)
        assert str(refused.value) == "a private key: paste the extended PUBLIC key"


def test_every_abandon_descriptor_gives_its_canonical_form_and_addresses() -> None:
    accounts = abandon_accounts()
    assert len(accounts) == 4
    for account in accounts:
        receive, change, multipath = account.descriptors
        wallets = {HdWallet.from_descriptor(text, Chain.BITCOIN) for text in account.descriptors}
        assert len(wallets) == 1, "/0/*, /1/* and /<0;1>/* are one wallet"
        wallet = wallets.pop()
        expected_script = multipath.split("#")[0].replace("'", "h")
        assert wallet.descriptor == f"{expected_script}#{descriptor_checksum(expected_script)}"
        for path, address in account.first_addresses.items():
            keychain, index = (int(part) for part in path.split("/"))
            assert wallet.address(keychain, index) == address
        derived = wallet.derive(0, 0, 3) + wallet.derive(1, 0, 3)
        assert derived[0].path.startswith("m/")
        assert derived[0].path.endswith("h/0h/0h/0/0")
        assert [a.address for a in derived if a.path.endswith(("/0/0", "/0/1", "/1/0"))] == [
            account.first_addresses["0/0"],
            account.first_addresses["0/1"],
            account.first_addresses["1/0"],
        ]
        # The checksums of the file are right as given (h or ' markers alike).
        for text in (receive, change, multipath):
            script, _, checksum = text.partition("#")
            assert descriptor_checksum(script) == checksum


def test_the_canonical_bip84_descriptor_is_the_documented_one() -> None:
    spellings = [
        f"wpkh([73c5da0a/84'/0'/0']{XPUB_84}/0/*)#wc3n3van",
        f"wpkh([73c5da0a/84'/0'/0']{XPUB_84}/1/*)#lv5jvedt",
        f"wpkh([73C5DA0A/84h/0'/0h]{XPUB_84}/<0;1>/*)",
        f"wpkh([73c5da0a/84h/0h/0h]{ZPUB_84}/0/*)",
        f"  wpkh([73c5da0a/84h/0h/0h]{XPUB_84}/<0;1>/*)#qf45pmyh\n",
    ]
    for text in spellings:
        hd_input = parse_hd_input(text, Chain.BITCOIN)
        assert hd_input.key_text == CANONICAL_84
        assert (hd_input.script, hd_input.candidates) == (ScriptKind.P2WPKH, (ScriptKind.P2WPKH,))
        assert hd_input.wallet().descriptor == CANONICAL_84
        assert hd_input.wallet(ScriptKind.P2WPKH) == hd_input.wallet()


def test_a_descriptor_fixes_its_script() -> None:
    hd_input = parse_hd_input(CANONICAL_84, Chain.BITCOIN)
    with pytest.raises(HdInputError, match="for P2WPKH addresses, not P2TR"):
        hd_input.wallet(ScriptKind.P2TR)


def test_steps_between_the_key_and_the_keychain_are_derived() -> None:
    with_step = HdWallet.from_descriptor(f"wpkh({XPUB_84}/7/<0;1>/*)", Chain.BITCOIN)
    assert "/7/<0;1>/*" in with_step.descriptor
    assert with_step.derive(0, 2, 1)[0].path == "7/0/2"
    assert with_step.address(0, 0) != HdWallet.from_descriptor(CANONICAL_84, Chain.BITCOIN).address(
        0, 0
    )


def test_descriptor_scripts_the_chain_lacks_are_refused() -> None:
    with pytest.raises(HdInputError, match="P2WPKH addresses do not exist on Dogecoin"):
        parse_hd_input(CANONICAL_84, Chain.DOGECOIN)
    with pytest.raises(HdInputError, match="P2TR addresses do not exist on Litecoin"):
        parse_hd_input(f"tr({XPUB_84}/<0;1>/*)", Chain.LITECOIN)
