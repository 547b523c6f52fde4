"""Addresses derived from published keys: BIP-32, 49, 84, 86, Electrum's tests, Blockchair's
example wallet, and Litecoin and Dogecoin checked by a second, independent method."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from embit import bip32, hashes

from addresses import base58 as app_base58
from addresses import parse_address
from addresses.bech32 import decode_segwit
from addresses.bitcoin import BITCOIN_SEGWIT
from addresses.litecoin import LITECOIN_SEGWIT
from db.models import Chain
from hd import HdInputError, HdWallet, ScriptKind, parse_hd_input
from hd.addresses import base58check, taproot_output_key
from hd.chains import KEY_VERSION_BY_PREFIX
from hd.derivation import ChildKey
from hd.keys import decode_extended_key, parse_extended_key
from tests.hd.vector_files import (
    bip32_chains,
    blockchair_checked_addresses,
    electrum_cases,
    read,
)

ABANDON_44 = (
    "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoek"
    "kudhUd9yLb6qx39T9nMdj"
)
ABANDON_84_ZPUB = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf3"
    "1mGDtKsAYz2oz2AGutZYs"
)
ABANDON_86 = (
    "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY4"
    "9yfdDEHGCtMMj92pReUsQ"
)
BLOCKCHAIR_XPUB = (
    "xpub6CUGRUonZSQ4TWtTMmzXdrXDtypWKiKrhko4egpiMZbpiaQL2jkwSB1icqYh2cfDfVxdx4df189oLKnC5fSwqP"
    "fgyP3hooxujYzAu3fDVmz"
)


def public_step_pairs() -> list[tuple[str, str, int]]:
    """(parent xpub, child xpub, index) for every unhardened step of BIP-32 vectors 1-4."""
    pairs = []
    for chain in bip32_chains():
        for parent, child in itertools.pairwise(chain):
            last_step = child.path.rsplit("/", 1)[1]
            if not last_step.endswith("H"):
                pairs.append((parent.xpub, child.xpub, int(last_step)))
    return pairs


def test_bip32_vectors_have_unhardened_steps_to_check() -> None:
    # m/0H/1 and m/0H/1/2H/2, m/…/2H/2/1000000000 (vector 1); m/0, m/0/…H/1, …/2 (vector 2).
    assert len(public_step_pairs()) == 6


@pytest.mark.parametrize(("parent", "child", "index"), public_step_pairs())
def test_bip32_public_derivation_gives_the_published_child(
    parent: str, child: str, index: int
) -> None:
    parent_key = parse_extended_key(parent)
    expected = parse_extended_key(child)
    derived = ChildKey.from_public_key(parent_key.public_key, parent_key.chain_code).child(index)
    assert derived.public_key == expected.public_key
    assert derived.chain_code == expected.chain_code
    assert expected.parent_fingerprint == parent_key.fingerprint


def test_every_bip32_xpub_reads_and_writes_back_unchanged() -> None:
    # Vectors 3 and 4 are there for leading zeros, which a careless encoder drops.
    steps = [step for chain in bip32_chains() for step in chain]
    assert len(steps) == 17
    for step in steps:
        key = parse_extended_key(step.xpub)
        assert key.to_xpub() == step.xpub
        assert key.depth == step.path.count("/")


def test_bip49_testnet_vector_at_the_derivation_level() -> None:
    # upub input is refused at parse level; the network-agnostic part is the same code.
    upub = next(
        line.split("=")[1].split()[0]
        for line in read("bip49_vectors.txt").splitlines()
        if "account0Xpub" in line
    )
    version, body = decode_extended_key(upub)
    assert version == KEY_VERSION_BY_PREFIX["upub"].version
    account = ChildKey.from_public_key(body[41:74], body[9:41])
    public_key = account.child(0).child_public_key(0)
    assert public_key.hex() == "03a1af804ac108a8a51782198c2d034b28bf90c8803f5a53f76276fa69a4eae77f"
    key_hash = hashes.hash160(public_key)
    assert key_hash.hex() == "38971f73930f6c141d977ac4fd4a727c854935b3"
    script_hash = hashes.hash160(b"\x00\x14" + key_hash)
    assert script_hash.hex() == "336caa13e08b96080a32b5d818d59b4ab3b36742"
    testnet_p2sh_version = 0xC4
    assert base58check(testnet_p2sh_version, script_hash) == "2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2"


def test_bip84_first_addresses() -> None:
    wallet = parse_hd_input(ABANDON_84_ZPUB, Chain.BITCOIN).wallet()
    assert wallet.script is ScriptKind.P2WPKH
    assert [a.address for a in wallet.derive(0, 0, 2)] == [
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
        "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g",
    ]
    assert wallet.address(1, 0) == "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"


BIP86_OUTPUTS = {
    (0, 0): ("cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115",
             "a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c",
             "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"),
    (0, 1): ("83dfe85a3151d2517290da461fe2815591ef69f2b18a2ce63f01697a8b313145",
             "a82f29944d65b86ae6b5e5cc75e294ead6c59391a1edc5e016e3498c67fc7bbb",
             "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh"),
    (1, 0): ("399f1b2f4393f29a18c937859c5dd8a77350103157eb880f02e8c08214277cef",
             "882d74e5d0572d5a816cef0041a96b6c1de832f6f9676d9605c44d5e9a97d3dc",
             "bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7"),
}  # fmt: skip


@pytest.mark.parametrize(("keychain", "index"), list(BIP86_OUTPUTS))
def test_bip86_tweaks_the_internal_key(keychain: int, index: int) -> None:
    internal, output, address = BIP86_OUTPUTS[(keychain, index)]
    assert all(value in read("bip86_vectors.txt") for value in (internal, output, address))
    account = parse_extended_key(ABANDON_86)
    chain_key = ChildKey.from_public_key(account.public_key, account.chain_code).child(keychain)
    public_key = chain_key.child_public_key(index)
    assert public_key[1:].hex() == internal
    assert taproot_output_key(public_key).hex() == output
    wallet = parse_hd_input(ABANDON_86, Chain.BITCOIN).wallet(ScriptKind.P2TR)
    assert wallet.address(keychain, index) == address


ELECTRUM_SCRIPT_BY_PREFIX = {
    "xpub": ScriptKind.P2PKH,
    "ypub": ScriptKind.P2SH_P2WPKH,
    "zpub": ScriptKind.P2WPKH,
    "Ypub": ScriptKind.P2SH_P2WSH_SORTEDMULTI,
    "Zpub": ScriptKind.P2WSH_SORTEDMULTI,
}


def test_electrum_keys_give_electrums_first_receive_and_change_addresses() -> None:
    cases = electrum_cases()
    checked = 0
    for case in cases:
        hd_input = parse_hd_input(case.key, Chain.BITCOIN)
        if case.key.startswith("xpub") and case.receive.startswith("3"):
            # Electrum's 1-of-1 multisig over an xpub is bare multisig in P2SH: not a type
            # tracked here, so not a candidate.
            assert ScriptKind.P2WSH_SORTEDMULTI not in hd_input.candidates
            with pytest.raises(HdInputError):
                hd_input.wallet(ScriptKind.P2SH_P2WSH_SORTEDMULTI)
            continue
        wallet = hd_input.wallet(ELECTRUM_SCRIPT_BY_PREFIX[case.key[:4]])
        assert wallet.address(0, 0) == case.receive
        if case.change:
            assert wallet.address(1, 0) == case.change
        checked += 1
    assert (len(cases), checked) == (10, 9)


def test_electrum_root_keys_have_their_own_fingerprint_as_origin() -> None:
    root = (
        "xpub661MyMwAqRbcGH3yTb2kMQGnsLziRTJZ8vNthsVSCGbdBr8CGDWKxnGAFYgyKTzBtwvPPmfVAWJuFmxRXjSbUT"
        "g87wDkWQ5GmzpfUcN9t8Z"
    )
    wallet = parse_hd_input(root, Chain.BITCOIN).wallet(ScriptKind.P2PKH)
    fingerprint = parse_extended_key(root).fingerprint.hex()
    assert wallet.descriptor.startswith(f"pkh([{fingerprint}]xpub661MyMwAqRbc")
    assert wallet.derive(1, 0, 1)[0].path == "m/1/0"
    assert wallet.derive(1, 0, 1)[0].address == "1EEX7da31qndYyeKdbM665w1ze5gbkkAZZ"


# Electrum's own seeds (spesmilo/electrum tests/test_wallet_vertical.py,
# test_electrum_seed_segwit; electrum-ltc's copy for Litecoin): the wallet key is m/0' (depth 1).
ELECTRUM_SEGWIT_ZPUB = (
    "zpub6nsHdRuY92FsMKdbn9BfjBCG6X8pyhCibNP6uDvpnw2cyrVhecvHRMa3Ne8kdJZxjxgwnpbHLkcR4bfnhHy6au"
    "HPJyDTQ3kianeuVLdkCYQ"
)


@pytest.mark.parametrize(
    ("chain", "receive", "change"),
    [
        (
            Chain.BITCOIN,
            "bc1q3g5tmkmlvxryhh843v4dz026avatc0zzr6h3af",
            "bc1qdy94n2q5qcp0kg7v9yzwe6wvfkhnvyzje7nx2p",
        ),
        (
            Chain.LITECOIN,
            "ltc1q3g5tmkmlvxryhh843v4dz026avatc0zz8xd49e",
            "ltc1qdy94n2q5qcp0kg7v9yzwe6wvfkhnvyzjazfzj3",
        ),
    ],
)
def test_an_electrum_segwit_seed_s_wallet_key_at_depth_1_gives_electrums_addresses(
    chain: Chain, receive: str, change: str
) -> None:
    assert parse_extended_key(ELECTRUM_SEGWIT_ZPUB).depth == 1
    wallet = parse_hd_input(ELECTRUM_SEGWIT_ZPUB, chain).wallet()

    assert wallet.script is ScriptKind.P2WPKH
    assert (wallet.address(0, 0), wallet.address(1, 0)) == (receive, change)
    assert wallet.derive(0, 0, 1)[0].path == "0/0"


def test_the_blockchair_example_wallets_80_addresses_with_their_paths() -> None:
    expected = blockchair_checked_addresses()
    assert len(expected) == 80
    wallet = parse_hd_input(BLOCKCHAIR_XPUB, Chain.BITCOIN).wallet(ScriptKind.P2PKH)
    derived = wallet.derive(0, 0, 60) + wallet.derive(1, 0, 20)
    assert [(a.path, a.address) for a in derived] == expected


def embit_child_public_key(key_text: str, keychain: int, index: int) -> bytes:
    """The second method: embit's own HDKey derivation, from the xpub form of the key."""
    xpub = parse_extended_key(key_text).to_xpub()
    return bytes(bip32.HDKey.from_base58(xpub).derive([keychain, index]).key.sec())


