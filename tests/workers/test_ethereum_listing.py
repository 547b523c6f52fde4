"""Explorer listings decoded straight into rows read exactly what the general path reads, and
hand anything out of the ordinary back to it (where a malformed value fails the page)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests.tools.simulator.shapes import load_sample
from workers.ethereum_amounts import provider_transaction
from workers.providers.base import ProviderTransaction
from workers.providers.blockscout import BlockscoutProvider
from workers.providers.ethereum_listing import (
    blockscout_internal_rows,
    etherscan_internal_rows,
    normal_rows,
)
from workers.providers.ethereum_rows import NormalRow, StreamRow, parse_time
from workers.providers.etherscan import EtherscanProvider, normal_row

ETHERSCAN = EtherscanProvider(None, api_key=None)  # type: ignore[arg-type]
BLOCKSCOUT = BlockscoutProvider(None)  # type: ignore[arg-type]

TXLISTS = [
    "etherscan_v2-txlist-0x706A70-blocks20225179-21468748_rotki-test-caching",
    "etherscan_v2-txlist-genesis-allocation_rotki-test-caching-2025-12",
    "etherscan_v2-txlist-0xb8553D-startblock0-endblock16295684_rotki-test-caching-2025-12",
    "blockscout_etherscan-compat-txlist-0x706A70-same-range_rotki-test-caching",
]


def sample_bytes(name: str) -> bytes:
    return orjson.dumps(load_sample(f"ethereum/{name}.json"))


def read_generally(body: bytes, stream: str, provider: EtherscanProvider) -> list[StreamRow]:
    result = orjson.loads(body)["result"]
    if stream == "txlist":
        return [normal_row(row) for row in result]
    return [provider._internal_row(row) for row in result]


@pytest.mark.parametrize("name", TXLISTS)
def test_recorded_txlists_decode_to_the_general_path_s_rows(name: str) -> None:
    body = sample_bytes(name)
    rows = normal_rows(body)
    assert rows
    assert rows == read_generally(body, "txlist", ETHERSCAN)


def test_recorded_internal_listings_decode_to_the_general_path_s_rows() -> None:
    etherscan = sample_bytes(
        "etherscan_v2-txlistinternal-0xb8553D-by-address_rotki-test-caching-2025-12"
    )
    blockscout = sample_bytes(
        "blockscout_etherscan-compat-txlistinternal-0x706A70-same-range_rotki-test-caching"
    )
    assert etherscan_internal_rows(etherscan) == read_generally(
        etherscan, "txlistinternal", ETHERSCAN
    )
    assert blockscout_internal_rows(blockscout) == read_generally(
        blockscout, "txlistinternal", BLOCKSCOUT
    )


def listing(status: str, **row: Any) -> bytes:
    fields = {
        "blockNumber": "46147",
        "timeStamp": "1438918233",
        "hash": "0x5C504ED432CB51138BCF09AA5E8A410DD4A1E204EF84BFED1BE16DFBA1B22060",
        "from": "0xA1E4380A3B1F749673E270229993EE55F35663B4",
        "to": "0x5df9b87991262f6ba471f09758cde1c0fc1de734",
        "value": str(2**70),
        "gasUsed": "21000",
        "gasPrice": "50000000000000",
        "isError": "0",
        "txreceipt_status": "",
    }
    fields.update(row)
    return orjson.dumps({"status": status, "message": "OK", "result": [fields]})


def test_amounts_beyond_64_bits_are_exact_and_addresses_lowercased() -> None:
    (row,) = normal_rows(listing("1")) or []
    assert row == read_generally(listing("1"), "txlist", ETHERSCAN)[0]
    assert isinstance(row, NormalRow)
    assert row.value == 2**70
    assert row.fee == 21_000 * 50_000_000_000_000
    assert row.sender == "0xa1e4380a3b1f749673e270229993ee55f35663b4"
    assert row.time == parse_time("1438918233")


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(listing("2"), id="status-2-partial"),
        pytest.param(listing("1", value="1e21"), id="amount-in-exponent-form"),
        pytest.param(listing("1", value=5), id="amount-as-a-json-number"),
        pytest.param(listing("1", hash=None), id="null-hash"),
        pytest.param(
            orjson.dumps({"status": "0", "message": "NOTOK", "result": "Invalid API Key"}),
            id="error",
        ),
        pytest.param(b"<html>busy</html>", id="not-json"),
    ],
)
def test_an_answer_out_of_the_ordinary_goes_the_general_way(answer: bytes) -> None:
    assert normal_rows(answer) is None


@pytest.mark.parametrize(
    "row",
    [
        pytest.param({"isError": None}, id="null-error-flag-reads-failed"),
        pytest.param({"to": None, "gasUsed": ""}, id="contract-creation-without-gas"),
        pytest.param({"txreceipt_status": "0"}, id="failed-receipt"),
    ],
)
def test_an_unusual_but_ordinary_row_reads_as_on_the_general_way(row: dict[str, Any]) -> None:
    body = listing("1", **row)
    assert normal_rows(body) == read_generally(body, "txlist", ETHERSCAN)


def test_a_malformed_amount_fails_the_page_on_the_general_way_too() -> None:
    with pytest.raises(ValueError, match="1e21"):
        read_generally(listing("1", value="1e21"), "txlist", ETHERSCAN)


def test_a_transaction_built_fast_is_the_dataclass_built_normally() -> None:
    fields = ("0xab", 7, parse_time("1438918233"), -(2**70), 21_000, True)
    built = provider_transaction(*fields)
    assert built == ProviderTransaction(*fields)
    assert type(built) is ProviderTransaction
