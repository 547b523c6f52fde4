"""The simulated Etherscan V2 and Blockscout answer with the recorded keys, JSON types and
quirks: numbers as decimal strings, errors as HTTP 200 `status "0"`, Blockscout's sorted keys."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.tools.simulator.explorers import blockscout, etherscan
from tests.tools.simulator.shapes import Shape, load_sample
from tools.simulator.ethereum.seeds import (
    BUSY_ADDRESS,
    CHECKSUMMED,
    GENESIS_ADDRESS,
    RELAYED_ADDRESS,
    UNUSED_ADDRESS,
    VALIDATOR_ADDRESS,
    WHALE_ADDRESS,
)
from tools.simulator.testing import RunningSimulator


def sample(name: str) -> Any:
    return load_sample(f"ethereum/{name}.json")


TXLIST_SAMPLES = [
    sample("etherscan_v2-txlist-0x706A70-blocks20225179-21468748_rotki-test-caching"),
    sample("etherscan_v2-txlist-0xb8553D-startblock0-endblock16295684_rotki-test-caching-2025-12"),
    sample("etherscan_v2-txlist-genesis-allocation_rotki-test-caching-2025-12"),
]
INTERNAL_SAMPLE = sample(
    "etherscan_v2-txlistinternal-0xb8553D-by-address_rotki-test-caching-2025-12"
)
WITHDRAWALS_SAMPLE = sample("etherscan_v2-txsBeaconWithdrawal-amount-in-gwei_rotki-test-caching")
BLOCKSCOUT_TXLIST = sample(
    "blockscout_etherscan-compat-txlist-0x706A70-same-range_rotki-test-caching"
)
BLOCKSCOUT_INTERNAL = [
    sample("blockscout_etherscan-compat-txlistinternal-0x706A70-same-range_rotki-test-caching"),
    sample("blockscout_etherscan-compat-txlistinternal-status2-partial_rotki-test-caching-2026-04"),
]


def _all_strings(rows: list[dict[str, Any]]) -> bool:
    return all(type(value) is str for row in rows for value in row.values())


@pytest.mark.parametrize("address", [BUSY_ADDRESS, GENESIS_ADDRESS, WHALE_ADDRESS])
def test_etherscan_txlist_matches_the_recordings(
    http: httpx.Client, simulator: RunningSimulator, address: str
) -> None:
    body = etherscan(http, simulator, "txlist", address=CHECKSUMMED[address]).json()

    assert Shape.of(*TXLIST_SAMPLES).mismatches(body) == []
    assert list(body) == ["status", "message", "result"]
    assert (body["status"], body["message"]) == ("1", "OK")
    assert [list(row) for row in body["result"]] == [list(TXLIST_SAMPLES[0]["result"][0])] * len(
        body["result"]
    )
    assert _all_strings(body["result"])


def test_etherscan_quirks_in_the_rows(http: httpx.Client, simulator: RunningSimulator) -> None:
    genesis_rows = etherscan(http, simulator, "txlist", address=GENESIS_ADDRESS).json()["result"]
    busy_rows = etherscan(http, simulator, "txlist", address=BUSY_ADDRESS).json()["result"]
    recorded_genesis = TXLIST_SAMPLES[2]["result"][0]

    genesis = genesis_rows[0]
    assert genesis["hash"] == f"GENESIS_{GENESIS_ADDRESS[2:]}"
    constant = {k: v for k, v in recorded_genesis.items() if k not in ("hash", "to", "value")}
    assert {k: genesis[k] for k in constant if k != "confirmations"} == {
        k: v for k, v in constant.items() if k != "confirmations"
    }
    failed_creation = genesis_rows[1]
    assert (failed_creation["to"], failed_creation["isError"]) == ("", "1")
    assert failed_creation["txreceipt_status"] == ""
    assert failed_creation["gasUsed"] == failed_creation["gas"] == "24000"
    assert failed_creation["contractAddress"].startswith("0x")
    failed = [row for row in busy_rows if row["isError"] == "1"]
    assert failed
    assert {row["txreceipt_status"] for row in failed} == {"0"}
    assert all(row["from"] == row["from"].lower() for row in busy_rows)
    assert any(row["from"] == row["to"] == BUSY_ADDRESS for row in busy_rows)
    blocks = [int(row["blockNumber"]) for row in busy_rows]
    assert blocks == sorted(blocks)


def test_etherscan_internal_and_withdrawals_match_the_recordings(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    internal = etherscan(http, simulator, "txlistinternal", address=RELAYED_ADDRESS).json()
    withdrawals = etherscan(
        http, simulator, "txsBeaconWithdrawal", address=VALIDATOR_ADDRESS
    ).json()

    assert Shape.of(INTERNAL_SAMPLE).mismatches(internal) == []
    assert Shape.of(WITHDRAWALS_SAMPLE).mismatches(withdrawals) == []
    assert _all_strings(internal["result"])
    assert _all_strings(withdrawals["result"])
    assert all(int(row["amount"]) < 10**12 for row in withdrawals["result"])


def test_etherscan_balances(http: httpx.Client, simulator: RunningSimulator) -> None:
    recorded = Shape.of(sample("etherscan_v2-balance_rotki-test-caching-2023-12"))

    whale = etherscan(http, simulator, "balance", address=WHALE_ADDRESS).json()
    unused = etherscan(http, simulator, "balance", address=UNUSED_ADDRESS).json()

    assert recorded.mismatches(whale) == []
    assert whale["result"] == str(10**24)
    assert unused == {"status": "1", "message": "OK", "result": "0"}


def test_etherscan_errors_are_http_200_with_status_0(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    url = simulator.etherscan_url
    base = {"module": "account", "action": "txlist", "address": BUSY_ADDRESS}
    calls = {
        "no key": http.get(url, params={**base, "chainid": "1"}),
        "no chainid": http.get(url, params={**base, "apikey": "k"}),
        "bad address": etherscan(http, simulator, "txlist", address="0x1234"),
        "bad action": etherscan(http, simulator, "nosuchaction", address=BUSY_ADDRESS),
        "window": etherscan(http, simulator, "txlist", address=BUSY_ADDRESS, page=2, offset=5001),
        "empty": etherscan(http, simulator, "txlistinternal", address=UNUSED_ADDRESS),
        "no txlist": etherscan(http, simulator, "txlist", address=RELAYED_ADDRESS),
        "v1": http.get(url.replace("/v2/api", "/api"), params={**base, "apikey": "k"}),
    }

    assert {name: response.status_code for name, response in calls.items()} == dict.fromkeys(
        calls, 200
    )
    bodies = {name: response.json() for name, response in calls.items()}
    assert bodies["no chainid"] == sample("etherscan_error-missing-chainid-v2_from-docs")
    assert bodies["window"] == sample("etherscan_error-result-window-too-large_from-docs")
    assert bodies["v1"] == sample("etherscan_error-v1-endpoint-deprecated_from-docs")
    empty = sample("etherscan_v2-txlistinternal-no-transactions-found_rotki-test-caching-2023-12")
    assert bodies["empty"] == bodies["no txlist"] == empty
    notok = Shape.of(sample("etherscan_error-invalid-api-key_from-docs"))
    for name in ("no key", "bad address", "bad action"):
        assert notok.mismatches(bodies[name]) == []
        assert (bodies[name]["status"], bodies[name]["message"]) == ("0", "NOTOK")
    assert bodies["bad address"]["result"] == "Error! Invalid address format"


def test_blockscout_txlist_differs_as_recorded(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    body = blockscout(http, simulator, "txlist", address=BUSY_ADDRESS, sort="asc").json()
    etherscan_rows = etherscan(http, simulator, "txlist", address=BUSY_ADDRESS).json()["result"]

    assert Shape.of(BLOCKSCOUT_TXLIST).mismatches(body) == []
    assert list(body) == ["message", "result", "status"]
    for row, twin in zip(body["result"], etherscan_rows, strict=True):
        assert list(row) == sorted(row)
        assert "functionName" not in row
        assert row["hash"] == twin["hash"]
        assert int(row["confirmations"]) == int(twin["confirmations"]) - 1


def test_blockscout_internal_rows_and_empty_answers(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    internal = blockscout(http, simulator, "txlistinternal", address=BUSY_ADDRESS).json()
    no_internal = blockscout(http, simulator, "txlistinternal", address=UNUSED_ADDRESS).json()
    no_txlist = blockscout(http, simulator, "txlist", address=RELAYED_ADDRESS).json()
    balance = blockscout(http, simulator, "balance", address=UNUSED_ADDRESS).json()

    assert Shape.of(*BLOCKSCOUT_INTERNAL).mismatches(internal) == []
    assert all({"transactionHash", "index", "callType"} <= set(row) for row in internal["result"])
    assert not any({"hash", "traceId"} & set(row) for row in internal["result"])
    blocks = [int(row["blockNumber"]) for row in internal["result"]]
    assert blocks == sorted(blocks, reverse=True)
    assert no_internal == sample(
        "blockscout_etherscan-compat-txlistinternal-no-internal-transactions-found_rotki-test-caching"
    )
    assert no_txlist == sample(
        "blockscout_etherscan-compat-txlist-no-transactions-found_rotki-test-caching"
    )
    assert balance == sample("blockscout_etherscan-compat-balance-zero_rotki-test-caching")


def test_blockscout_refuses_withdrawals_with_http_400(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    response = blockscout(http, simulator, "txsBeaconWithdrawal", address=VALIDATOR_ADDRESS)

    assert response.status_code == 400
    assert response.json() == {"message": "Unknown action", "result": None, "status": "0"}


def test_blockscout_sends_keyless_rate_headers(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    response = blockscout(http, simulator, "balance", address=BUSY_ADDRESS)

    assert response.status_code == 200
    for header in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
        assert response.headers[header].isdigit()


@pytest.mark.parametrize("action", ["txlist", "txlistinternal", "balance"])
def test_answers_are_compact_json_in_the_order_built(
    http: httpx.Client, simulator: RunningSimulator, action: str
) -> None:
    """The bytes Starlette's JSONResponse would send: no spaces, keys as built, UTF-8."""
    answers = [
        etherscan(http, simulator, action, address=BUSY_ADDRESS),
        blockscout(http, simulator, action, address=BUSY_ADDRESS),
    ]

    for answer in answers:
        compact = json.dumps(answer.json(), ensure_ascii=False, separators=(",", ":"))
        assert answer.content == compact.encode()
        assert answer.headers["content-type"] == "application/json"
