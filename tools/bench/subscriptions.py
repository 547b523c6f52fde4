"""Job updates from a worker's publisher to 1,000 websocket subscribers of one server process."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from websockets.asyncio.client import ClientConnection, connect

from db.models import Chain, JobStatus, SyncJob, utc_now
from resolvers.accounts import ensure_local_account
from resolvers.wallets import add_wallet
from schema.node import to_global_id
from tools.bench.report import Row, median, percentile, seconds
from tools.bench.system import BIG_ADDRESS, BenchContext, open_sessions, server_process
from workers.events import EventPublisher

SUBSCRIBERS = 1_000
EVENTS_PER_RUN = 20
# A sync publishes progress at most ten times a second (workers.events).
EVENT_SPACING_SECONDS = 0.1
# Long enough for a late event to arrive: only events never delivered count as lost.
SETTLE_SECONDS = 5.0
CHECK_SECONDS = 0.05
OPEN_AT_ONCE = 50
MAX_P99_SECONDS = 0.100
JOB_UPDATES = "subscription($id: ID!) { jobUpdates(id: $id) { status fetchedTransactions } }"
FINISHED = {JobStatus.SUCCEEDED.value, JobStatus.FAILED.value, JobStatus.CANCELLED.value}


class ShowsStates(Protocol):
    """A subscriber as the rounds read it: when each state arrived, whether the end was shown
    and then `complete`."""

    arrivals: dict[int, float]
    finished: bool
    completed: bool


class Subscriber:
    """One websocket with one `jobUpdates` subscription; when each event arrived."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.arrivals: dict[int, float] = {}
        # The terminal state shown, then the subscription's `complete`.
        self.finished = False
        self.completed = False
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, url: str, job_id: str) -> Subscriber:
        connection = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        await connection.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await connection.recv())["type"] == "connection_ack"
        payload = {"query": JOB_UPDATES, "variables": {"id": job_id}}
        await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        snapshot = json.loads(await connection.recv())
        if snapshot["type"] != "next":
            raise RuntimeError(f"subscription refused: {snapshot}")
        subscriber = cls(connection)
        subscriber._reader = asyncio.create_task(subscriber._read())
        return subscriber

    async def _read(self) -> None:
        async for message in self.connection:
            arrived = time.time()
            update = json.loads(message)
            if update["type"] == "next":
                job = update["payload"]["data"]["jobUpdates"]
                self.arrivals[job["fetchedTransactions"]] = arrived
                self.finished = job["status"] in FINISHED
            elif update["type"] == "complete":
                self.completed = True

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        await self.connection.close()


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used so far: a figure the machine's other
    load does not inflate, unlike latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of proc(5), counted after the command name's closing parenthesis.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _open_all(url: str, job_id: str, count: int) -> list[Subscriber]:
    gate = asyncio.Semaphore(OPEN_AT_ONCE)

    async def one() -> Subscriber:
        async with gate:
            return await Subscriber.open(url, job_id)

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def _publish_round(
    publisher: EventPublisher, job: SyncJob, subscribers: Sequence[ShowsStates], first_event: int
) -> tuple[list[float], int, int]:
    """Publishes events as a running sync would. For every subscriber and event: how long until
    the subscriber showed that state or a newer one (a subscriber that fell behind is sent only
    the newest state). Also how many events were never shown (lost) and how many were skipped
    for a newer one (superseded)."""
    sent: dict[int, float] = {}
    for number in range(first_event, first_event + EVENTS_PER_RUN):
        job.fetched_transactions = number
        job.heartbeat_at = utc_now()
        sent[number] = time.time()
        await publisher.job_changed(job)
        await asyncio.sleep(EVENT_SPACING_SECONDS)
    await asyncio.sleep(SETTLE_SECONDS)
    latencies = []
    lost = superseded = 0
    for subscriber in subscribers:
        shown_by: float | None = None  # the earliest arrival of this event or a newer one
        for number in sorted(sent, reverse=True):
            arrived = subscriber.arrivals.get(number)
            if arrived is None:
                superseded += shown_by is not None
            else:
                shown_by = arrived if shown_by is None else min(shown_by, arrived)
            if shown_by is None:
                lost += 1
            else:
                latencies.append(shown_by - sent[number])
    return latencies, lost, superseded


