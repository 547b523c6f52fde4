"""The viewer: the account a request acts as, which every read and write is scoped to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    account_id: int
