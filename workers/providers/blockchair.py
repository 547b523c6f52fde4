"""Blockchair's address dashboards (Bitcoin, Litecoin, Dogecoin, Bitcoin Cash: one shape):
newest-first pages by offset, with the summary on every page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import httpx
import orjson

from workers.providers.base import (
    ActivityBatch,
    AddressActivity,
    AddressRejectedError,
    AddressSummary,
    ApiKeyRejectedError,
    BlockedError,
    HistoryPage,
    ProviderTransaction,
    RateLimitedError,
    TransientError,
)
from workers.providers.blockchair_listing import (
    AddressListing,
    ListedTransaction,
    address_listing,
)
from workers.providers.http import ProviderHttp, get_content

NAME = "blockchair"
MAX_PAGE_SIZE = 10_000
MAX_OFFSET = 1_000_000
ANCHOR_SEARCH_ROWS = 1_000
MAX_ADDRESSES_A_CALL = 100


class BlockchairProvider:
    """Blockchair pages by offset only; cursors are "<offset>:<txid of the last row read>".

    Each next page starts one row early, at the row the previous page ended with. Finding that
    row again shows how far the list shifted while we paged (new transactions push it down,
    dropped ones pull it up), so no row is skipped and repeats are cut off.
    """

    name = NAME
    pages_carry_summary = True
    # The many-addresses dashboard answers for up to 100 addresses a call.
    activity_batch_size = MAX_ADDRESSES_A_CALL

    def __init__(self, http: ProviderHttp, *, api_key: str | None, chain_path: str) -> None:
        self.http = http
        self.api_key = api_key
        # "bitcoin", "litecoin", "dogecoin", "bitcoin-cash"
        self.chain_path = chain_path

    async def summary(self, address: str) -> AddressSummary:
        page = await self._fetch(address, offset=0, limit=1)
        assert page.summary is not None
        return page.summary

    async def page(self, address: str, cursor: str | None, *, page_size: int) -> HistoryPage:
        limit = min(page_size, MAX_PAGE_SIZE)
        if cursor is None:
            return await self._fetch(address, offset=0, limit=limit)
        offset_text, _, anchor_txid = cursor.partition(":")
        anchor_offset = int(offset_text)
        for start in (anchor_offset, max(0, anchor_offset - ANCHOR_SEARCH_ROWS)):
            fetched = await self._fetch(address, offset=start, limit=limit)
            txids = [tx.txid for tx in fetched.transactions]
            if anchor_txid in txids:
                after_anchor = txids.index(anchor_txid) + 1
                transactions = fetched.transactions[after_anchor:]
                next_cursor = None
                if fetched.next_cursor is not None:
                    # A page can hold nothing new when many rows arrived: it is not the end.
                    next_cursor = f"{start + len(txids) - 1}:{txids[-1]}"
                return HistoryPage(transactions, next_cursor, fetched.summary)
        raise TransientError(
            NAME, f"the history moved by more than {ANCHOR_SEARCH_ROWS} rows while paging"
        )

    async def activity(self, addresses: Sequence[str]) -> ActivityBatch:
        """`dashboards/addresses/{a},{b},...`: an address it leaves out was never used."""
        if not 0 < len(addresses) <= MAX_ADDRESSES_A_CALL:
            raise ValueError(f"1 to {MAX_ADDRESSES_A_CALL} addresses a call")
        # The set's own lists are not needed: one row each is the least Blockchair allows.
        params: dict[str, str | int] = {"limit": "1,1"}
        if self.api_key:
            params["key"] = self.api_key
        joined = ",".join(addresses)

        async def request(client: httpx.AsyncClient) -> dict[str, Any]:
            status, content = await get_content(
                client, f"/{self.chain_path}/dashboards/addresses/{joined}", params=params
            )
            return self._body(status, content)

        body = await self.http.call(request, what=f"activity of {len(addresses)} addresses")
        return _activity_from(body, addresses)

    async def _fetch(self, address: str, *, offset: int, limit: int) -> HistoryPage:
        if offset > MAX_OFFSET:
            raise TransientError(
                NAME, f"offset {offset} is beyond Blockchair's limit of {MAX_OFFSET}"
            )
        params: dict[str, str | int] = {
            "limit": limit,
            "offset": offset,
            "transaction_details": "true",
        }
        if self.api_key:
            params["key"] = self.api_key

        async def request(client: httpx.AsyncClient) -> AddressListing | dict[str, Any]:
            status, content = await get_content(
                client, f"/{self.chain_path}/dashboards/address/{address}", params=params
            )
            if status == 200:
                listing = address_listing(content, address)
                if listing is not None:
                    return listing
            return self._body(status, content)

        answer = await self.http.call(request, what=f"address page at offset {offset}")
        if isinstance(answer, AddressListing):
            return _page_from_listing(answer, offset=offset, limit=limit)
        return _page_from(answer, address, offset=offset, limit=limit)

    def _body(self, status: int, content: bytes) -> dict[str, Any]:
        try:
            body = orjson.loads(content)
        except ValueError:
            if status == 429:
                raise RateLimitedError(NAME, "HTTP 429") from None
            raise TransientError(NAME, f"HTTP {status} with a body that is not JSON") from None
        error = (body.get("context") or {}).get("error") if isinstance(body, dict) else None
        if status == 200 and isinstance(body, dict) and isinstance(body.get("data"), dict):
            return body
        detail = f"HTTP {status}: {error or 'unexpected body'}"
        if status in (429, 435):
            raise RateLimitedError(NAME, detail)
        if status == 402:
            if self.api_key:
                raise ApiKeyRejectedError(
                    NAME, f"invalid or exhausted Blockchair API key ({detail})"
                )
            raise BlockedError(NAME, f"{detail}; an API key is required")
        if status in (430, 434):
            raise BlockedError(NAME, detail)
        if status == 400:
            raise AddressRejectedError(NAME, detail)
        raise TransientError(NAME, detail)


def _page_from(body: dict[str, Any], address: str, *, offset: int, limit: int) -> HistoryPage:
    try:
        context = body["context"]
        # Keyed by the exact string requested (Bitcoin Cash answers legacy or CashAddr keys
        # as asked): read the entry by what was sent.
        entry = body["data"][address]
        summary_fields = entry["address"]
        transactions = [_transaction(item) for item in entry.get("transactions") or []]
        summary = _summary(summary_fields, context)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise TransientError(NAME, f"malformed address dashboard: {error!r}") from error
    return _history_page(transactions, summary, offset=offset, limit=limit)


def _page_from_listing(listing: AddressListing, *, offset: int, limit: int) -> HistoryPage:
    """The page of an answer decoded into typed rows: read as `_page_from` reads its dicts."""
    try:
        transactions = [_listed_transaction(item) for item in listing.transactions]
        summary = _summary(listing.summary_fields, listing.context)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise TransientError(NAME, f"malformed address dashboard: {error!r}") from error
    return _history_page(transactions, summary, offset=offset, limit=limit)


def _summary(summary_fields: dict[str, Any], context: dict[str, Any]) -> AddressSummary:
    return AddressSummary(
        balance_sat=int(summary_fields["balance"]),
        total_received_sat=int(summary_fields["received"]),
        total_sent_sat=int(summary_fields["spent"]),
        transaction_count=_optional_int(summary_fields.get("transaction_count")),
        tip_height=int(context["state"]),
        market_price_usd=_price(context.get("market_price_usd")),
    )


def _history_page(
    transactions: list[ProviderTransaction], summary: AddressSummary, *, offset: int, limit: int
) -> HistoryPage:
    at_end = len(transactions) < limit
    next_cursor = None
    if not at_end:
        next_cursor = f"{offset + len(transactions) - 1}:{transactions[-1].txid}"
    return HistoryPage(transactions=transactions, next_cursor=next_cursor, summary=summary)


def _activity_from(body: dict[str, Any], addresses: Sequence[str]) -> ActivityBatch:
    unused = AddressActivity(used=False, balance_sat=0, total_received_sat=0, total_sent_sat=0)
    try:
        found = body["data"]["addresses"] or {}
        activity = {}
        for address in addresses:
            fields = found.get(address)
            activity[address] = (
                unused
                if fields is None
                else AddressActivity(
                    used=True,
                    balance_sat=_exact_int(fields["balance"]),
                    total_received_sat=_exact_int(fields["received"]),
                    total_sent_sat=_exact_int(fields["spent"]),
                )
            )
        return ActivityBatch(activity=activity, tip_height=int(body["context"]["state"]))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise TransientError(NAME, f"malformed addresses dashboard: {error!r}") from error


def _transaction(item: dict[str, Any]) -> ProviderTransaction:
    block_id = int(item["block_id"])
    return ProviderTransaction(
        txid=str(item["hash"]),
        block_height=block_id if block_id >= 0 else None,
        time=_blockchair_time(item.get("time")),
        amount_sat=_exact_int(item["balance_change"]),
    )


def _listed_transaction(item: ListedTransaction) -> ProviderTransaction:
    block_id = item.block_id
    return ProviderTransaction(
        txid=item.hash,
        block_height=block_id if block_id >= 0 else None,
        time=_blockchair_time(item.time),
        amount_sat=item.balance_change,
    )


def _exact_int(value: object) -> int:
    if type(value) is int:  # the usual case, checked first: this runs once per transaction
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"amount {value!r} is not an integer")
    return int(value)


def _optional_int(value: object) -> int | None:
    return None if value is None else _exact_int(value)


def _blockchair_time(value: object) -> datetime | None:
    if not value:
        return None
    return _utc_time(str(value))


@lru_cache(maxsize=64)
def _utc_time(text: str) -> datetime:
    # "YYYY-MM-DD HH:MM:SS" in UTC; fromisoformat reads it ten times faster than strptime.
    # Transactions of one block share their time and come one after another: a small cache
    # finds most of them, and holds no memory worth mentioning.
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _price(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    # Prices arrive as JSON numbers; keep the digits exactly as sent.
    return str(Decimal(str(value)))
