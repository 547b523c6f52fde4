"""Etherscan's V2 API (`?chainid=1&module=…&action=…`): an address's normal and internal
transactions, beacon withdrawals and balance, paged by block range; errors arrive as HTTP 200
with `status "0"` and are told apart by the type and text of `result`."""

from __future__ import annotations

import re
import time
from typing import Any, Literal

import httpx
import orjson

from workers.providers.base import (
    AddressRejectedError,
    ApiKeyRejectedError,
    BlockedError,
    RateLimitedError,
    TransientError,
)
from workers.providers.ethereum_listing import (
    ListingDecoder,
    etherscan_internal_rows,
    normal_rows,
)
from workers.providers.ethereum_rows import (
    GENESIS_PREFIX,
    InternalRow,
    NormalRow,
    StreamRow,
    WithdrawalRow,
    parse_time,
)
from workers.providers.http import ProviderHttp, get_content

NAME = "etherscan"
MAINNET_CHAIN_ID = "1"
GWEI = 10**9
DEFAULT_PAGE_SIZE = 1_000
DEFAULT_REORG_DEPTH = 12

Stream = Literal["txlist", "txlistinternal", "txsBeaconWithdrawal"]
STREAMS: tuple[Stream, ...] = ("txlist", "txlistinternal", "txsBeaconWithdrawal")

# `status "0"` messages that mean "nothing in this range", by explorer.
EMPTY_MESSAGES = ("no transactions found", "no data found", "no internal transactions found")
RESULT_WINDOW_TOO_LARGE = "result window is too large"
_WINDOW_LIMIT = re.compile(r"less than or equal to (\d+)")


class WithdrawalsUnsupportedError(Exception):
    """The explorer has no withdrawal listing: the sync goes on without that stream."""


class ResultWindowTooLargeError(Exception):
    """`page x offset` is above the explorer's result window: ask for fewer rows a page."""

    def __init__(self, window: int | None) -> None:
        super().__init__(f"result window too large (at most {window})")
        self.window = window


