"""HD wallets: the addresses of a canonical descriptor, derived from cached keychain keys."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Final

from embit.util import secp256k1

from db.models import Chain
from hd.addresses import multisig_address, single_key_address
from hd.backend import add_tweak_times_generator, log_backend_once
from hd.chains import ChainParams, chain_params
from hd.descriptors import (
    HARDENED,
    KEYCHAINS,
    Descriptor,
    KeyExpression,
    parse_descriptor,
    step_text,
)
from hd.errors import HdInputError
from hd.script_kinds import ScriptKind

MAX_INDEX: Final = HARDENED - 1


@dataclass(frozen=True)
class ChildKey:
    """A public key with its chain code, enough to derive unhardened children."""

    public_key: bytes  # compressed SEC
    chain_code: bytes
    point: bytes  # libsecp256k1's parsed form of public_key

    @classmethod
    def from_public_key(cls, public_key: bytes, chain_code: bytes) -> ChildKey:
        return cls(public_key, chain_code, secp256k1.ec_pubkey_parse(public_key))

    def child_point(self, index: int) -> bytes:
        """CKDpub (BIP-32) without the child's chain code: the child key, parsed form."""
        return add_tweak_times_generator(self.point, self._digest(index)[:32])

    def child_public_key(self, index: int) -> bytes:
        """The compressed child key at `index`."""
        return bytes(secp256k1.ec_pubkey_serialize(self.child_point(index)))

    def child(self, index: int) -> ChildKey:
        digest = self._digest(index)
        point = add_tweak_times_generator(self.point, digest[:32])
        return ChildKey(bytes(secp256k1.ec_pubkey_serialize(point)), digest[32:], point)

    def _digest(self, index: int) -> bytes:
        if not 0 <= index <= MAX_INDEX:
            raise ValueError(f"index {index} cannot be derived from a public key")
        return hmac.digest(self.chain_code, self.public_key + index.to_bytes(4, "big"), "sha512")


@dataclass(frozen=True)
class DerivedAddress:
    keychain: int  # 0 receive, 1 change
    index: int
    address: str
    path: str  # "m/84h/0h/0h/0/5" when the origin is known, else "0/5"


class HdWallet:
    """One HD wallet: a canonical descriptor on a chain. Immutable, hashable by descriptor."""

    __slots__ = ("_chain_keys", "_descriptor", "_params", "_path_prefix", "chain", "descriptor")

    chain: Chain
    descriptor: str
    _descriptor: Descriptor
    _params: ChainParams
    _path_prefix: str
    _chain_keys: dict[int, tuple[ChildKey, ...]]

    def __init__(self, descriptor: Descriptor, params: ChainParams) -> None:
        log_backend_once()
        initial = {
            "_descriptor": descriptor,
            "_params": params,
            "chain": params.chain,
            "descriptor": descriptor.text(),
            "_path_prefix": _path_prefix(descriptor.keys),
            # Keychain -> the key at …/keychain of every key expression, derived once.
            "_chain_keys": {},
        }
        for name, value in initial.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"HdWallet is immutable: {name} cannot be set")

    @classmethod
    def from_descriptor(cls, descriptor: str, chain: Chain) -> HdWallet:
        """Re-open a stored descriptor (or any accepted descriptor text)."""
        params = chain_params(chain)
        return cls(parse_descriptor(descriptor.strip(), params), params)

    @property
    def script(self) -> ScriptKind:
        return self._descriptor.script

    def address(self, keychain: int, index: int) -> str:
        keys = self._keychain_keys(keychain)
        if self.script.is_multisig:
            public_keys = [key.child_public_key(index) for key in keys]
            return multisig_address(
                self._params, self.script, self._descriptor.threshold, public_keys
            )
        point = keys[0].child_point(index)
        public_key = bytes(secp256k1.ec_pubkey_serialize(point))
        return single_key_address(self._params, self.script, public_key, point)

    def derive(self, keychain: int, start: int, count: int) -> list[DerivedAddress]:
        if start < 0 or count < 0 or start + count - 1 > MAX_INDEX:
            raise ValueError(f"indexes {start}…{start + count - 1} are not all in 0…{MAX_INDEX}")
        return [
            DerivedAddress(
                keychain=keychain,
                index=index,
                address=self.address(keychain, index),
                path=f"{self._path_prefix}{keychain}/{index}",
            )
            for index in range(start, start + count)
        ]

    def _keychain_keys(self, keychain: int) -> tuple[ChildKey, ...]:
        keys = self._chain_keys.get(keychain)
        if keys is None:
            if keychain not in KEYCHAINS:
                raise ValueError(f"keychain {keychain}: 0 is receive, 1 is change")
            keys = tuple(
                _keychain_key(expression, keychain) for expression in self._descriptor.keys
            )
            self._chain_keys[keychain] = keys
        return keys

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HdWallet):
            return NotImplemented
        return self.chain is other.chain and self.descriptor == other.descriptor

    def __hash__(self) -> int:
        return hash(self.descriptor)

    def __repr__(self) -> str:
        # The descriptor holds the xpub: a wallet's repr would carry it into logs.
        return f"HdWallet(chain={self.chain.value}, script={self.script.value})"


def _keychain_key(expression: KeyExpression, keychain: int) -> ChildKey:
    key = ChildKey.from_public_key(expression.key.public_key, expression.key.chain_code)
    for step in (*expression.steps, keychain):
        key = key.child(step)
    return key


def _path_prefix(keys: tuple[KeyExpression, ...]) -> str:
    """`m/84h/0h/0h/` when every key's origin is known and the same, else `` (relative)."""
    origins = {(key.origin.path if key.origin else None, key.steps) for key in keys}
    if len(origins) != 1:
        return ""
    origin_path, steps = origins.pop()
    relative = "".join(f"{step}/" for step in steps)
    if origin_path is None:
        return relative
    return "m/" + "".join(f"{step_text(step)}/" for step in origin_path) + relative


def wallet_for(descriptor: Descriptor, chain: Chain) -> HdWallet:
    params = chain_params(chain)
    if not params.supports(descriptor.script):
        raise HdInputError(f"{descriptor.script.value} addresses do not exist on {params.name}")
    return HdWallet(descriptor, params)
