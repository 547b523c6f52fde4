"""The secp256k1 backend: the fast one loads on this machine, and opening wallets says which."""

from __future__ import annotations

import logging

import pytest

from db.models import Chain
from hd import HdWallet
from hd.backend import log_backend_once, secp256k1_backend

DESCRIPTOR = (
    "pkh([73c5da0a/44h/0h/0h]xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw"
    "6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj/<0;1>/*)"
)


def test_the_bundled_libsecp256k1_loads_here() -> None:
    assert secp256k1_backend().startswith("libsecp256k1")


def test_the_first_wallet_opened_logs_the_backend_once(caplog: pytest.LogCaptureFixture) -> None:
    log_backend_once.cache_clear()
    with caplog.at_level(logging.INFO, logger="hd.backend"):
        HdWallet.from_descriptor(DESCRIPTOR, Chain.BITCOIN)
        HdWallet.from_descriptor(DESCRIPTOR, Chain.LITECOIN)
    messages = [record.getMessage() for record in caplog.records if record.name == "hd.backend"]
    assert messages == [f"HD wallet derivation uses secp256k1: {secp256k1_backend()}"]
