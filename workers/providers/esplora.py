"""Esplora (mempool.space, Blockstream, litecoinspace.org, self-hosted): paged by the last
seen txid."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from workers.providers.base import (
    ActivityBatch,
    AddressActivity,
    AddressRejectedError,
    AddressSummary,
    HistoryPage,
    ProviderTransaction,
    RateLimitedError,
    TransientError,
)
from workers.providers.http import ProviderHttp

NAME = "esplora"
CONFIRMED_PAGE_SIZE = 25


class EsploraProvider:
    """Cursors are the txid of the last confirmed transaction seen; pages hold 25 of them."""

    pages_carry_summary = False

    def __init__(self, http: ProviderHttp, *, name: str = NAME) -> None:
        self.http = http
        # "esplora" (Bitcoin) or "litecoin-esplora": errors and metrics name which one.
        self.name = name

    # Esplora answers for one address a call.
    activity_batch_size = 1

    async def summary(self, address: str) -> AddressSummary:
        stats = await self._get_json(f"/address/{address}", what="address stats")
        tip_height = await self._tip_height()
        try:
            chain, mempool = stats["chain_stats"], stats["mempool_stats"]
            funded = int(chain["funded_txo_sum"]) + int(mempool["funded_txo_sum"])
            spent = int(chain["spent_txo_sum"]) + int(mempool["spent_txo_sum"])
            return AddressSummary(
                balance_sat=funded - spent,
                total_received_sat=funded,
                total_sent_sat=spent,
                transaction_count=int(chain["tx_count"]) + int(mempool["tx_count"]),
                tip_height=tip_height,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise TransientError(self.name, f"malformed address stats: {error!r}") from error

    async def activity(self, addresses: Sequence[str]) -> ActivityBatch:
        """One call an address (the stats without the tip), then the tip once."""
        found: dict[str, AddressActivity] = {}
        for address in addresses:
            found[address] = await self._stats(address)
        return ActivityBatch(activity=found, tip_height=await self._tip_height())

    async def _stats(self, address: str) -> AddressActivity:
        stats = await self._get_json(f"/address/{address}", what="address stats")
        try:
            chain, mempool = stats["chain_stats"], stats["mempool_stats"]
            funded = int(chain["funded_txo_sum"]) + int(mempool["funded_txo_sum"])
            spent = int(chain["spent_txo_sum"]) + int(mempool["spent_txo_sum"])
            count = int(chain["tx_count"]) + int(mempool["tx_count"])
        except (KeyError, TypeError, ValueError) as error:
            raise TransientError(self.name, f"malformed address stats: {error!r}") from error
        return AddressActivity(
            used=count > 0,
            balance_sat=funded - spent,
            total_received_sat=funded,
            total_sent_sat=spent,
        )

    async def _tip_height(self) -> int:
        tip_text = await self._get_text("/blocks/tip/height", what="tip height")
        try:
            return int(tip_text.strip())
        except ValueError as error:
            raise TransientError(self.name, f"malformed tip height: {error!r}") from error

    async def page(self, address: str, cursor: str | None, *, page_size: int) -> HistoryPage:
        if cursor is None:
            path, what = f"/address/{address}/txs", "newest transactions"
        else:
            path, what = f"/address/{address}/txs/chain/{cursor}", f"transactions after {cursor}"
        items = await self._get_json(path, what=what)
        if not isinstance(items, list):
            raise TransientError(self.name, f"{what}: expected a list")
        try:
            transactions = [_transaction(item, address) for item in items]
        except (KeyError, TypeError, ValueError) as error:
            raise TransientError(
                self.name, f"malformed transaction in {what}: {error!r}"
            ) from error
        confirmed = [tx for tx in transactions if tx.block_height is not None]
        full_page = len(confirmed) >= CONFIRMED_PAGE_SIZE
        return HistoryPage(
            transactions=transactions, next_cursor=confirmed[-1].txid if full_page else None
        )

    async def _get_json(self, path: str, *, what: str) -> Any:
        async def request(client: httpx.AsyncClient) -> Any:
            response = await client.get(path)
            _raise_for_status(response, what, self.name)
            try:
                return orjson.loads(response.content)
            except ValueError:
                raise TransientError(self.name, f"{what}: body is not JSON") from None

        return await self.http.call(request, what=what)

    async def _get_text(self, path: str, *, what: str) -> str:
        async def request(client: httpx.AsyncClient) -> str:
            response = await client.get(path)
            _raise_for_status(response, what, self.name)
            return response.text

        return await self.http.call(request, what=what)


def _raise_for_status(response: httpx.Response, what: str, name: str) -> None:
    status = response.status_code
    if status == 200:
        return
    detail = f"{what}: HTTP {status} {response.text[:200].strip()!r}"
    if status == 429:
        raise RateLimitedError(name, detail)
    if status == 400 and "address" in response.text.lower():
        raise AddressRejectedError(name, detail)
    raise TransientError(name, detail)


def _transaction(item: dict[str, Any], address: str) -> ProviderTransaction:
    received = sum(
        int(output["value"])
        for output in item["vout"]
        if output.get("scriptpubkey_address") == address
    )
    spent = sum(
        int(spend["prevout"]["value"])
        for spend in item["vin"]
        if spend.get("prevout") and spend["prevout"].get("scriptpubkey_address") == address
    )
    status = item["status"]
    confirmed = bool(status.get("confirmed"))
    return ProviderTransaction(
        txid=str(item["txid"]),
        block_height=int(status["block_height"]) if confirmed else None,
        time=datetime.fromtimestamp(int(status["block_time"]), UTC) if confirmed else None,
        amount_sat=received - spent,
    )
