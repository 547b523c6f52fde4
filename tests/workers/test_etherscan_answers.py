"""An explorer's answers read from the response stream: listings become rows, empty and
failing answers mean what they meant when bodies were read through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import orjson
import pytest

from workers.providers.base import TransientError
from workers.providers.etherscan import EtherscanProvider
from workers.providers.http import ProviderHttp, RetryPolicy

ADDRESS = "0x5df9b87991262f6ba471f09758cde1c0fc1de734"
ROW = {
    "blockNumber": "46147",
    "timeStamp": "1438918233",
    "hash": "0x5C50",
    "from": "0xA1E4",
    "to": ADDRESS,
    "value": str(2**255),
    "gasUsed": "21000",
    "gasPrice": "5",
    "isError": "0",
    "txreceipt_status": "1",
}


class _NoLimit:
    @asynccontextmanager
    async def slot(self, provider: str) -> AsyncIterator[None]:
        yield

    async def pause(self, provider: str, seconds: float) -> None:
        return None


def _provider(status: int, body: bytes) -> EtherscanProvider:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    client = httpx.AsyncClient(transport=transport, base_url="https://explorer.test/api")
    http = ProviderHttp(
        provider="etherscan",
        client=client,
        limiter=_NoLimit(),
        retry=RetryPolicy(transient_attempts=1, base_delay_seconds=0),
    )
    return EtherscanProvider(http, api_key="key")


async def _rows(provider: EtherscanProvider, stream: str = "txlist") -> list[object]:
    return list(
        await provider.rows(stream, ADDRESS, start=0, end=10, page=1, offset=1_000)  # type: ignore[arg-type]
    )


async def test_a_listing_and_an_empty_answer_read_from_the_stream() -> None:
    body = orjson.dumps({"status": "1", "message": "OK", "result": [ROW]})
    (row,) = await _rows(_provider(200, body))
    assert row.value == 2**255  # type: ignore[attr-defined]
    empty = orjson.dumps({"status": "0", "message": "No transactions found", "result": []})
    assert await _rows(_provider(200, empty)) == []
    assert await _rows(_provider(200, empty), "txsBeaconWithdrawal") == []


async def test_an_answer_that_is_not_json_fails_with_its_first_words() -> None:
    with pytest.raises(TransientError, match=r"HTTP 502 'Bad gateway: try later'"):
        await _rows(_provider(502, b"  Bad gateway: try later\n"))
    with pytest.raises(TransientError, match=r"HTTP 200, not JSON: '<html>busy</html>'"):
        await _rows(_provider(200, b"<html>busy</html>"))
    assert (
        await _provider(
            200, orjson.dumps({"status": "1", "message": "OK", "result": "123"})
        ).balance_wei(ADDRESS)
        == 123
    )
