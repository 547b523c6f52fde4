"""The contract's enums, registered with Strawberry once; schema modules import them from here."""

from __future__ import annotations

import enum

import strawberry

from db.models import Chain, JobStatus, SyncStatus
from resolvers.balance_history import Interval
from resolvers.errors import ErrorCode
from resolvers.transactions import Direction

for enum_class in (Chain, SyncStatus, JobStatus, Interval, ErrorCode, Direction):
    strawberry.enum(enum_class)


@strawberry.enum(
    description=(
        "ADDRESS: one address or account. HD: every address derived from an extended public"
        " key or output descriptor."
    )
)
class WalletKind(enum.Enum):
    ADDRESS = "ADDRESS"
    HD = "HD"


@strawberry.enum(description="The output script an extended public key pays to.")
class ScriptType(enum.Enum):
    P2PKH = strawberry.enum_value("P2PKH", description="BIP-44 legacy, 1...")
    P2SH_P2WPKH = strawberry.enum_value("P2SH_P2WPKH", description="BIP-49 nested segwit, 3...")
    P2WPKH = strawberry.enum_value("P2WPKH", description="BIP-84 native segwit, bc1q...")
    P2TR = strawberry.enum_value("P2TR", description="BIP-86 taproot, bc1p...")


@strawberry.enum(description="Which chain of an HD wallet an address belongs to.")
class Keychain(enum.Enum):
    RECEIVE = "RECEIVE"
    CHANGE = "CHANGE"


__all__ = [
    "Chain",
    "Direction",
    "ErrorCode",
    "Interval",
    "JobStatus",
    "Keychain",
    "ScriptType",
    "SyncStatus",
    "WalletKind",
]