def with_prefix(key_text: str, prefix: str) -> str:
    return parse_extended_key(key_text).to_base58(KEY_VERSION_BY_PREFIX[prefix])


def test_litecoin_p2pkh_from_an_ltub() -> None:
    ltub = with_prefix(ABANDON_44, "Ltub")
    hd_input = parse_hd_input(ltub, Chain.LITECOIN)
    assert hd_input.candidates == (ScriptKind.P2WPKH, ScriptKind.P2PKH, ScriptKind.P2SH_P2WPKH)
    wallet = hd_input.wallet(ScriptKind.P2PKH)
    for derived in wallet.derive(0, 0, 3) + wallet.derive(1, 0, 3):
        assert derived.address.startswith("L")
        version, key_hash = app_base58.decode_check(derived.address)
        public_key = embit_child_public_key(ltub, derived.keychain, derived.index)
        assert (version, key_hash) == (0x30, hashes.hash160(public_key))
    # Same key material as the Bitcoin vector: the same hash under Litecoin's version byte.
    _, bitcoin_hash = app_base58.decode_check("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA")
    assert app_base58.decode_check(wallet.address(0, 0)) == (0x30, bitcoin_hash)


def test_litecoin_p2sh_p2wpkh_from_an_mtub_and_p2wpkh_from_a_zpub() -> None:
    mtub = with_prefix(ABANDON_84_ZPUB, "Mtub")
    nested = parse_hd_input(mtub, Chain.LITECOIN)
    assert nested.script is ScriptKind.P2SH_P2WPKH
    native = parse_hd_input(ABANDON_84_ZPUB, Chain.LITECOIN).wallet()
    for index in range(3):
        public_key = embit_child_public_key(mtub, 0, index)
        redeem_script = b"\x00\x14" + hashes.hash160(public_key)
        address = nested.wallet().address(0, index)
        assert address.startswith("M")
        assert app_base58.decode_check(address) == (0x32, hashes.hash160(redeem_script))
        segwit = native.address(0, index)
        assert segwit.startswith("ltc1q")
        assert decode_segwit(segwit, LITECOIN_SEGWIT).program == hashes.hash160(public_key)


