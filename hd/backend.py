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