class EtherscanProvider:
    """One Etherscan-compatible explorer. Subclasses change what differs (Blockscout)."""

    lists_withdrawals = True
    """Whether `txsBeaconWithdrawal` is served (Blockscout answers "Unknown action")."""
    lists_genesis = True
    """Whether `txlist` from block 0 carries the `GENESIS_<address>` pseudo-row."""
    internal_hash_field = "hash"
    internal_trace_field = "traceId"
    """Where a `txlistinternal` row names its transaction and its place in the call tree."""

    def __init__(
        self,
        http: ProviderHttp,
        *,
        api_key: str | None,
        name: str = NAME,
        chain_id: str | None = MAINNET_CHAIN_ID,
        page_size: int = DEFAULT_PAGE_SIZE,
        reorg_depth: int = DEFAULT_REORG_DEPTH,
    ) -> None:
        self.http = http
        self.name = name
        self.api_key = api_key
        self.chain_id = chain_id
        self.page_size = page_size
        """Rows asked for a call (`offset`); a sync shrinks its own copy when the result
        window is smaller."""
        self.reorg_depth = reorg_depth
        """Blocks below the previous tip an incremental sync reads again."""

    async def tip_height(self) -> int:
        """The newest block, as the block mined at or before now."""
        result = await self._get(
            {
                "module": "block",
                "action": "getblocknobytime",
                "timestamp": str(int(time.time())),
                "closest": "before",
            },
            what="tip height",
        )
        return self._block_number(result)

    async def balance_wei(self, address: str) -> int:
        result = await self._get(
            {"module": "account", "action": "balance", "address": address, "tag": "latest"},
            what="balance",
        )
        try:
            return int(str(result))
        except ValueError:
            raise TransientError(self.name, f"balance: not a number: {result!r}") from None

    async def rows(
        self, stream: Stream, address: str, *, start: int, end: int, page: int, offset: int
    ) -> list[StreamRow]:
        """Rows of `stream` in blocks `start`…`end`, oldest first (`sort=asc`, which
        Blockscout does not default to)."""
        what = f"{stream} blocks {start}-{end} page {page}"
        params = {
            "module": "account",
            "action": stream,
            "address": address,
            "startblock": str(start),
            "endblock": str(end),
            "page": str(page),
            "offset": str(offset),
            "sort": "asc",
        }
        rows, result = await self._get_listing(params, what, stream)
        if rows is not None:
            return rows
        if not isinstance(result, list):
            raise TransientError(self.name, f"{what}: expected a list, got {result!r:.200}")
        try:
            return [self._parse(stream, row, address) for row in result]
        except (KeyError, TypeError, ValueError) as error:
            raise TransientError(self.name, f"{what}: malformed row: {error!r}") from error

    def _listing_decoder(self, stream: Stream) -> ListingDecoder | None:
        """What reads an ordinary answer of `stream` straight into rows (none for the few
        withdrawals)."""
        if stream == "txlist":
            return normal_rows
        if stream == "txlistinternal":
            return etherscan_internal_rows
        return None

    async def _get_listing(
        self, params: dict[str, str], what: str, stream: Stream
    ) -> tuple[list[StreamRow] | None, Any]:
        """The rows of an ordinary listing, decoded straight from the body; else None and the
        answer's `result`, read (and its failures raised) the general way."""
        decode = self._listing_decoder(stream)

        async def request(client: httpx.AsyncClient) -> tuple[list[StreamRow] | None, Any]:
            status, content = await get_content(
                client, self._url(client), params=self._params(params)
            )
            if decode is not None and status == 200:
                rows = decode(content)
                if rows is not None:
                    return rows, None
            return None, self._result(status, content, what, stream)

        return await self.http.call(request, what=what)

    def _parse(self, stream: Stream, row: dict[str, Any], address: str) -> StreamRow:
        if stream == "txlist":
            return normal_row(row)
        if stream == "txlistinternal":
            return self._internal_row(row)
        return withdrawal_row(row)

    def _internal_row(self, row: dict[str, Any]) -> InternalRow:
        transaction_hash = str(row[self.internal_hash_field]).lower()
        trace = str(row[self.internal_trace_field])
        block = int(row["blockNumber"])
        time = parse_time(row["timeStamp"])
        sender = str(row["from"]).lower()
        recipient = str(row["to"] or row.get("contractAddress") or "").lower()
        value = int(row["value"])
        failed = str(row["isError"]) != "0"
        # In field order: a named tuple built from keywords takes about four times as long.
        return InternalRow(transaction_hash, trace, block, time, sender, recipient, value, failed)

    def _block_number(self, result: Any) -> int:
        try:
            return int(str(result))
        except ValueError:
            raise TransientError(self.name, f"tip height: not a number: {result!r}") from None

    def _params(self, params: dict[str, str]) -> dict[str, str]:
        extra = {}
        if self.chain_id is not None:
            extra["chainid"] = self.chain_id
        if self.api_key is not None:
            extra["apikey"] = self.api_key
        return {**extra, **params}

    async def _get(self, params: dict[str, str], *, what: str, stream: Stream | None = None) -> Any:
        async def request(client: httpx.AsyncClient) -> Any:
            status, content = await get_content(
                client, self._url(client), params=self._params(params)
            )
            return self._result(status, content, what, stream)

        return await self.http.call(request, what=what)

    @staticmethod
    def _url(client: httpx.AsyncClient) -> str:
        # The API is the base URL itself: httpx would add a slash to a relative "".
        return str(client.base_url).rstrip("/")

    def _result(self, status: int, content: bytes, what: str, stream: Stream | None) -> Any:
        """The `result` of a successful answer (`status`, `content`: its HTTP status and
        body); raises what each failure means."""
        body = _json_object(content)
        if status != 200:
            self._raise_for_http(status, body, content, what, stream)
        if body is None:
            raise TransientError(
                self.name, f"{what}: HTTP {status}, not JSON: {_start_of(content)!r}"
            )
        api_status = str(body.get("status", ""))
        message = str(body.get("message", ""))
        result = body.get("result")
        if api_status == "1":
            return result
        if api_status == "2":
            # Blockscout: rows of some blocks are still being indexed; never take this as done.
            raise TransientError(self.name, f"{what}: partial data: {message}")
        if api_status != "0" and "result" not in body:
            raise TransientError(self.name, f"{what}: unexpected answer {body!r:.200}")
        return self._status_zero(message, result, what)

    def _raise_for_http(
        self,
        status: int,
        body: dict[str, Any] | None,
        content: bytes,
        what: str,
        stream: Stream | None,
    ) -> None:
        message = str(body.get("message", "")) if body else _start_of(content)
        detail = f"{what}: HTTP {status} {message!r}"
        if status == 400 and message.lower() == "unknown action" and stream is not None:
            raise WithdrawalsUnsupportedError(f"{self.name}: {stream}: unknown action")
        if status == 429:
            raise RateLimitedError(self.name, detail)
        if status in (401, 403):
            raise BlockedError(self.name, detail)
        raise TransientError(self.name, detail)

    def _status_zero(self, message: str, result: Any, what: str) -> Any:
        text = result if isinstance(result, str) else message
        lowered = text.lower()
        if isinstance(result, list):
            # "No transactions found" and its kin: an empty page.
            return result
        if message.lower().startswith(RESULT_WINDOW_TOO_LARGE):
            limit = _WINDOW_LIMIT.search(message)
            raise ResultWindowTooLargeError(int(limit.group(1)) if limit else None)
        if result is None and message.lower() in EMPTY_MESSAGES:
            return []
        detail = f"{what}: {text}"
        if "rate limit" in lowered:
            raise RateLimitedError(self.name, detail)
        if "api key" in lowered:
            raise ApiKeyRejectedError(self.name, detail)
        if "invalid address" in lowered:
            raise AddressRejectedError(self.name, detail)
        if "free api access is not supported" in lowered:
            raise BlockedError(self.name, detail)
        # "Free API access is temporarily unavailable…", and anything not known: try again.
        raise TransientError(self.name, detail)


def normal_row(row: dict[str, Any]) -> NormalRow:
    """A `txlist` row, or the `GENESIS_<address>` pseudo-row (its hash is no real hash)."""
    transaction_hash = str(row["hash"])
    if not transaction_hash.startswith(GENESIS_PREFIX):
        transaction_hash = transaction_hash.lower()
    block = int(row["blockNumber"])
    time = parse_time(row["timeStamp"])
    sender = str(row["from"]).lower()
    recipient = str(row.get("to") or "").lower()
    value = int(row["value"])
    fee = int(row.get("gasUsed") or 0) * int(row.get("gasPrice") or 0)
    failed = str(row.get("isError", "0")) != "0" or str(row.get("txreceipt_status", "")) == "0"
    # In field order: a named tuple built from keywords takes about four times as long.
    return NormalRow(transaction_hash, block, time, sender, recipient, value, fee, failed)


def withdrawal_row(row: dict[str, Any]) -> WithdrawalRow:
    """`amount` is in Gwei."""
    return WithdrawalRow(
        withdrawal_index=int(row["withdrawalIndex"]),
        block=int(row["blockNumber"]),
        time=parse_time(row["timestamp"]),
        amount_wei=int(row["amount"]) * GWEI,
    )


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        body = orjson.loads(content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _start_of(content: bytes) -> str:
    """The beginning of a body that is not the JSON expected, for a message."""
    return content.decode(errors="replace")[:120].strip()
