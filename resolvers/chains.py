"""The chains of the contract: what their amounts mean, and which ones this server syncs."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Chain


@dataclass(frozen=True)
class ChainDetails:
    name: str
    symbol: str
    # Base units per coin as a power of ten.
    decimals: int
    base_unit: str


CHAIN_DETAILS = {
    Chain.BITCOIN: ChainDetails("Bitcoin", "BTC", 8, "satoshi"),
    Chain.LITECOIN: ChainDetails("Litecoin", "LTC", 8, "satoshi"),
    Chain.DOGECOIN: ChainDetails("Dogecoin", "DOGE", 8, "satoshi"),
    Chain.BITCOIN_CASH: ChainDetails("Bitcoin Cash", "BCH", 8, "satoshi"),
    Chain.ETHEREUM: ChainDetails("Ethereum", "ETH", 18, "wei"),
    Chain.SOLANA: ChainDetails("Solana", "SOL", 9, "lamport"),
}
# The chains whose addresses can be added and synced today; the others are refused by name.
SUPPORTED_CHAINS = (
    Chain.BITCOIN,
    Chain.LITECOIN,
    Chain.DOGECOIN,
    Chain.BITCOIN_CASH,
    Chain.ETHEREUM,
    Chain.SOLANA,
)


def unsupported_chain_message(chain: Chain) -> str | None:
    """Why a wallet of `chain` cannot be added here, or None when it can."""
    if chain in SUPPORTED_CHAINS:
        return None
    supported = ", ".join(CHAIN_DETAILS[known].name for known in SUPPORTED_CHAINS)
    return (
        f"{CHAIN_DETAILS[chain].name} wallets are not supported by this server yet;"
        f" it tracks {supported}."
    )
