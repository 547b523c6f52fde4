"""The contract's enums, registered with Strawberry once; schema modules import them from here."""

from __future__ import annotations

import strawberry

from db.models import Chain, JobStatus, Keychain, ScriptType, SyncStatus, WalletKind
from resolvers.balance_history import Interval
from resolvers.errors import ErrorCode
from resolvers.transactions import Direction

for enum_class in (
    Chain,
    SyncStatus,
    JobStatus,
    WalletKind,
    ScriptType,
    Keychain,
    Interval,
    ErrorCode,
    Direction,
):
    strawberry.enum(enum_class)

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
