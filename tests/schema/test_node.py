"""Global ids: `node(id:)` and `job(id:)` resolve what the viewer may see, refuse garbage."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update

from db.models import JobStatus, SyncJob
from db.session import create_engine
from schema.node import to_global_id
from tests.conftest import LiveServer
from tests.utils.graphql import GraphQLClient

ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
JOB_FIELDS = """
  id status provider fetchedTransactions expectedTransactions progress attempts error
  queuedAt startedAt finishedAt wallet { address }
"""


async def _set_job(database_url: str, job_id: int, **values: Any) -> None:
    """Puts the job in a state a worker would leave it in (no worker runs in these tests)."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(update(SyncJob).where(SyncJob.id == job_id).values(**values))
    finally:
        await engine.dispose()


def _job_id(global_id: str) -> int:
    return int(base64.urlsafe_b64decode(global_id + "==").decode().split(":")[1])


@pytest.fixture
def running_job_id(live_server: LiveServer, graphql: GraphQLClient) -> str:
    added = graphql.add_wallet(ADDRESS)
    assert added["job"]["status"] == "QUEUED"
    job_id = added["job"]["id"]
    asyncio.run(
        _set_job(
            live_server.settings.database_url,
            _job_id(job_id),
            status=JobStatus.RUNNING,
            provider="blockchair",
            fetched_transactions=250,
            expected_transactions=1000,
            attempts=1,
            queued_at=datetime(2026, 1, 1, tzinfo=UTC),
            started_at=datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC),
        )
    )
    return str(job_id)


def test_a_job_is_readable_by_id_node_and_latest_job(
    graphql: GraphQLClient, running_job_id: str
) -> None:
    job = graphql.data(
        f"query($id: ID!) {{ job(id: $id) {{ {JOB_FIELDS} }} }}", {"id": running_job_id}
    )["job"]

    assert job == {
        "id": running_job_id,
        "status": "RUNNING",
        "provider": "blockchair",
        "fetchedTransactions": 250,
        "expectedTransactions": 1000,
        "progress": 0.25,
        "attempts": 1,
        "error": None,
        "queuedAt": "2026-01-01T00:00:00+00:00",
        "startedAt": "2026-01-01T00:00:01+00:00",
        "finishedAt": None,
        "wallet": {"address": ADDRESS},
    }
    node = graphql.data(
        "query($id: ID!) { node(id: $id) { __typename id } }", {"id": running_job_id}
    )["node"]
    assert node == {"__typename": "SyncJob", "id": running_job_id}
    latest = graphql.data(
        "query($a: String!) { wallet(address: $a) { latestJob { id } } }", {"a": ADDRESS}
    )
    assert latest["wallet"]["latestJob"] == {"id": running_job_id}


def test_a_job_stays_readable_after_its_wallet_is_removed_when_the_viewer_asked_for_it(
    live_server: LiveServer, graphql: GraphQLClient
) -> None:
    job_id = graphql.add_wallet(ADDRESS)["job"]["id"]
    asyncio.run(
        _set_job(
            live_server.settings.database_url,
            _job_id(job_id),
            status=JobStatus.SUCCEEDED,
            fetched_transactions=3,
            expected_transactions=3,
        )
    )
    removed = graphql.data(
        "mutation($a: String!) { removeWallet(input: {address: $a}) { removedAddress } }",
        {"a": ADDRESS},
    )
    assert removed["removeWallet"]["removedAddress"] == ADDRESS

    job = graphql.data(
        "query($id: ID!) { job(id: $id) { status progress wallet { address } } }",
        {"id": job_id},
    )["job"]
    assert job == {"status": "SUCCEEDED", "progress": 1.0, "wallet": None}


def test_unknown_ids_of_a_known_type_are_null(graphql: GraphQLClient) -> None:
    for global_id in [
        to_global_id("Wallet", 999),
        to_global_id("SyncJob", 999),
        to_global_id("ApiToken", 1),
    ]:
        assert graphql.data("query($id: ID!) { node(id: $id) { id } }", {"id": global_id}) == {
            "node": None
        }
    assert graphql.data(
        "query($id: ID!) { job(id: $id) { id } }", {"id": to_global_id("SyncJob", 999)}
    ) == {"job": None}


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not-base64!",
        "' OR 1=1 --",
        "V2FsbGV0",
        "V2FsbGV0Ong",
        "🙂",
        "A" * 5000,
        to_global_id("1nvalid", 1),
    ],
)
def test_garbage_ids_are_clear_errors(graphql: GraphQLClient, garbage: str) -> None:
    messages = graphql.error_messages("query($id: ID!) { node(id: $id) { id } }", {"id": garbage})
    assert any("Invalid id" in message for message in messages), messages


def test_job_refuses_ids_of_other_types(graphql: GraphQLClient) -> None:
    messages = graphql.error_messages(
        "query($id: ID!) { job(id: $id) { id } }", {"id": to_global_id("Wallet", 1)}
    )
    assert any("is not a SyncJob id" in message for message in messages)
