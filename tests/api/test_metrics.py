"""GET /metrics: Prometheus text that moves when work happens."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import LiveServer, syncing_settings
from tests.utils.graphql import GraphQLClient
from tools.simulator.testing import RunningSimulator
from tools.webhook_receiver import running_receiver
from workers.redis_server import RedisServer

ADDRESS = "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju"
WITH_MEMPOOL = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"


def scrape(server: LiveServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of GET /metrics, parsed by Prometheus's own text parser."""
    response = httpx.get(f"{server.base_url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_metrics_count_requests_operations_syncs_and_provider_calls(
    syncing_server: LiveServer,
) -> None:
    before = scrape(syncing_server)
    with GraphQLClient(syncing_server.base_url) as graphql:
        job_id = graphql.add_wallet(ADDRESS)["job"]["id"]
        for _ in range(100):
            status = graphql.data(
                "query JobStatus($id: ID!) { job(id: $id) { status } }", {"id": job_id}
            )["job"]["status"]
            if status == "SUCCEEDED":
                break
            time.sleep(0.1)
        graphql.execute("query Broken { nope }")
    after = scrape(syncing_server)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert (
        moved("wallet_tracker_http_requests_total", route="/graphql", method="POST", status="200")
        >= 2
    )
    assert (
        moved("wallet_tracker_http_requests_total", route="/metrics", method="GET", status="200")
        == 1
    )
    assert (
        moved(
            "wallet_tracker_graphql_operations_total",
            operation="AddWallet",
            type="mutation",
            outcome="ok",
        )
        == 1
    )
    assert (
        moved(
            "wallet_tracker_graphql_operations_total",
            operation="JobStatus",
            type="query",
            outcome="ok",
        )
        >= 1
    )
    assert (
        moved(
            "wallet_tracker_graphql_operations_total",
            operation="Broken",
            type="query",
            outcome="error",
        )
        == 1
    )
    assert (
        moved(
            "wallet_tracker_graphql_operation_seconds_count", operation="AddWallet", type="mutation"
        )
        == 1
    )
    assert moved("wallet_tracker_sync_jobs_total", outcome="succeeded") == 1
    assert moved("wallet_tracker_sync_job_seconds_count") == 1
    # The address's one page (whole history and summary in one answer).
    assert moved("wallet_tracker_provider_calls_total", provider="blockchair", status="200") == 1
    # Periodic jobs come and go in the queue; the gauge must be there and sane.
    assert ("wallet_tracker_queue_depth", ()) in after
    assert 0 <= after[("wallet_tracker_queue_depth", ())] < 5
    assert after[("wallet_tracker_open_subscriptions", ())] == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_metrics_count_webhook_attempts_deliveries_latency_and_the_queue(
    database_url: str,
    redis_server: RedisServer,
    simulator: RunningSimulator,
    tmp_path: Path,
) -> None:
    settings = syncing_settings(
        database_url,
        redis_server,
        simulator,
        tmp_path,
        webhook_allow_http=True,
        webhook_allow_private=True,
    )
    server = LiveServer(settings)
    server.start()
    try:
        with running_receiver() as receiver, GraphQLClient(server.base_url) as graphql:
            wait_for_sync(graphql, graphql.add_wallet(WITH_MEMPOOL)["job"]["id"])
            created = graphql.data(
                """mutation($url: String!) { createWebhook(input: {url: $url,
                events: [TRANSACTION_NEW]}) { errors { message } } }""",
                {"url": receiver.url},
            )["createWebhook"]
            assert created["errors"] == []
            before = scrape(server)
            simulator.admin.add_mempool_transaction(WITH_MEMPOOL, 4_321)
            job_id = graphql.data(
                "mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } } }",
                {"a": WITH_MEMPOOL},
            )["syncWallet"]["job"]["id"]
            wait_for_sync(graphql, job_id)
            [delivered] = receiver.wait_for(1)
            assert b'"amount":"4321"' in delivered.body
            deadline = time.monotonic() + 10
            while value(
                scrape(server), "wallet_tracker_webhook_deliveries_total", outcome="succeeded"
            ) == value(before, "wallet_tracker_webhook_deliveries_total", outcome="succeeded"):
                assert time.monotonic() < deadline, "the delivery was never counted"
                time.sleep(0.1)
            after = scrape(server)
    finally:
        server.stop()

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("wallet_tracker_webhook_attempts_total", outcome="succeeded") == 1
    assert moved("wallet_tracker_webhook_deliveries_total", outcome="succeeded") == 1
    assert moved("wallet_tracker_webhook_latency_seconds_count") == 1
    assert moved("wallet_tracker_webhook_latency_seconds_bucket", le="60.0") == 1
    assert after[("wallet_tracker_webhook_queue_depth", ())] == 0


def wait_for_sync(graphql: GraphQLClient, job_id: str) -> None:
    for _ in range(200):
        status = graphql.data("query($id: ID!) { job(id: $id) { status } }", {"id": job_id})["job"][
            "status"
        ]
        if status in ("SUCCEEDED", "FAILED"):
            assert status == "SUCCEEDED"
            return
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")
