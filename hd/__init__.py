"""HD wallets: read extended public keys and output descriptors, write canonical descriptors,
derive addresses. Pure library code: no database, no network."""

from __future__ import annotations

from hd.derivation import DerivedAddress, HdWallet
from hd.errors import HdInputError
from hd.inputs import HdInput, looks_like_hd_input, parse_hd_input
from hd.script_kinds import ScriptKind

__all__ = [
    "DerivedAddress",
    "HdInput",
    "HdInputError",
    "HdWallet",
    "ScriptKind",
    "looks_like_hd_input",
    "parse_hd_input",
]
