"""Blockscout's Etherscan-compatible API (keyless): the same actions as Etherscan less
`txsBeaconWithdrawal` and genesis rows, internal rows keyed `transactionHash`/`index`, and a
block number wrapped in an object."""

from __future__ import annotations

from typing import Any

from workers.providers.ethereum_rows import InternalRow
from workers.providers.etherscan import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_REORG_DEPTH,
    EtherscanProvider,
    parse_time,
)
from workers.providers.http import ProviderHttp

NAME = "blockscout"


class BlockscoutProvider(EtherscanProvider):
    lists_withdrawals = False
    lists_genesis = False

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

    def _internal_row(self, row: dict[str, Any]) -> InternalRow:
        return InternalRow(
            hash=str(row["transactionHash"]).lower(),
            trace=str(row["index"]),
            block=int(row["blockNumber"]),
            time=parse_time(row["timeStamp"]),
            sender=str(row["from"]).lower(),
            recipient=str(row["to"] or row.get("contractAddress") or "").lower(),
            value=int(row["value"]),
            failed=str(row["isError"]) != "0",
        )

    def _block_number(self, result: Any) -> int:
        number = result.get("blockNumber") if isinstance(result, dict) else result
        return super()._block_number(number)
