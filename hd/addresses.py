"""Addresses of derived public keys, in each chain's encoding and exactly as the app stores
them (Base58Check as encoded, bech32 in lower case)."""

from __future__ import annotations

import hashlib
from typing import Final

from embit import base58, hashes
from embit.util import secp256k1

from hd.backend import add_tweak_times_generator
from hd.bech32_encoding import encode_segwit_address
from hd.chains import ChainParams
from hd.script_kinds import ScriptKind

_OP_0: Final = b"\x00"
_PUSH_20: Final = b"\x14"
_PUSH_32: Final = b"\x20"
_PUSH_33: Final = b"\x21"
_OP_CHECKMULTISIG: Final = b"\xae"
_WITNESS_V0: Final = 0
_WITNESS_V1: Final = 1
_ODD_Y: Final = 0x03


def base58check(version: int, payload: bytes) -> str:
    return str(base58.encode_check(bytes([version]) + payload))


def taproot_output_key(public_key: bytes, point: bytes | None = None) -> bytes:
    """BIP-86: the x-only key Q = P + int(hash_TapTweak(x(P)))·G, P with even Y. `point` is
    libsecp256k1's parsed form of `public_key` when the caller has it (saves a square root)."""
    x_only = public_key[1:33]
    tweak = hashes.tagged_hash("TapTweak", x_only)
    if point is None:
        internal_point = secp256k1.ec_pubkey_parse(b"\x02" + x_only)
    elif public_key[0] == _ODD_Y:
        internal_point = secp256k1.ec_pubkey_negate(point)
    else:
        internal_point = point
    output_point = add_tweak_times_generator(internal_point, tweak)
    return bytes(secp256k1.ec_pubkey_serialize(output_point))[1:33]


def sortedmulti_script(threshold: int, public_keys: list[bytes]) -> bytes:
    """BIP-383 sortedmulti: OP_k <keys in byte order> OP_n OP_CHECKMULTISIG."""
    keys = b"".join(_PUSH_33 + key for key in sorted(public_keys))
    return _small_number(threshold) + keys + _small_number(len(public_keys)) + _OP_CHECKMULTISIG


def _small_number(number: int) -> bytes:
    # OP_1…OP_16, then a one-byte push (17…20 keys).
    return bytes([0x50 + number]) if number <= 16 else bytes([1, number])


def single_key_address(
    params: ChainParams, script: ScriptKind, public_key: bytes, point: bytes | None = None
) -> str:
    """The address of `script` over one compressed public key (and its parsed `point`)."""
    if script is ScriptKind.P2PKH:
        return base58check(params.p2pkh_version, hashes.hash160(public_key))
    if script is ScriptKind.P2SH_P2WPKH:
        redeem_script = _OP_0 + _PUSH_20 + hashes.hash160(public_key)
        return _p2sh(params, redeem_script)
    assert params.bech32_hrp is not None, f"{params.name} has no segwit"
    if script is ScriptKind.P2WPKH:
        return encode_segwit_address(params.bech32_hrp, _WITNESS_V0, hashes.hash160(public_key))
    if script is ScriptKind.P2TR:
        return encode_segwit_address(
            params.bech32_hrp, _WITNESS_V1, taproot_output_key(public_key, point)
        )
    raise ValueError(f"{script.value} is not a single-key script")


def multisig_address(
    params: ChainParams, script: ScriptKind, threshold: int, public_keys: list[bytes]
) -> str:
    assert params.bech32_hrp is not None, f"{params.name} has no segwit"
    witness_script_hash = hashlib.sha256(sortedmulti_script(threshold, public_keys)).digest()
    if script is ScriptKind.P2WSH_SORTEDMULTI:
        return encode_segwit_address(params.bech32_hrp, _WITNESS_V0, witness_script_hash)
    if script is ScriptKind.P2SH_P2WSH_SORTEDMULTI:
        return _p2sh(params, _OP_0 + _PUSH_32 + witness_script_hash)
    raise ValueError(f"{script.value} is not a multisig script")


def _p2sh(params: ChainParams, redeem_script: bytes) -> str:
    assert params.p2sh_version is not None, f"{params.name} has no P2SH here"
    return base58check(params.p2sh_version, hashes.hash160(redeem_script))
