"""Extended public keys (BIP-32): read one as pasted, check it as BIP-32 vector 5 asks, and
write it again with other version bytes (SLIP-132 prefixes change nothing else)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from embit import base58, hashes
from embit.util import secp256k1

from hd.chains import (
    KEY_VERSION_BY_BYTES,
    KEY_VERSION_BY_PREFIX,
    XPUB_VERSION,
    ChainParams,
    KeyNetwork,
    KeyVersion,
)
from hd.errors import HdInputError

PRIVATE_KEY_REASON: Final = "a private key: paste the extended PUBLIC key"
TESTNET_REASON: Final = "testnet key; this server tracks mainnet"
SERIALIZED_LENGTH: Final = 78
_CHECKSUM_LENGTH: Final = 4
_PRIVATE_PREFIXES: Final = frozenset(
    key.prefix for key in KEY_VERSION_BY_PREFIX.values() if key.private
)
_BASE58_DIGITS: Final = frozenset(base58.B58_DIGITS)


@dataclass(frozen=True)
class ExtendedPublicKey:
    """The key material of an extended public key, and the version it was pasted with."""

    version: KeyVersion
    depth: int
    parent_fingerprint: bytes
    child_number: int
    chain_code: bytes
    public_key: bytes  # compressed SEC, 33 bytes

    @property
    def fingerprint(self) -> bytes:
        """The first 4 bytes of HASH160 of the key (BIP-32 key identifier)."""
        return bytes(hashes.hash160(self.public_key)[:4])

    def serialize(self, version: KeyVersion) -> bytes:
        return (
            version.version.to_bytes(4, "big")
            + bytes([self.depth])
            + self.parent_fingerprint
            + self.child_number.to_bytes(4, "big")
            + self.chain_code
            + self.public_key
        )

    def to_base58(self, version: KeyVersion | None = None) -> str:
        return str(base58.encode_check(self.serialize(version or self.version)))

    def to_xpub(self) -> str:
        """The same key with `xpub` bytes, as descriptors write it."""
        return self.to_base58(XPUB_VERSION)


def has_private_prefix(text: str) -> bool:
    return text[:4] in _PRIVATE_PREFIXES


def decode_extended_key(text: str) -> tuple[int, bytes]:
    """The version and the 74 bytes after it of a Base58Check string of 78 bytes."""
    if has_private_prefix(text):
        raise HdInputError(PRIVATE_KEY_REASON)
    for position, char in enumerate(text):
        if char not in _BASE58_DIGITS:
            raise HdInputError(
                f"not an extended key: character {position + 1} is not a Base58 character"
            )
    decoded = bytes(base58.decode(text))
    if len(decoded) != SERIALIZED_LENGTH + _CHECKSUM_LENGTH:
        raise HdInputError(
            f"not an extended key: it decodes to {len(decoded) - _CHECKSUM_LENGTH} bytes,"
            f" an extended key has {SERIALIZED_LENGTH}"
        )
    payload, checksum = decoded[:-_CHECKSUM_LENGTH], decoded[-_CHECKSUM_LENGTH:]
    if hashes.double_sha256(payload)[:_CHECKSUM_LENGTH] != checksum:
        raise HdInputError(
            "the extended key's checksum does not match: a character is wrong or missing"
        )
    return int.from_bytes(payload[:4], "big"), payload[4:]


def parse_extended_key(text: str) -> ExtendedPublicKey:
    """Read an extended public key of any network; HdInputError saying what is wrong with it
    (private, testnet, unknown version, or any check of BIP-32 vector 5)."""
    version_bytes, body = decode_extended_key(text)
    version = KEY_VERSION_BY_BYTES.get(version_bytes)
    if version is None:
        raise HdInputError(
            f"unknown extended-key version 0x{version_bytes:08x}: expected an xpub, ypub, zpub,"
            " Ypub, Zpub, Ltub, Mtub or dgub"
        )
    if version.private:
        raise HdInputError(PRIVATE_KEY_REASON)
    if version.network is KeyNetwork.TESTNET:
        raise HdInputError(TESTNET_REASON)
    depth = body[0]
    parent_fingerprint = body[1:5]
    child_number = int.from_bytes(body[5:9], "big")
    chain_code = body[9:41]
    public_key = body[41:74]
    _check_public_key(public_key)
    if depth == 0 and parent_fingerprint != bytes(4):
        raise HdInputError(
            "invalid extended key: depth 0 (a root key) with a non-zero parent fingerprint"
        )
    if depth == 0 and child_number != 0:
        raise HdInputError("invalid extended key: depth 0 (a root key) with a non-zero index")
    return ExtendedPublicKey(
        version=version,
        depth=depth,
        parent_fingerprint=parent_fingerprint,
        child_number=child_number,
        chain_code=chain_code,
        public_key=public_key,
    )


def _check_public_key(public_key: bytes) -> None:
    prefix = public_key[0]
    if prefix == 0x00:
        raise HdInputError(
            "invalid extended key: its version is a public key's but it holds a private key"
        )
    if prefix not in (0x02, 0x03):
        raise HdInputError(
            f"invalid extended key: its public key starts with 0x{prefix:02x};"
            " a compressed public key starts with 0x02 or 0x03"
        )
    try:
        secp256k1.ec_pubkey_parse(public_key)
    except ValueError:
        raise HdInputError(
            "invalid extended key: its public key is not a point on the secp256k1 curve"
        ) from None


def check_key_for_chain(key: ExtendedPublicKey, params: ChainParams) -> None:
    """HdInputError when a key's prefix belongs to another chain or announces a script the
    chain does not have (a zpub on Dogecoin)."""
    version = key.version
    if version.prefix in params.key_prefixes:
        return
    if version.network is not params.key_network and version.network is not KeyNetwork.BITCOIN:
        raise HdInputError(
            f"a {version.network.value} key ({version.prefix}); this wallet's chain is"
            f" {params.name}"
        )
    accepted = ", ".join(sorted(params.key_prefixes))
    raise HdInputError(
        f"{version.prefix} keys are for {version.script.value if version.script else 'other'}"
        f" addresses, which {params.name} does not have: paste one of {accepted}"
    )
