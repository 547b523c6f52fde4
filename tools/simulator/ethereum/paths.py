"""Where the Ethereum explorers live in the simulator, and the kind of each call."""

from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qs

EthereumProvider = Literal["etherscan", "blockscout"]
ETHEREUM_PROVIDERS: tuple[EthereumProvider, ...] = ("etherscan", "blockscout")
ETHERSCAN_PREFIX = "/etherscan"
ETHERSCAN_V2_PATH = "/etherscan/v2/api"
ETHERSCAN_V1_PATH = "/etherscan/api"
BLOCKSCOUT_PREFIX = "/blockscout"
BLOCKSCOUT_PATH = "/blockscout/api"


def ethereum_provider_of(path: str) -> EthereumProvider | None:
    for provider, prefix in (("etherscan", ETHERSCAN_PREFIX), ("blockscout", BLOCKSCOUT_PREFIX)):
        if path == prefix or path.startswith(prefix + "/"):
            return provider  # type: ignore[return-value]
    return None


def ethereum_kind_of(path: str, query: str) -> str:
    """The `action` of a call (`txlist`, `balance`, …); `v1` for Etherscan's retired API."""
    if path == ETHERSCAN_V1_PATH:
        return "v1"
    if path not in (ETHERSCAN_V2_PATH, BLOCKSCOUT_PATH):
        return "other"
    return parse_qs(query).get("action", ["other"])[0]
