"""What a user pastes: which texts are HD input, what a key or descriptor means per chain."""

from __future__ import annotations

import re

import pytest
from embit import base58

from db.models import Chain
from hd import HdInputError, HdWallet, ScriptKind, looks_like_hd_input, parse_hd_input
from hd.chains import KEY_VERSION_BY_PREFIX, KEY_VERSIONS
from hd.keys import parse_extended_key

ABANDON_44 = (
    "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoek"
    "kudhUd9yLb6qx39T9nMdj"
)
# BIP-32 vector 1: m/0H/1 (depth 2), m/0H/1/2H/2 (depth 4).
DEPTH_2 = (
    "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqc"
    "k2AxYysAA7xmALppuCkwQ"
)
DEPTH_4 = (
    "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cf"
    "N7fe5JnJ7dh8zL4fiyLHV"
)


def with_prefix(prefix: str, key_text: str = ABANDON_44) -> str:
    return parse_extended_key(key_text).to_base58(KEY_VERSION_BY_PREFIX[prefix])


@pytest.mark.parametrize("prefix", [version.prefix for version in KEY_VERSIONS])
def test_every_known_prefix_looks_like_hd_input(prefix: str) -> None:
    serialized = bytearray(parse_extended_key(ABANDON_44).serialize(KEY_VERSION_BY_PREFIX[prefix]))
    assert looks_like_hd_input(str(base58.encode_check(bytes(serialized))))


@pytest.mark.parametrize(
    "text",
    [
        f"wpkh({ABANDON_44}/<0;1>/*)",
        f"  pkh([73c5da0a/44h/0h/0h]{ABANDON_44}/0/*)#8w4z8fed ",
        f"tr({ABANDON_44}/0/*",  # broken, but meant as a descriptor: gets a descriptor error
        # BIP-32 vector 5's unknown version: no known prefix, still an extended key.
        "DMwo58pR1QLEFihHiXPVykYB6fJmsTeHvyTp7hRThAtCX8CvYzgPcn8XnmdfHGMQzT7ayAmfo4z3gY5KfbrZWZ6St24UVf2Qgo6oujFktLHdHY4",
    ],
)
def test_descriptors_and_extended_keys_look_like_hd_input(text: str) -> None:
    assert looks_like_hd_input(text)


@pytest.mark.parametrize(
    "text",
    [
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
        "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA",
        "LdP8Qox1VAhCzLJNqrr74YovaWYyNBUWvL",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "xpubAbCdEfGhJkLmNpQrStUvWxYz1234567890abcdefgh",  # a Solana-length base58 string
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
        "",
    ],
)
def test_addresses_do_not_look_like_hd_input(text: str) -> None:
    assert not looks_like_hd_input(text)


def test_a_bare_xpub_offers_the_types_to_probe_in_order() -> None:
    hd_input = parse_hd_input(f" {ABANDON_44}\n", Chain.BITCOIN)
    assert hd_input.key_text == ABANDON_44
    assert hd_input.script is None
    assert hd_input.candidates == (
        ScriptKind.P2WPKH,
        ScriptKind.P2PKH,
        ScriptKind.P2SH_P2WPKH,
        ScriptKind.P2TR,
    )
    with pytest.raises(HdInputError, match="choose one of P2WPKH, P2PKH, P2SH_P2WPKH, P2TR"):
        hd_input.wallet()
    with pytest.raises(HdInputError, match="P2WSH_SORTEDMULTI is not a script type of this key"):
        hd_input.wallet(ScriptKind.P2WSH_SORTEDMULTI)
    legacy = hd_input.wallet(ScriptKind.P2PKH)
    assert legacy.descriptor.startswith(f"pkh({ABANDON_44}/<0;1>/*)#")
    assert legacy.address(0, 0) == "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"
    assert legacy.derive(0, 5, 1)[0].path == "0/5"


@pytest.mark.parametrize(
    ("prefix", "script", "descriptor_start"),
    [
        ("ypub", ScriptKind.P2SH_P2WPKH, "sh(wpkh(xpub"),
        ("zpub", ScriptKind.P2WPKH, "wpkh(xpub"),
        ("Zpub", ScriptKind.P2WSH_SORTEDMULTI, "wsh(sortedmulti(1,xpub"),
        ("Ypub", ScriptKind.P2SH_P2WSH_SORTEDMULTI, "sh(wsh(sortedmulti(1,xpub"),
    ],
)
def test_slip132_prefixes_fix_the_script(
    prefix: str, script: ScriptKind, descriptor_start: str
) -> None:
    key_text = with_prefix(prefix)
    hd_input = parse_hd_input(key_text, Chain.BITCOIN)
    assert (hd_input.key_text, hd_input.script, hd_input.candidates) == (
        key_text,
        script,
        (script,),
    )
    wallet = hd_input.wallet()
    assert wallet.descriptor.startswith(descriptor_start)
    assert key_text not in wallet.descriptor
    assert wallet == hd_input.wallet(script)
    with pytest.raises(HdInputError, match=f"for {script.value} addresses, not P2PKH"):
        hd_input.wallet(ScriptKind.P2PKH)