async def _finish(
    publisher: EventPublisher, job: SyncJob, subscribers: Sequence[ShowsStates], last_event: int
) -> int:
    """Publishes the job's end (succeeded) as the sync's last event; how many subscribers
    showed it and then got `complete`. The job runs again for the next group."""
    job.fetched_transactions = last_event
    job.status = JobStatus.SUCCEEDED
    job.heartbeat_at = job.finished_at = utc_now()
    await publisher.job_changed(job)
    for _ in range(int(SETTLE_SECONDS / CHECK_SECONDS)):
        if all(subscriber.finished and subscriber.completed for subscriber in subscribers):
            break
        await asyncio.sleep(CHECK_SECONDS)
    job.status = JobStatus.RUNNING
    job.finished_at = None
    return sum(subscriber.finished and subscriber.completed for subscriber in subscribers)


async def run(bench: BenchContext) -> list[Row]:
    database_url = bench.fresh_sqlite("subscriptions")
    async with open_sessions(database_url) as sessions:
        viewer = await ensure_local_account(sessions)
        # Its first job stays queued (no worker runs here): the benchmark publishes its progress.
        added = await add_wallet(
            sessions,
            bench.arq_redis,
            viewer=viewer,
            chain=Chain.BITCOIN,
            address=BIG_ADDRESS,
            label=None,
        )
        job = added.job
        assert job is not None, added.errors
        job.status = JobStatus.RUNNING
        job.provider = "blockchair"
        job.attempts = 1
        job.started_at = utc_now()
        job.expected_transactions = 1_000_000
    job_id = to_global_id("SyncJob", job.id)
    publisher = EventPublisher(bench.arq_redis)
    figures: dict[int, list[tuple[float, float]]] = defaultdict(list)
    lost: dict[int, int] = defaultdict(int)
    superseded: dict[int, int] = defaultdict(int)
    finished: dict[int, int] = {}
    cpu_per_event: dict[int, list[float]] = defaultdict(list)
    # The subscribers' side: 1,000 websocket clients share this one process.
    client_cpu_per_event: dict[int, list[float]] = defaultdict(list)
    environment = bench.server_environment(database_url)
    with server_process(environment, bench.path("subscriptions.log")) as server:
        url = server.base_url.replace("http://", "ws://") + "/graphql"
        next_event = 1
        for count in (1, SUBSCRIBERS):
            subscribers = await _open_all(url, job_id, count)
            try:
                await asyncio.sleep(1.0)
                for _ in range(bench.runs):
                    cpu_before = cpu_seconds(server.process.pid)
                    client_cpu_before = time.process_time()
                    taken, missing, skipped = await _publish_round(
                        publisher, job, subscribers, next_event
                    )
                    cpu_used = cpu_seconds(server.process.pid) - cpu_before
                    cpu_per_event[count].append(cpu_used / EVENTS_PER_RUN)
                    client_cpu = time.process_time() - client_cpu_before
                    client_cpu_per_event[count].append(client_cpu / EVENTS_PER_RUN)
                    next_event += EVENTS_PER_RUN
                    lost[count] += missing
                    superseded[count] += skipped
                    figures[count].append((percentile(taken, 0.5), percentile(taken, 0.99)))
                finished[count] = await _finish(publisher, job, subscribers, next_event)
                next_event += 1
            finally:
                await asyncio.gather(*(subscriber.close() for subscriber in subscribers))
    one_p50 = median([p50 for p50, _ in figures[1]])
    one_p99 = median([p99 for _, p99 in figures[1]])
    many_p50 = median([p50 for p50, _ in figures[SUBSCRIBERS]])
    many_p99 = median([p99 for _, p99 in figures[SUBSCRIBERS]])
    return [
        Row(
            f"subscriptions, {SUBSCRIBERS:,} subscribers on one server",
            f"p50 {seconds(many_p50)}, p99 {seconds(many_p99)}, {lost[SUBSCRIBERS]} lost "
            f"({superseded[SUBSCRIBERS]:,} of {EVENTS_PER_RUN * bench.runs * SUBSCRIBERS:,} "
            f"superseded by a newer one), end shown and completed to "
            f"{finished[SUBSCRIBERS]:,} of {SUBSCRIBERS:,}, "
            f"server CPU {seconds(median(cpu_per_event[SUBSCRIBERS]))} an event "
            f"(the subscribers' {seconds(median(client_cpu_per_event[SUBSCRIBERS]))})",
            f"1 subscriber p50 {seconds(one_p50)}, p99 {seconds(one_p99)}, "
            f"CPU {seconds(median(cpu_per_event[1]))} an event",
            many_p99 / one_p99,
            f"p99 ≤ {MAX_P99_SECONDS * 1000:.0f} ms, none lost, terminal state always delivered",
            many_p99 <= MAX_P99_SECONDS
            and lost[SUBSCRIBERS] == 0
            and lost[1] == 0
            and finished == {1: 1, SUBSCRIBERS: SUBSCRIBERS},
        )
    ]
