"""What a user pastes as an HD wallet: an extended public key or a descriptor, read for one
chain into an `HdInput` that opens the wallet once the script type is known."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from embit import base58

from db.models import Chain
from hd.chains import KEY_VERSION_BY_PREFIX, chain_params, probe_order
from hd.derivation import HdWallet, wallet_for
from hd.descriptors import Descriptor, descriptor_for_key, parse_descriptor
from hd.errors import HdInputError
from hd.keys import SERIALIZED_LENGTH, check_key_for_chain, parse_extended_key
from hd.script_kinds import ScriptKind

# Base58Check of 78 bytes is 111 or 112 characters; no address of any chain comes close.
_EXTENDED_KEY_LENGTHS: Final = range(100, 120)
# Receive and change are `key/0/i` and `key/1/i` from a key at these depths: 3, the account
# key of BIP-44/49/84/86; 1, Electrum's wallet key of its own seeds (m/0' segwit, m/1'
# multisig); 0, a root key (Electrum's "standard" wallets). Depth 4 is a chain key already.
TRACKED_DEPTHS: Final = (0, 1, 3)
_DESCRIPTOR: Final = re.compile(r"[a-z_]+\(")
_BASE58_DIGITS: Final = frozenset(base58.B58_DIGITS)


def looks_like_hd_input(text: str) -> bool:
    """True when `text` is meant as an extended key (any known prefix, private and testnet
    ones included, or any Base58Check string of 78 bytes) or as a descriptor (`name(…)`)."""
    text = text.strip()
    if _DESCRIPTOR.match(text):
        return True
    if len(text) not in _EXTENDED_KEY_LENGTHS:
        return False
    if text[:4] in KEY_VERSION_BY_PREFIX:
        return True
    if not all(char in _BASE58_DIGITS for char in text):
        return False
    decoded = base58.decode(text)
    return len(decoded) == SERIALIZED_LENGTH + 4


@dataclass(frozen=True)
class HdInput:
    """What `parse_hd_input` understood.

    `script` is set when the input fixes it (ypub, zpub, Ypub, Zpub, Mtub, a descriptor, or a
    chain with one script: Dogecoin); then `candidates` is `(script,)`. For a bare xpub-like key
    `script` is None and `candidates` lists the types to probe, most common first."""

    chain: Chain
    key_text: str
    script: ScriptKind | None
    candidates: tuple[ScriptKind, ...]
    _descriptors: tuple[Descriptor, ...]

    def wallet(self, script: ScriptKind | None = None) -> HdWallet:
        if script is None:
            if self.script is None:
                offered = ", ".join(kind.value for kind in self.candidates)
                raise HdInputError(
                    f"this key does not say its script type: choose one of {offered}"
                )
            script = self.script
        elif self.script is not None and script is not self.script:
            raise HdInputError(
                f"the key or descriptor is for {self.script.value} addresses, not {script.value}"
            )
        for descriptor in self._descriptors:
            if descriptor.script is script:
                return wallet_for(descriptor, self.chain)
        offered = ", ".join(kind.value for kind in self.candidates)
        raise HdInputError(f"{script.value} is not a script type of this key: choose {offered}")

    def __repr__(self) -> str:
        script = self.script.value if self.script else None
        return f"HdInput(chain={self.chain.value}, script={script})"


def parse_hd_input(text: str, chain: Chain) -> HdInput:
    """Read an extended public key or a descriptor for `chain`; HdInputError saying why not."""
    params = chain_params(chain)
    text = text.strip()
    if _DESCRIPTOR.match(text):
        descriptor = parse_descriptor(text, params)
        return HdInput(
            chain=chain,
            key_text=descriptor.text(),
            script=descriptor.script,
            candidates=(descriptor.script,),
            _descriptors=(descriptor,),
        )
    key = parse_extended_key(text)
    check_key_for_chain(key, params)
    if key.depth not in TRACKED_DEPTHS:
        raise HdInputError(_depth_reason(key.depth))
    fixed = key.version.script
    if fixed is None and len(params.scripts) == 1:
        fixed = params.scripts[0]
    candidates = (fixed,) if fixed is not None else probe_order(params)
    return HdInput(
        chain=chain,
        key_text=text,
        script=fixed,
        candidates=candidates,
        _descriptors=tuple(descriptor_for_key(key, kind) for kind in candidates),
    )


def _depth_reason(depth: int) -> str:
    wanted = (
        "paste the account key (depth 3, m/purpose'/coin'/account', what wallets export as"
        " the account's xpub), Electrum's wallet key (depth 1) or the wallet's root key (depth 0)"
    )
    if depth == 4:
        return (
            "this key is at depth 4, a receive or change chain key (…/0 or …/1): deriving from"
            f" it gives other addresses; {wanted}"
        )
    return f"this key is at depth {depth}: {wanted}"
