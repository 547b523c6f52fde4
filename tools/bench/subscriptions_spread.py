"""Job updates to 10,000 websocket subscribers spread over the server processes `make run`
starts, against the same 10,000 on one process (WEB_CONCURRENCY=1)."""

from __future__ import annotations

import asyncio
import json
import resource
import time
from collections import defaultdict

from db.models import Chain, JobStatus, SyncJob, utc_now
from resolvers.accounts import ensure_local_account
from resolvers.wallets import add_wallet
from schema.node import to_global_id
from tools.bench.lean_websocket import LeanWebSocket
from tools.bench.report import Row, median, percentile, seconds
from tools.bench.subscriptions import (
    EVENTS_PER_RUN,
    FINISHED,
    JOB_UPDATES,
    _finish,
    _publish_round,
)
from tools.bench.system import (
    BIG_ADDRESS,
    BenchContext,
    cpu_seconds,
    make_run_server,
    open_sessions,
    usable_cores,
)
from workers.events import EventPublisher

SUBSCRIBERS = 10_000
MAX_P99_SECONDS = 0.500
# Each websocket is a file descriptor here and in a server process; the rest is headroom.
FILES_NEEDED = SUBSCRIBERS + 1_000
OPEN_AT_ONCE = 50
# On a busy machine a handshake among 10,000 can miss its 10 s: it is tried again.
OPEN_ATTEMPTS = 5
OPERATION_ID = "1"


class LeanSubscriber:
    """One `jobUpdates` subscription on its own lean websocket (`tools.bench.lean_websocket`):
    when each state arrived, and whether the end was shown and then `complete`. Every message
    is decoded and checked: its operation id, its type, the job's state."""

    def __init__(self, connection: LeanWebSocket) -> None:
        self.connection = connection
        self.arrivals: dict[int, float] = {}
        self.finished = False
        self.completed = False
        # Messages that were not what the protocol and the subscription promise.
        self.malformed = 0
        connection.on_text = self._received

    @classmethod
    async def open(cls, url: str, job_id: str) -> LeanSubscriber:
        connection = await LeanWebSocket.connect(url, "graphql-transport-ws")
        try:
            connection.send_text(json.dumps({"type": "connection_init"}))
            ack = json.loads(await connection.receive_text())
            if ack["type"] != "connection_ack":
                raise RuntimeError(f"connection refused: {ack}")
            payload = {"query": JOB_UPDATES, "variables": {"id": job_id}}
            connection.send_text(
                json.dumps({"id": OPERATION_ID, "type": "subscribe", "payload": payload})
            )
            snapshot = json.loads(await connection.receive_text())
            if snapshot["type"] != "next" or snapshot["id"] != OPERATION_ID:
                raise RuntimeError(f"subscription refused: {snapshot}")
        except BaseException:
            connection.abort()
            raise
        return cls(connection)

    def _received(self, message: str, arrived: float) -> None:
        update = json.loads(message)
        kind = update["type"]
        if kind == "ping":
            self.connection.send_text(json.dumps({"type": "pong"}))
            return
        if update.get("id") != OPERATION_ID or self.completed:
            self.malformed += 1
        elif kind == "next":
            job = update["payload"]["data"]["jobUpdates"]
            if self.finished or not isinstance(job["fetchedTransactions"], int):
                self.malformed += 1
                return
            self.arrivals[job["fetchedTransactions"]] = arrived
            self.finished = job["status"] in FINISHED
        elif kind == "complete" and self.finished:
            self.completed = True
        else:
            self.malformed += 1

    async def close(self) -> None:
        await self.connection.close()


