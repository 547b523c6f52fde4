"""GET /metrics: Prometheus text that moves when work happens."""

from __future__ import annotations

import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import LiveServer
from tests.utils.graphql import GraphQLClient

ADDRESS = "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju"


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
