"""At scale: PostgreSQL, one Redis, two server processes and two worker processes."""

from __future__ import annotations

import pytest

from db.session import SessionFactory
from tests.utils.graphql import GraphQLClient
from tests.utils.processes import ProcessRig
from tests.utils.sync_harness import provider_history, stored_history
from tools.processes import WorkerProcess

BIG_ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
JOB_UPDATES = """
subscription($id: ID!) {
  jobUpdates(id: $id) { status fetchedTransactions expectedTransactions attempts }
}
"""


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_subscriber_on_one_server_follows_a_job_through_a_worker_crash(
    processes: ProcessRig, sessions: SessionFactory
) -> None:
    expected = provider_history(processes.simulator, BIG_ADDRESS)
    environment = processes.environment(BLOCKCHAIR_RATE_LIMIT="4", RUN_WORKER="false")
    server_a = processes.server(environment, "server-a")
    server_b = processes.server(environment, "server-b")
    first_worker = processes.worker(environment, "worker-1")
    second_worker: WorkerProcess | None = None
    try:
        server_a.wait_until_ready()
        server_b.wait_until_ready()
        with GraphQLClient(server_b.base_url) as graphql:
            job_id = graphql.add_wallet(BIG_ADDRESS)["job"]["id"]

        events = []
        async with GraphQLClient(server_a.base_url).socket() as socket:
            await socket.subscribe("job", JOB_UPDATES, {"id": job_id})
            while True:
                message = await socket.receive(within_seconds=90)
                if message["type"] == "complete":
                    break
                assert message["type"] == "next", message
                events.append(message["payload"]["data"]["jobUpdates"])
                if second_worker is None and events[-1]["fetchedTransactions"] >= 30_000:
                    # The job is half done on the first worker: start another, kill the first.
                    second_worker = processes.worker(environment, "worker-2")
                    first_worker.kill()
    finally:
        first_worker.stop()
        if second_worker is not None:
            second_worker.stop()
        server_a.stop()
        server_b.stop()

    assert second_worker is not None, "the job was seen in progress"
    fetched = [event["fetchedTransactions"] for event in events]
    assert fetched == sorted(fetched)
    last = events[-1]
    assert last["status"] == "SUCCEEDED"
    assert last["attempts"] == 2
    assert last["expectedTransactions"] == 156_000
    assert await stored_history(sessions, BIG_ADDRESS) == expected
