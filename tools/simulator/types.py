"""Type names shared across the simulator."""

from __future__ import annotations

from typing import Literal

Provider = Literal[
    "blockchair",
    "esplora",
    "etherscan",
    "blockscout",
    "litecoin-esplora",
    "solana",
    "coingecko",
]
PROVIDERS: tuple[Provider, ...] = (
    "blockchair",
    "esplora",
    "etherscan",
    "blockscout",
    "litecoin-esplora",
    "solana",
    "coingecko",
)
FaultKind = Literal[
    "error_status",
    "html_429",
    "timeout",
    "drop_connection",
    "malformed_json",
    "notok",
    "rpc_error",
]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "error_status",
    "html_429",
    "timeout",
    "drop_connection",
    "malformed_json",
    "notok",
    "rpc_error",
)