def raise_open_files_limit() -> int:
    """The soft limit on open files, raised to the hard one when that is needed and allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < FILES_NEEDED and (hard == resource.RLIM_INFINITY or hard > soft):
        soft = hard if hard != resource.RLIM_INFINITY else FILES_NEEDED
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


async def open_subscribers(url: str, job_id: str, count: int) -> list[LeanSubscriber]:
    """`count` subscribers of the job, OPEN_AT_ONCE at a time; if one cannot be opened, those
    opened are closed before the error goes on."""
    gate = asyncio.Semaphore(OPEN_AT_ONCE)
    opened: list[LeanSubscriber] = []

    async def one() -> None:
        async with gate:
            for attempt in range(1, OPEN_ATTEMPTS + 1):
                try:
                    opened.append(await LeanSubscriber.open(url, job_id))
                    return
                except (TimeoutError, OSError):
                    if attempt == OPEN_ATTEMPTS:
                        raise

    try:
        await asyncio.gather(*(one() for _ in range(count)))
    except BaseException:
        await close_all(opened)
        raise
    return opened


async def close_all(subscribers: list[LeanSubscriber]) -> None:
    await asyncio.gather(*(one.close() for one in subscribers), return_exceptions=True)


async def running_job(bench: BenchContext, database_url: str) -> SyncJob:
    """A job the benchmark publishes the progress of, as a running sync would."""
    async with open_sessions(database_url) as sessions:
        viewer = await ensure_local_account(sessions)
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
    # The server's in-process worker must not run it: the benchmark plays the worker.
    await bench.arq_redis.flushdb()
    job.status = JobStatus.RUNNING
    job.provider = "blockchair"
    job.attempts = 1
    job.started_at = utc_now()
    job.expected_transactions = 1_000_000
    return job


async def run(bench: BenchContext) -> list[Row]:
    limit = raise_open_files_limit()
    if limit < FILES_NEEDED:
        raise RuntimeError(f"{SUBSCRIBERS:,} websockets need {FILES_NEEDED:,} open files: {limit}")
    database_url = bench.fresh_sqlite("subscriptions-spread")
    job = await running_job(bench, database_url)
    job_id = to_global_id("SyncJob", job.id)
    publisher = EventPublisher(bench.arq_redis)
    environment = {
        **bench.server_environment(database_url),
        "PRICE_URL": bench.simulator.coingecko_url,
        # Nothing for the worker to pick up meanwhile: no refresh, the job never stale.
        "REFRESH_INTERVAL": "24h",
        "STALE_JOB_TIMEOUT": "24h",
    }
    cores = usable_cores()
    figures: dict[int, list[tuple[float, float]]] = defaultdict(list)
    lost: dict[int, int] = defaultdict(int)
    superseded: dict[int, int] = defaultdict(int)
    opened_in: dict[int, float] = {}
    finished: dict[int, int] = {}
    malformed: dict[int, int] = {}
    cpu: dict[int, list[tuple[float, float]]] = defaultdict(list)
    next_event = 1
    for processes in (1, cores):
        log = bench.path(f"subscriptions-spread-{processes}.log")
        with make_run_server(environment, log, processes=processes) as server:
            url = server.base_url.replace("http://", "ws://") + "/graphql"
            opening = time.monotonic()
            subscribers = await open_subscribers(url, job_id, SUBSCRIBERS)
            opened_in[processes] = time.monotonic() - opening
            try:
                await asyncio.sleep(1.0)
                for _ in range(bench.runs):
                    server_before = cpu_seconds(server.process.pid)
                    own_before = time.process_time()
                    taken, missing, skipped = await _publish_round(
                        publisher, job, subscribers, next_event
                    )
                    # CPU per subscriber and event: the servers' sending, this process's
                    # receiving (the load generator shares the cores).
                    messages = EVENTS_PER_RUN * SUBSCRIBERS
                    cpu[processes].append(
                        (
                            (cpu_seconds(server.process.pid) - server_before) / messages,
                            (time.process_time() - own_before) / messages,
                        )
                    )
                    next_event += EVENTS_PER_RUN
                    lost[processes] += missing
                    superseded[processes] += skipped
                    figures[processes].append((percentile(taken, 0.5), percentile(taken, 0.99)))
                finished[processes] = await _finish(publisher, job, subscribers, next_event)
                next_event += 1
                malformed[processes] = sum(subscriber.malformed for subscriber in subscribers)
            finally:
                await close_all(subscribers)
    one_p50 = median([p50 for p50, _ in figures[1]])
    one_p99 = median([p99 for _, p99 in figures[1]])
    many_p50 = median([p50 for p50, _ in figures[cores]])
    many_p99 = median([p99 for _, p99 in figures[cores]])
    events = EVENTS_PER_RUN * bench.runs * SUBSCRIBERS

    def cpu_text(processes: int) -> str:
        server = median([server for server, _ in cpu[processes]])
        own = median([own for _, own in cpu[processes]])
        return f"CPU per subscriber-event: servers {server * 1e6:.0f} µs, client {own * 1e6:.0f} µs"

    return [
        Row(
            f"subscriptions, {SUBSCRIBERS:,} subscribers across {cores} server processes "
            "(`make run`)",
            f"p50 {seconds(many_p50)}, p99 {seconds(many_p99)}, {lost[cores]} lost "
            f"({superseded[cores]:,} of {events:,} superseded by a newer one), end shown and "
            f"completed to {finished[cores]:,} of {SUBSCRIBERS:,}, {malformed[cores]} malformed; "
            f"opened in {opened_in[cores]:.0f} s; {cpu_text(cores)}",
            f"1 process: p50 {seconds(one_p50)}, p99 {seconds(one_p99)}, {lost[1]} lost "
            f"({superseded[1]:,} superseded), end to {finished[1]:,}; opened in "
            f"{opened_in[1]:.0f} s; {cpu_text(1)}",
            many_p99 / one_p99,
            f"p99 ≤ {MAX_P99_SECONDS * 1000:.0f} ms, none lost, terminal state always delivered",
            many_p99 <= MAX_P99_SECONDS
            and lost[cores] == 0
            and finished[cores] == SUBSCRIBERS
            and malformed[cores] == 0,
        )
    ]
