"""Injected faults, rate limits, the Blockchair key and request counting, seen over HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from tools.simulator.provider_errors import (
    BLOCKCHAIR_FAULT_STATUSES,
    BLOCKED_MESSAGE,
    ESPLORA_MESSAGES,
)
from tools.simulator.seeds import BUSY_ADDRESS, MEMPOOL_ADDRESS
from tools.simulator.testing import RunningSimulator
from tools.simulator.types import Provider


@pytest.fixture(autouse=True)
def calm_simulator(simulator: RunningSimulator) -> Iterator[None]:
    """Every test starts without faults, limits, key or counted calls."""
    yield
    admin = simulator.admin
    admin.clear_faults()
    admin.set_rate_limit("blockchair", None)
    admin.set_rate_limit("esplora", None)
    admin.require_api_key(None)
    admin.reset_counters()


def urls(simulator: RunningSimulator) -> dict[Provider, str]:
    return {
        "blockchair": f"{simulator.blockchair_url}/bitcoin/dashboards/address/{BUSY_ADDRESS}",
        "esplora": f"{simulator.esplora_url}/address/{BUSY_ADDRESS}/txs",
    }


ERROR_STATUSES: list[tuple[Provider, int]] = [
    *(("blockchair", status) for status in sorted(BLOCKCHAIR_FAULT_STATUSES)),
    *(("esplora", status) for status in sorted(ESPLORA_MESSAGES)),
]


@pytest.mark.parametrize(("provider", "status"), ERROR_STATUSES)
def test_error_statuses(
    http: httpx.Client, simulator: RunningSimulator, provider: Provider, status: int
) -> None:
    """The provider's own error body, without Retry-After, for the next call only."""
    simulator.admin.inject_fault(provider, "error_status", status=status)

    failed = http.get(urls(simulator)[provider])
    recovered = http.get(urls(simulator)[provider])

    assert failed.status_code == status
    assert "retry-after" not in failed.headers
    assert recovered.status_code == 200
    if provider == "blockchair":
        assert failed.json()["data"] is None
        assert failed.json()["context"]["code"] == status
        assert failed.json()["context"]["error"]
    else:
        assert failed.headers["content-type"].startswith("text/plain")
        assert failed.text == ESPLORA_MESSAGES[status]


@pytest.mark.parametrize("provider", ["blockchair", "esplora"])
def test_html_429_page(http: httpx.Client, simulator: RunningSimulator, provider: Provider) -> None:
    simulator.admin.inject_fault(provider, "html_429")

    response = http.get(urls(simulator)[provider])

    assert response.status_code == 429
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>429 Too Many Requests</title>" in response.text


@pytest.mark.parametrize("provider", ["blockchair", "esplora"])
def test_timeout(http: httpx.Client, simulator: RunningSimulator, provider: Provider) -> None:
    simulator.admin.inject_fault(provider, "timeout", delay_seconds=5)

    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        http.get(urls(simulator)[provider], timeout=0.3)

    assert time.monotonic() - started < 2
    assert http.get(urls(simulator)[provider]).status_code == 200