def test_litecoin_has_no_taproot_candidate() -> None:
    hd_input = parse_hd_input(ABANDON_86, Chain.LITECOIN)
    assert ScriptKind.P2TR not in hd_input.candidates
    with pytest.raises(HdInputError, match="P2TR is not a script type of this key"):
        hd_input.wallet(ScriptKind.P2TR)


@pytest.mark.parametrize("prefix", ["xpub", "dgub"])
def test_dogecoin_p2pkh(prefix: str) -> None:
    key_text = with_prefix(ABANDON_44, prefix)
    hd_input = parse_hd_input(key_text, Chain.DOGECOIN)
    assert (hd_input.script, hd_input.candidates) == (ScriptKind.P2PKH, (ScriptKind.P2PKH,))
    wallet = hd_input.wallet()
    _, bitcoin_hash = app_base58.decode_check("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA")
    assert app_base58.decode_check(wallet.address(0, 0)) == (0x1E, bitcoin_hash)
    for derived in wallet.derive(0, 0, 3) + wallet.derive(1, 0, 3):
        assert derived.address.startswith("D")
        public_key = embit_child_public_key(key_text, derived.keychain, derived.index)
        assert app_base58.decode_check(derived.address) == (0x1E, hashes.hash160(public_key))


@pytest.mark.parametrize(
    ("chain", "descriptor_or_key", "script"),
    [
        (Chain.BITCOIN, ABANDON_44, ScriptKind.P2PKH),
        (Chain.BITCOIN, ABANDON_84_ZPUB, ScriptKind.P2WPKH),
        (Chain.BITCOIN, ABANDON_44, ScriptKind.P2SH_P2WPKH),
        (Chain.BITCOIN, ABANDON_86, ScriptKind.P2TR),
        (Chain.BITCOIN, "Zpub", ScriptKind.P2WSH_SORTEDMULTI),
        (Chain.BITCOIN, "Ypub", ScriptKind.P2SH_P2WSH_SORTEDMULTI),
        (Chain.LITECOIN, ABANDON_44, ScriptKind.P2PKH),
        (Chain.LITECOIN, ABANDON_44, ScriptKind.P2SH_P2WPKH),
        (Chain.LITECOIN, ABANDON_44, ScriptKind.P2WPKH),
        (Chain.LITECOIN, "Zpub", ScriptKind.P2WSH_SORTEDMULTI),
        (Chain.LITECOIN, "Ypub", ScriptKind.P2SH_P2WSH_SORTEDMULTI),
        (Chain.DOGECOIN, ABANDON_44, ScriptKind.P2PKH),
    ],
)
def test_derived_addresses_are_stored_as_the_app_stores_addresses(
    chain: Chain, descriptor_or_key: str, script: ScriptKind
) -> None:
    key_text = descriptor_or_key
    if key_text in ("Zpub", "Ypub"):
        key_text = with_prefix(ABANDON_44, key_text)
    wallet = parse_hd_input(key_text, chain).wallet(script)
    assert wallet.script is script
    for derived in wallet.derive(0, 0, 5) + wallet.derive(1, 0, 5):
        assert parse_address(chain, derived.address).canonical == derived.address


