"""The output scripts an HD wallet's addresses can have."""

from __future__ import annotations

import enum


class ScriptKind(enum.Enum):
    """Values equal the names of the GraphQL `ScriptType` where it has them."""

    P2PKH = "P2PKH"
    P2SH_P2WPKH = "P2SH_P2WPKH"
    P2WPKH = "P2WPKH"
    P2TR = "P2TR"
    P2WSH_SORTEDMULTI = "P2WSH_SORTEDMULTI"
    P2SH_P2WSH_SORTEDMULTI = "P2SH_P2WSH_SORTEDMULTI"

    @property
    def is_multisig(self) -> bool:
        return self in MULTISIG_KINDS


MULTISIG_KINDS = frozenset({ScriptKind.P2WSH_SORTEDMULTI, ScriptKind.P2SH_P2WSH_SORTEDMULTI})
