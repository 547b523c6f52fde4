"""Type names shared across the simulator."""

from __future__ import annotations

from typing import Literal

Provider = Literal["blockchair", "esplora", "etherscan", "blockscout"]
PROVIDERS: tuple[Provider, ...] = ("blockchair", "esplora", "etherscan", "blockscout")
FaultKind = Literal[
    "error_status", "html_429", "timeout", "drop_connection", "malformed_json", "notok"
]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "error_status",
    "html_429",
    "timeout",
    "drop_connection",
    "malformed_json",
    "notok",
)
