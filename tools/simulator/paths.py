"""Which provider a request path belongs to, and what kind of call it is."""

from __future__ import annotations

import re

from tools.simulator.ethereum.paths import ethereum_kind_of, ethereum_provider_of
from tools.simulator.types import Provider

ESPLORA_PREFIX = "/esplora"
ADMIN_PREFIX = "/_admin"
BLOCKCHAIR_PREFIX = "/bitcoin/"

BLOCKCHAIR_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("address_dashboard", re.compile(r"^/bitcoin/dashboards/address/[^/]+$")),
    ("addresses_dashboard", re.compile(r"^/bitcoin/dashboards/addresses/[^/]+$")),
    ("stats", re.compile(r"^/bitcoin/stats$")),
)
ESPLORA_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("address", re.compile(r"^/address/[^/]+$")),
    ("address_txs", re.compile(r"^/address/[^/]+/txs$")),
    ("address_txs_chain", re.compile(r"^/address/[^/]+/txs/chain(/[^/]*)?$")),
    ("address_txs_mempool", re.compile(r"^/address/[^/]+/txs/mempool$")),
    ("address_utxo", re.compile(r"^/address/[^/]+/utxo$")),
    ("tx", re.compile(r"^/tx/[^/]+$")),
    ("tx_status", re.compile(r"^/tx/[^/]+/status$")),
    ("tip_height", re.compile(r"^/blocks/tip/height$")),
    ("tip_hash", re.compile(r"^/blocks/tip/hash$")),
    ("block_height", re.compile(r"^/block-height/[^/]+$")),
)


def provider_of(path: str) -> Provider | None:
    """None for the admin API and for paths no provider serves."""
    if path == ESPLORA_PREFIX or path.startswith(ESPLORA_PREFIX + "/"):
        return "esplora"
    if path.startswith(BLOCKCHAIR_PREFIX):
        return "blockchair"
    return ethereum_provider_of(path)


def kind_of(provider: Provider, path: str, query: str = "") -> str:
    """A short name for the endpoint, e.g. `address_dashboard`, `address_txs_chain`, or for
    Etherscan and Blockscout the `action` (`txlist`)."""
    if provider in ("etherscan", "blockscout"):
        return ethereum_kind_of(path, query)
    if provider == "esplora":
        path = path[len(ESPLORA_PREFIX) :]
        kinds = ESPLORA_KINDS
    else:
        kinds = BLOCKCHAIR_KINDS
    return next((kind for kind, pattern in kinds if pattern.match(path)), "other")
