"""Output descriptors of HD wallets (BIP-380…386, 389): read the forms a wallet exports and
write the one canonical form stored: `<0;1>/*`, `h` markers, xpub bytes, lower-case hex,
`#checksum`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from hd.chains import ChainParams
from hd.descriptor_checksum import (
    CHECKSUM_LENGTH,
    INPUT_CHARSET,
    checksum_matches,
    descriptor_checksum,
)
from hd.errors import HdInputError
from hd.keys import PRIVATE_KEY_REASON, ExtendedPublicKey, check_key_for_chain, parse_extended_key
from hd.script_kinds import ScriptKind

HARDENED: Final = 0x80000000
MAX_MULTISIG_KEYS: Final = 20
KEYCHAINS: Final = (0, 1)
_QUOTED_STEP_LENGTH: Final = 12
_CALL: Final = re.compile(r"([a-z_]+)\((.*)\)", re.DOTALL)
_STEP: Final = re.compile(r"(\d+)([h']?)")
_FINGERPRINT: Final = re.compile(r"[0-9a-fA-F]{8}")
_HEX_KEY: Final = re.compile(r"(?:0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128}|[0-9a-fA-F]{64})")
# Base58 WIF private keys: 51 characters (uncompressed) or 52 (compressed).
_WIF: Final = re.compile(r"[1-9A-HJ-NP-Za-km-z]{51,52}")
_SINGLE_KEY_FUNCTIONS: Final = {
    "pkh": ScriptKind.P2PKH,
    "wpkh": ScriptKind.P2WPKH,
    "tr": ScriptKind.P2TR,
}


@dataclass(frozen=True)
class KeyOrigin:
    fingerprint: bytes
    path: tuple[int, ...]

    def text(self) -> str:
        return "[" + self.fingerprint.hex() + "".join(f"/{step_text(s)}" for s in self.path) + "]"


@dataclass(frozen=True)
class KeyExpression:
    """One extended key of a descriptor: `[origin]xpub/steps/<0;1>/*`."""

    origin: KeyOrigin | None
    key: ExtendedPublicKey
    # Unhardened steps between the key and the keychain step (usually none).
    steps: tuple[int, ...] = ()

    def text(self) -> str:
        origin = self.origin.text() if self.origin else ""
        steps = "".join(f"/{step}" for step in self.steps)
        return f"{origin}{self.key.to_xpub()}{steps}/<0;1>/*"


@dataclass(frozen=True)
class Descriptor:
    script: ScriptKind
    keys: tuple[KeyExpression, ...]
    threshold: int = 1  # of sortedmulti; 1 for single-key scripts

    def script_text(self) -> str:
        if self.script.is_multisig:
            keys = ",".join(key.text() for key in self.keys)
            inner = f"wsh(sortedmulti({self.threshold},{keys}))"
            return inner if self.script is ScriptKind.P2WSH_SORTEDMULTI else f"sh({inner})"
        key = self.keys[0].text()
        if self.script is ScriptKind.P2SH_P2WPKH:
            return f"sh(wpkh({key}))"
        function = {kind: name for name, kind in _SINGLE_KEY_FUNCTIONS.items()}[self.script]
        return f"{function}({key})"

    def text(self) -> str:
        script = self.script_text()
        return f"{script}#{descriptor_checksum(script)}"


def step_text(step: int) -> str:
    return f"{step - HARDENED}h" if step >= HARDENED else str(step)


def key_expression(key: ExtendedPublicKey, origin: KeyOrigin | None = None) -> KeyExpression:
    """A key with `<0;1>/*` after it; a root key (depth 0) without an origin gets its own
    fingerprint as one, so that its paths are known and both ways of pasting it agree."""
    if origin is None and key.depth == 0:
        origin = KeyOrigin(key.fingerprint, ())
    return KeyExpression(origin=origin, key=key)


def descriptor_for_key(key: ExtendedPublicKey, script: ScriptKind) -> Descriptor:
    """The descriptor of a bare key read as `script` (1-of-1 for the multisig kinds, as
    Electrum reads Zpub and Ypub keys)."""
    return Descriptor(script=script, keys=(key_expression(key),))


def parse_descriptor(text: str, params: ChainParams) -> Descriptor:
    """Read a descriptor of one of the supported shapes; HdInputError saying why not."""
    script_text = _checked_script_text(text)
    name, inner = _call(script_text)
    if name in _SINGLE_KEY_FUNCTIONS:
        script = _SINGLE_KEY_FUNCTIONS[name]
        if script is ScriptKind.P2TR and _top_level_comma(inner):
            raise HdInputError("tr() with a script tree is not supported: only tr(KEY)")
        return _checked(Descriptor(script, (_parse_key(inner, params),)), params)
    if name == "sh":
        inner_name, inner_args = _call(inner)
        if inner_name == "wpkh":
            key = _parse_key(inner_args, params)
            return _checked(Descriptor(ScriptKind.P2SH_P2WPKH, (key,)), params)
        if inner_name == "wsh":
            return _checked(
                _sortedmulti(ScriptKind.P2SH_P2WSH_SORTEDMULTI, inner_args, params), params
            )
        raise HdInputError(f"sh({inner_name}()) is not supported: use sh(wpkh()) or sh(wsh())")
    if name == "wsh":
        return _checked(_sortedmulti(ScriptKind.P2WSH_SORTEDMULTI, inner, params), params)
    raise HdInputError(
        f"{name}() descriptors are not supported: use pkh(), sh(wpkh()), wpkh(), tr(),"
        " wsh(sortedmulti()) or sh(wsh(sortedmulti()))"
    )


def _checked_script_text(text: str) -> str:
    """The descriptor without its checksum, after checking the characters and the checksum."""
    for position, char in enumerate(text):
        if char not in INPUT_CHARSET:
            raise HdInputError(f"character {position + 1} is not allowed in a descriptor")
    script, separator, checksum = text.partition("#")
    if not separator:
        return script
    if "#" in checksum:
        raise HdInputError("a descriptor has one '#', before its checksum")
    if len(checksum) != CHECKSUM_LENGTH:
        raise HdInputError(
            f"the descriptor checksum after '#' has {len(checksum)} characters;"
            f" it has {CHECKSUM_LENGTH}"
        )
    if not checksum_matches(script, checksum):
        raise HdInputError(
            f"the descriptor checksum does not match: expected #{descriptor_checksum(script)};"
            " check that the descriptor was copied whole"
        )
    return script


def _call(text: str) -> tuple[str, str]:
    match = _CALL.fullmatch(text)
    if match is None:
        raise HdInputError("not a descriptor: expected a script such as wpkh(...) around the key")
    return match.group(1), match.group(2)


def _top_level_comma(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        elif char == "," and depth == 0:
            return True
    return False


def _sortedmulti(script: ScriptKind, wsh_args: str, params: ChainParams) -> Descriptor:
    name, args = _call(wsh_args)
    if name == "multi":
        raise HdInputError("wsh(multi()) is not supported: use wsh(sortedmulti())")
    if name != "sortedmulti":
        raise HdInputError(f"wsh({name}()) is not supported: use wsh(sortedmulti())")
    threshold_text, *key_texts = args.split(",")
    if not threshold_text.isdigit():
        raise HdInputError("sortedmulti() starts with the number of signatures it needs")
    threshold = int(threshold_text)
    if not key_texts or len(key_texts) > MAX_MULTISIG_KEYS:
        raise HdInputError(f"sortedmulti() takes 1 to {MAX_MULTISIG_KEYS} keys")
    if not 1 <= threshold <= len(key_texts):
        raise HdInputError(
            f"sortedmulti({threshold},…) over {len(key_texts)} keys: the threshold must be"
            f" between 1 and {len(key_texts)}"
        )
    keys = tuple(sorted((_parse_key(text, params) for text in key_texts), key=KeyExpression.text))
    # Each key ends in /0/*, /1/* or /<0;1>/* (checked above). Mixed, the keys would derive
    # from different keychains, which the canonical `<0;1>` form cannot say.
    if len({text.rsplit("/", 2)[-2] for text in key_texts}) > 1:
        raise HdInputError(
            "the keys of sortedmulti() must all end in /0/*, all in /1/* or all in /<0;1>/*"
        )
    return Descriptor(script, keys, threshold)


def _checked(descriptor: Descriptor, params: ChainParams) -> Descriptor:
    if not params.supports(descriptor.script):
        raise HdInputError(f"{descriptor.script.value} addresses do not exist on {params.name}")
    return descriptor


def _parse_key(text: str, params: ChainParams) -> KeyExpression:
    origin: KeyOrigin | None = None
    if text.startswith("["):
        origin_text, closing, text = text[1:].partition("]")
        if not closing:
            raise HdInputError("a key origin '[' is not closed by ']'")
        origin = _parse_origin(origin_text)
    if "[" in text or "]" in text:
        raise HdInputError("a key has at most one origin [fingerprint/path], before the key")
    key_text, *step_texts = text.split("/")
    key = _parse_key_text(key_text, params)
    if not step_texts or step_texts[-1] != "*":
        last = step_texts[-1] if step_texts else ""
        if last[:1] == "*":
            raise HdInputError(
                "hardened steps after the key cannot be derived from a public key (/*h)"
            )
        raise HdInputError("the key must end with /0/*, /1/* or /<0;1>/* (its addresses)")
    if len(step_texts) < 2:
        raise HdInputError(
            "the key must be followed by its keychain and /*: /0/*, /1/* or /<0;1>/*"
        )
    keychain = step_texts[-2]
    if keychain not in ("0", "1", "<0;1>"):
        if keychain.startswith("<"):
            raise HdInputError("the only multipath step tracked is <0;1> (receive; change)")
        _parse_step(keychain, hardened_allowed=False)
        raise HdInputError("the step before /* must be 0 (receive), 1 (change) or <0;1>")
    steps = tuple(_parse_step(step, hardened_allowed=False) for step in step_texts[:-2])
    if origin is None and key.depth == 0:
        origin = KeyOrigin(key.fingerprint, ())
    return KeyExpression(origin=origin, key=key, steps=steps)


def _parse_key_text(text: str, params: ChainParams) -> ExtendedPublicKey:
    if not text:
        raise HdInputError("a key expression has an extended key (after its origin, if any)")
    if _HEX_KEY.fullmatch(text):
        raise HdInputError(
            "a single public key has one address, not an HD wallet: add that address instead"
        )
    if _WIF.fullmatch(text):
        raise HdInputError(PRIVATE_KEY_REASON)
    key = parse_extended_key(text)
    check_key_for_chain(key, params)
    return key


def _parse_origin(text: str) -> KeyOrigin:
    fingerprint_text, *step_texts = text.split("/")
    if not _FINGERPRINT.fullmatch(fingerprint_text):
        raise HdInputError("a key origin starts with an 8-digit hex fingerprint")
    path = tuple(_parse_step(step, hardened_allowed=True) for step in step_texts)
    return KeyOrigin(bytes.fromhex(fingerprint_text), path)


def _parse_step(text: str, *, hardened_allowed: bool) -> int:
    match = _STEP.fullmatch(text)
    if match is None:
        # Quoted only when short: a long step may be a key pasted in the wrong place.
        quoted = f" {text!r}" if len(text) <= _QUOTED_STEP_LENGTH else ""
        if text[:1] == "-" or text[-1:] in ("H", "f"):
            raise HdInputError(f"invalid hardened marker in step{quoted}: write h or '")
        if text == "*" or text == "":
            raise HdInputError("a derivation path has a number between each pair of '/'")
        raise HdInputError(f"invalid derivation step{quoted}: steps are numbers")
    number = int(match.group(1))
    if number >= HARDENED:
        raise HdInputError(f"derivation step {number} is out of range (at most {HARDENED - 1})")
    if match.group(2):
        if not hardened_allowed:
            raise HdInputError(
                f"hardened step {text} after the key cannot be derived from a public key:"
                " move it into the key origin and paste the key derived there"
            )
        return number + HARDENED
    return number
