"""Type names shared across the simulator."""

from __future__ import annotations

from typing import Literal, get_args

Provider = Literal[
    "blockchair",
    "esplora",
    "etherscan",
    "blockscout",
    "litecoin-esplora",
    "solana",
    "coingecko",
]
PROVIDERS: tuple[Provider, ...] = get_args(Provider)
FaultKind = Literal[
    "error_status",
    "html_429",
    "timeout",
    "drop_connection",
    "malformed_json",
    "notok",
    "rpc_error",
    "null_result",
]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
