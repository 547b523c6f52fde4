"""Blockscout's Etherscan-compatible API (keyless): the same actions as Etherscan less
`txsBeaconWithdrawal` and genesis rows, internal rows keyed `transactionHash`/`index`, and a
block number wrapped in an object."""

from __future__ import annotations

from typing import Any

from workers.providers.ethereum_listing import ListingDecoder, blockscout_internal_rows
from workers.providers.etherscan import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_REORG_DEPTH,
    EtherscanProvider,
    Stream,
)
from workers.providers.http import ProviderHttp

NAME = "blockscout"


class BlockscoutProvider(EtherscanProvider):
    lists_withdrawals = False
    lists_genesis = False
    internal_hash_field = "transactionHash"
    internal_trace_field = "index"

    def __init__(
        self,
        http: ProviderHttp,
        *,
        name: str = NAME,
        page_size: int = DEFAULT_PAGE_SIZE,
        reorg_depth: int = DEFAULT_REORG_DEPTH,
    ) -> None:
        super().__init__(
            http,
            api_key=None,
            name=name,
            chain_id=None,
            page_size=page_size,
            reorg_depth=reorg_depth,
        )

    def _block_number(self, result: Any) -> int:
        number = result.get("blockNumber") if isinstance(result, dict) else result
        return super()._block_number(number)

    def _listing_decoder(self, stream: Stream) -> ListingDecoder | None:
        if stream == "txlistinternal":
            return blockscout_internal_rows
        return super()._listing_decoder(stream)
