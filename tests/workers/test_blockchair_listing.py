"""Blockchair address dashboards decoded straight into typed rows read exactly what the general
path reads, and hand anything out of the ordinary back to it (which reads or rejects it as
before); a page's body is freed with the page, not left for the garbage collector."""

from __future__ import annotations

import copy
import gc
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from redis.asyncio import Redis

from tests.tools.simulator.shapes import load_sample
from tools.simulator.seeds import BUSY_ADDRESS, BUSY_ADDRESS_TRANSACTIONS
from tools.simulator.testing import RunningSimulator
from workers.providers.base import HistoryPage, TransientError
from workers.providers.blockchair import BlockchairProvider, _page_from, _page_from_listing
from workers.providers.blockchair_listing import address_listing
from workers.providers.http import ProviderHttp, RetryPolicy
from workers.rate_limit import RedisRateLimiter
from workers.redis_server import RedisServer

SAMPLE = "blockchair_address_dashboard_txdetails_2025-06-05.json"
SAMPLE_ADDRESS = "bc1q48a4tnwa7exmg37sckc32r93twrazanu4ug5ug"


def sample() -> dict[str, Any]:
    return copy.deepcopy(load_sample(SAMPLE))


def with_rows(*rows: dict[str, Any]) -> dict[str, Any]:
    answer = sample()
    answer["data"][SAMPLE_ADDRESS]["transactions"] = list(rows)
    return answer


def row(**fields: Any) -> dict[str, Any]:
    return {
        "block_id": 878696,
        "hash": "718b3fff2b25eb9fc9e437e77e9eb23405e131f935473b14b1a65ebdc2ec4f4e",
        "time": "2025-01-10 23:31:49",
        "balance_change": 27791375,
        **fields,
    }


def read_generally(body: bytes, *, limit: int = 100) -> HistoryPage:
    return _page_from(orjson.loads(body), SAMPLE_ADDRESS, offset=0, limit=limit)


def read_typed(body: bytes, *, limit: int = 100) -> HistoryPage:
    listing = address_listing(body, SAMPLE_ADDRESS)
    assert listing is not None
    return _page_from_listing(listing, offset=0, limit=limit)


def test_the_recorded_dashboard_decodes_to_the_general_path_s_page() -> None:
    body = orjson.dumps(sample())
    page = read_typed(body)
    assert page.transactions
    assert page == read_generally(body)


def test_ordinary_rows_of_every_kind_decode_to_the_general_path_s_page() -> None:
    body = orjson.dumps(
        with_rows(
            row(block_id=-1, time="2025-06-05 16:55:00", balance_change=-5_000),  # mempool
            row(time=None),
            {key: value for key, value in row().items() if key != "time"},
            row(time=""),
            row(balance_change=2**63 - 1),
            row(balance_change=-(2**63)),
            row(balance_change=0, block_id=0),
        )
    )
    page = read_typed(body, limit=7)
    assert page == read_generally(body, limit=7)
    assert [tx.amount_sat for tx in page.transactions][4:6] == [2**63 - 1, -(2**63)]
    assert page.transactions[0].block_height is None
    assert page.next_cursor is not None  # a full page: not the end


@pytest.mark.parametrize(
    "odd",
    [
        row(balance_change="27791375"),
        row(balance_change=27791375.0),
        row(balance_change=True),
        row(balance_change=2**63),
        row(block_id="878696"),
        row(hash=None),
        row(time=1736551909),
    ],
    ids=[
        "string amount",
        "float amount",
        "boolean",
        "beyond 64 bits",
        "string block",
        "null hash",
        "numeric time",
    ],
)
def test_a_row_out_of_the_ordinary_is_left_to_the_general_path(odd: dict[str, Any]) -> None:
    assert address_listing(orjson.dumps(with_rows(row(), odd)), SAMPLE_ADDRESS) is None


def test_an_answer_without_the_address_s_entry_is_left_to_the_general_path() -> None:
    body = orjson.dumps(sample())
    assert address_listing(body, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT") is None
    assert address_listing(b'{"data": [], "context": {}}', SAMPLE_ADDRESS) is None
    assert address_listing(b"not json", SAMPLE_ADDRESS) is None
    with pytest.raises(TransientError, match="malformed address dashboard"):
        _page_from(orjson.loads(body), "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", offset=0, limit=100)


def test_a_malformed_time_fails_the_page_as_the_general_path_does() -> None:
    body = orjson.dumps(with_rows(row(time="yesterday")))
    with pytest.raises(TransientError, match="malformed address dashboard"):
        read_typed(body)
    with pytest.raises(TransientError, match="malformed address dashboard"):
        read_generally(body)


@pytest.fixture
async def blockchair(
    simulator: RunningSimulator, redis_server: RedisServer
) -> AsyncIterator[BlockchairProvider]:
    redis = Redis.from_url(redis_server.url)
    async with httpx.AsyncClient(base_url=simulator.blockchair_url) as client:
        http = ProviderHttp(
            provider="blockchair",
            client=client,
            limiter=RedisRateLimiter(redis, {"blockchair": 1000.0}),
            retry=RetryPolicy(),
        )
        yield BlockchairProvider(http, api_key=None, chain_path="bitcoin")
    await redis.aclose()


def responses_holding_a_body() -> list[httpx.Response]:
    return [
        item
        for item in gc.get_objects()
        if isinstance(item, httpx.Response) and hasattr(item, "_content")
    ]


async def test_a_page_s_body_goes_with_the_page_not_with_the_next_collection(
    blockchair: BlockchairProvider,
) -> None:
    """httpx keeps a response and its stream in a reference cycle: a body left on a response
    waits for the garbage collector (in a worker, up to seven 1.5 MB pages of a full sync)."""
    gc.collect()
    gc.disable()
    try:
        page = await blockchair.page(BUSY_ADDRESS, None, page_size=10_000)
        assert len(page.transactions) == BUSY_ADDRESS_TRANSACTIONS
        assert responses_holding_a_body() == []
    finally:
        gc.enable()