def test_a_short_timeout_fault_answers_late(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    simulator.admin.inject_fault("esplora", "timeout", delay_seconds=0.3)

    started = time.monotonic()
    response = http.get(urls(simulator)["esplora"])

    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert len(response.json()) == 25


@pytest.mark.parametrize("provider", ["blockchair", "esplora"])
def test_dropped_connection(
    http: httpx.Client, simulator: RunningSimulator, provider: Provider
) -> None:
    simulator.admin.inject_fault(provider, "drop_connection")

    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.get(urls(simulator)[provider])

    assert http.get(urls(simulator)[provider]).status_code == 200


@pytest.mark.parametrize("provider", ["blockchair", "esplora"])
def test_malformed_json(
    http: httpx.Client, simulator: RunningSimulator, provider: Provider
) -> None:
    simulator.admin.inject_fault(provider, "malformed_json")

    response = http.get(urls(simulator)[provider])

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_faults_hit_the_next_matching_calls_only(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    simulator.admin.inject_fault(
        "esplora", "error_status", status=503, count=2, path_contains="/txs/chain/"
    )
    chain_url = f"{simulator.esplora_url}/address/{BUSY_ADDRESS}/txs/chain/{'ab' * 32}"

    statuses = [
        http.get(urls(simulator)["esplora"]).status_code,
        http.get(urls(simulator)["blockchair"]).status_code,
        http.get(chain_url).status_code,
        http.get(chain_url).status_code,
        http.get(chain_url).status_code,
    ]

    assert statuses == [200, 200, 503, 503, 200]


def test_unknown_fault_settings_are_refused(simulator: RunningSimulator) -> None:
    with pytest.raises(ValueError, match="error statuses"):
        simulator.admin.inject_fault("blockchair", "error_status", status=418)
    with pytest.raises(ValueError, match="error statuses"):
        simulator.admin.inject_fault("esplora", "error_status")


@pytest.mark.parametrize("status", [429, 435])
def test_blockchair_rate_limit(
    http: httpx.Client, simulator: RunningSimulator, status: int
) -> None:
    simulator.admin.set_rate_limit("blockchair", 3, blockchair_status=status)
    url = f"{simulator.blockchair_url}/bitcoin/stats"

    statuses = [http.get(url).status_code for _ in range(5)]
    refused = http.get(url)
    other_client = http.get(url, params={"key": "another-client"})
    time.sleep(1.0)
    later = http.get(url)

    assert statuses == [200, 200, 200, status, status]
    assert refused.json()["context"]["code"] == status
    assert refused.json()["data"] is None
    assert other_client.status_code == 200
    assert later.status_code == 200


def test_esplora_rate_limit_is_an_html_page(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    simulator.admin.set_rate_limit("esplora", 2, per_seconds=10)
    url = f"{simulator.esplora_url}/blocks/tip/height"

    responses = [http.get(url) for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 429]
    assert responses[2].headers["content-type"].startswith("text/html")
    assert http.get(urls(simulator)["blockchair"]).status_code == 200


def test_blockchair_api_key(http: httpx.Client, simulator: RunningSimulator) -> None:
    simulator.admin.require_api_key("s3cret")
    url = urls(simulator)["blockchair"]

    keyless = http.get(url)
    wrong = http.get(url, params={"key": "guess"})
    right = http.get(url, params={"key": "s3cret"})
    esplora = http.get(urls(simulator)["esplora"])

    assert (keyless.status_code, keyless.json()["context"]["error"]) == (430, BLOCKED_MESSAGE)
    assert wrong.status_code == 402
    assert wrong.json()["context"]["error"].startswith("Invalid API token")
    assert right.status_code == 200
    assert esplora.status_code == 200


def test_requests_are_counted_by_provider_and_kind(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    admin = simulator.admin
    admin.reset_counters()
    admin.inject_fault("esplora", "error_status", status=500)

    for _ in range(3):
        http.get(urls(simulator)["blockchair"])
    http.get(urls(simulator)["esplora"])
    http.get(f"{simulator.esplora_url}/address/{MEMPOOL_ADDRESS}")
    http.get(f"{simulator.esplora_url}/blocks/tip/height")
    http.get(f"{simulator.base_url}/_admin/state")

    assert admin.request_count() == 6
    assert admin.request_count("blockchair") == 3
    assert admin.request_count("blockchair", "address_dashboard") == 3
    assert admin.request_count("esplora") == 3
    assert admin.request_count("esplora", "address_txs") == 1
    assert admin.request_count("esplora", "tip_height") == 1
    records = admin.requests("esplora")
    assert [(record.kind, record.status, record.refused_by) for record in records] == [
        ("address_txs", 500, "error_status"),
        ("address", 200, None),
        ("tip_height", 200, None),
    ]
    assert records[0].at <= records[1].at <= records[2].at
    assert admin.peak_request_rate() == 6
    assert admin.peak_request_rate("blockchair", window_seconds=0.000_001) == 1

    admin.reset_counters()

    assert admin.request_count() == 0


def test_peak_rate_of_a_paced_client(http: httpx.Client, simulator: RunningSimulator) -> None:
    admin = simulator.admin
    admin.reset_counters()

    for _ in range(6):
        http.get(f"{simulator.esplora_url}/blocks/tip/height")
        time.sleep(0.25)

    assert admin.peak_request_rate("esplora") in (4, 5)