def test_two_of_two_sortedmulti_sorts_the_keys_per_index() -> None:
    xpub_84 = parse_extended_key(ABANDON_84_ZPUB).to_xpub()
    key_84 = f"[73c5da0a/84h/0h/0h]{xpub_84}/<0;1>/*"
    key_44 = f"[73c5da0a/44h/0h/0h]{ABANDON_44}/<0;1>/*"
    wallet = HdWallet.from_descriptor(f"wsh(sortedmulti(2,{key_84},{key_44}))", Chain.BITCOIN)
    swapped = HdWallet.from_descriptor(f"wsh(sortedmulti(2,{key_44},{key_84}))", Chain.BITCOIN)
    assert wallet.script is ScriptKind.P2WSH_SORTEDMULTI
    assert swapped == wallet
    for index in range(3):
        keys = sorted(embit_child_public_key(key, 0, index) for key in (xpub_84, ABANDON_44))
        witness_script = b"\x52" + b"".join(b"\x21" + key for key in keys) + b"\x52\xae"
        address = wallet.address(0, index)
        assert decode_segwit_bitcoin(address) == hashlib.sha256(witness_script).digest()
    # Origins differ between the keys: paths are relative.
    assert wallet.derive(1, 4, 1)[0].path == "1/4"


def decode_segwit_bitcoin(address: str) -> bytes:
    return decode_segwit(address, BITCOIN_SEGWIT).program