@pytest.mark.parametrize(
    ("key_text", "reason"),
    [
        (DEPTH_2, "this key is at depth 2: paste the account key (depth 3"),
        (DEPTH_4, "depth 4, a receive or change chain key"),
    ],
)
def test_keys_at_other_depths_are_refused_saying_what_to_paste(key_text: str, reason: str) -> None:
    with pytest.raises(HdInputError, match=re.escape(reason)) as refused:
        parse_hd_input(key_text, Chain.BITCOIN)
    assert "root key (depth 0)" in str(refused.value)
    assert key_text not in str(refused.value)


@pytest.mark.parametrize("chain", [Chain.BITCOIN_CASH, Chain.ETHEREUM, Chain.SOLANA])
def test_other_chains_have_no_hd_wallets(chain: Chain) -> None:
    with pytest.raises(
        HdInputError, match="HD wallets are supported on Bitcoin, Litecoin and Dogecoin"
    ):
        parse_hd_input(ABANDON_44, chain)
    with pytest.raises(HdInputError, match="HD wallets are supported"):
        HdWallet.from_descriptor(f"pkh({ABANDON_44}/<0;1>/*)", chain)


@pytest.mark.parametrize(
    ("prefix", "chain", "reason"),
    [
        ("Ltub", Chain.BITCOIN, "a Litecoin key (Ltub); this wallet's chain is Bitcoin"),
        ("Mtub", Chain.DOGECOIN, "a Litecoin key (Mtub); this wallet's chain is Dogecoin"),
        ("dgub", Chain.LITECOIN, "a Dogecoin key (dgub); this wallet's chain is Litecoin"),
        ("zpub", Chain.DOGECOIN, "zpub keys are for P2WPKH addresses, which Dogecoin does not"),
        ("Ypub", Chain.DOGECOIN, "Ypub keys are for P2SH_P2WSH_SORTEDMULTI addresses"),
    ],
)
def test_keys_of_another_chain_are_refused(prefix: str, chain: Chain, reason: str) -> None:
    with pytest.raises(HdInputError, match=re.escape(reason)):
        parse_hd_input(with_prefix(prefix), chain)


def test_litecoin_accepts_bitcoin_prefixes_too() -> None:
    assert parse_hd_input(with_prefix("ypub"), Chain.LITECOIN).wallet().address(0, 0)[0] == "M"
    assert parse_hd_input(with_prefix("zpub"), Chain.LITECOIN).wallet().address(0, 0)[:4] == "ltc1"
    assert parse_hd_input(with_prefix("Mtub"), Chain.LITECOIN).script is ScriptKind.P2SH_P2WPKH


def test_private_and_testnet_keys_are_refused_without_echo() -> None:
    xprv = (
        "xprv9xpXFhFpqdQK3TmytPBqXtGSwS3DLjojFhTGht8gwAAii8py5X6pxeBnQ6ehJiyJ6nDjWGJfZ95WxByFXVkD"
        "xHXrqu53WCRGypk2ttuqncb"
    )
    for text, reason in (
        (xprv, "a private key: paste the extended PUBLIC key"),
        (with_prefix("vpub"), "testnet key; this server tracks mainnet"),
        (with_prefix("tpub"), "testnet key; this server tracks mainnet"),
    ):
        assert looks_like_hd_input(text)
        for chain in (Chain.BITCOIN, Chain.LITECOIN, Chain.DOGECOIN):
            with pytest.raises(HdInputError) as refused:
                parse_hd_input(text, chain)
            assert str(refused.value) == reason
            assert text[4:] not in repr(refused.value)


def test_wallets_are_immutable_values_that_keep_the_key_out_of_their_repr() -> None:
    hd_input = parse_hd_input(with_prefix("zpub"), Chain.BITCOIN)
    wallet = hd_input.wallet()
    assert wallet == HdWallet.from_descriptor(wallet.descriptor, Chain.BITCOIN)
    assert wallet != HdWallet.from_descriptor(wallet.descriptor, Chain.LITECOIN)
    assert len({wallet, hd_input.wallet()}) == 1
    with pytest.raises(AttributeError):
        wallet.descriptor = "pkh()"
    assert "xpub" not in repr(wallet)
    assert "pub" not in repr(hd_input).replace("P2", "")
    with pytest.raises(ValueError, match="keychain 2"):
        wallet.address(2, 0)
    with pytest.raises(ValueError, match="cannot be derived from a public key"):
        wallet.address(0, 2**31)
