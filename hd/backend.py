"""Which secp256k1 embit loaded: its bundled libsecp256k1 (fast) or its pure-Python fallback
(about 12 times slower), logged once when the first wallet is opened."""

from __future__ import annotations

import functools
import logging

from embit.util import secp256k1

logger = logging.getLogger(__name__)


def secp256k1_backend() -> str:
    if secp256k1.ec_pubkey_parse.__module__.endswith("ctypes_secp256k1"):
        return "libsecp256k1 (embit's bundled library, ctypes)"
    return "pure Python (embit's fallback: libsecp256k1 could not be loaded)"


@functools.cache
def log_backend_once() -> None:
    logger.info("HD wallet derivation uses secp256k1: %s", secp256k1_backend())


def _add_tweak_times_generator(point: bytes, tweak: bytes) -> bytes:
    # P + t·G as t·G by the generator's precomputed table, then one point addition: a third
    # faster than libsecp256k1's tweak_add (a general multiplication) with embit's build.
    try:
        return bytes(secp256k1.ec_pubkey_combine(point, secp256k1.ec_pubkey_create(tweak)))
    except ValueError:
        # t = 0 (no key to create) or P + t·G at infinity: tweak_add decides, as BIP-32 says.
        return bytes(secp256k1.ec_pubkey_add(point, tweak))


def _add_tweak(point: bytes, tweak: bytes) -> bytes:
    return bytes(secp256k1.ec_pubkey_add(point, tweak))


# embit's pure-Python fallback has no ec_pubkey_combine.
add_tweak_times_generator = (
    _add_tweak_times_generator if hasattr(secp256k1, "ec_pubkey_combine") else _add_tweak
)
add_tweak_times_generator.__doc__ = (
    "P + t·G for a parsed point P and a 32-byte t; ValueError when t ≥ n or the sum is infinity."
)
