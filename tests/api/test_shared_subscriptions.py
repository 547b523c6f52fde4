"""Many subscribers of one job on one server: each sees the whole story in order, whoever else
comes, goes or reads slowly; only the same subscription of the same account shares a stream."""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
from arq import ArqRedis
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect

from api.live import LiveHub
from api.runtime import Runtime
from db.models import JobStatus, SyncJob, utc_now
from db.session import SessionFactory
from tests.conftest import LiveServer, StartServer
from tests.utils.graphql import PROTOCOL, GraphQLClient, sign_up
from workers.constants import job_channel
from workers.events import EventPublisher

ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
JOB_UPDATES = "subscription($id: ID!) { jobUpdates(id: $id) { status fetchedTransactions } }"
# The same subscription in other words: another document, so another stream.
JOB_UPDATES_WITH_ERROR = (
    "subscription($id: ID!) { jobUpdates(id: $id) { status fetchedTransactions error } }"
)
ADD_WALLET = (
    "mutation($a: String!) { addWallet(input: {address: $a}) { job { id } errors { code } } }"
)
REMOVE_WALLET = "mutation($a: String!) { removeWallet(input: {address: $a}) { removedAddress } }"
WALLET_UPDATES = "subscription($a: String!) { walletUpdates(address: $a) { address label } }"
WAIT_SECONDS = 30.0


class Subscriptions:
    """One websocket of an account, carrying several subscriptions; every message it got, by
    operation id."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.frames: list[str] = []
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    @asynccontextmanager
    async def open(
        cls, server: LiveServer, token: str, **options: Any
    ) -> AsyncIterator[Subscriptions]:
        url = server.base_url.replace("http://", "ws://") + "/graphql"
        async with connect(url, subprotocols=[PROTOCOL], **options) as connection:  # type: ignore[list-item]
            await connection.send(
                json.dumps(
                    {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
                )
            )
            assert json.loads(await connection.recv()) == {"type": "connection_ack"}
            yield cls(connection)

    async def subscribe(self, operation_id: str, query: str, variables: dict[str, Any]) -> None:
        """Subscribes and waits for the first message (the snapshot, or a refusal)."""
        payload = {"query": query, "variables": variables}
        await self.connection.send(
            json.dumps({"id": operation_id, "type": "subscribe", "payload": payload})
        )
        if self._reader is not None:
            await until(lambda: bool(self.messages[operation_id]), f"{operation_id}'s first")
            return
        first = json.loads(await asyncio.wait_for(self.connection.recv(), WAIT_SECONDS))
        assert first["id"] == operation_id, first
        self.messages[operation_id].append(first)

    def start_reading(self) -> None:
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.connection:
            assert isinstance(raw, str)
            self.frames.append(raw)
            message = json.loads(raw)
            self.messages[message["id"]].append(message)

    async def complete(self, operation_id: str) -> None:
        await self.connection.send(json.dumps({"id": operation_id, "type": "complete"}))

    def states(self, operation_id: str) -> list[tuple[str, int]]:
        return [
            (job["status"], job["fetchedTransactions"])
            for message in self.messages[operation_id]
            if message["type"] == "next"
            for job in [message["payload"]["data"]["jobUpdates"]]
        ]

    def completed(self, operation_id: str) -> bool:
        return any(message["type"] == "complete" for message in self.messages[operation_id])


class Job:
    """The job of the test's wallet, its progress published as a running sync publishes it."""

    def __init__(self, row: SyncJob, redis: ArqRedis) -> None:
        self.row = row
        self.publisher = EventPublisher(redis)

    async def progress(self, fetched: int, *, error: str | None = None) -> None:
        self.row.status = JobStatus.RUNNING
        self.row.fetched_transactions = fetched
        self.row.error = error
        self.row.heartbeat_at = utc_now()
        await self.publisher.job_changed(self.row)

    async def succeed(self, fetched: int) -> None:
        self.row.status = JobStatus.SUCCEEDED
        self.row.fetched_transactions = fetched
        self.row.error = None
        self.row.heartbeat_at = self.row.finished_at = utc_now()
        await self.publisher.job_changed(self.row)


@pytest.fixture
def server(start_live_server: StartServer) -> LiveServer:
    # No worker: the test publishes the job's progress itself, step by step.
    return start_live_server(auth="token", allow_signup=True)


def live_hub(server: LiveServer) -> LiveHub:
    runtime: Runtime = server.app.state.runtime
    return runtime.live


async def account_with_the_wallet(server: LiveServer, name: str) -> tuple[str, str]:
    """A new account's token, and the global id of its wallet's job."""
    token = await asyncio.to_thread(sign_up, server.base_url, name)

    def add() -> str:
        with GraphQLClient(server.base_url, token=token) as client:
            payload = client.data(ADD_WALLET, {"a": ADDRESS})["addWallet"]
        assert payload["errors"] == [], payload
        job_id: str = payload["job"]["id"]
        return job_id

    return token, await asyncio.to_thread(add)


async def the_job(sessions: SessionFactory, arq_redis: ArqRedis) -> Job:
    async with sessions() as session:
        [row] = (await session.scalars(select(SyncJob))).all()
    return Job(row, arq_redis)


def showing(
    subscribers: list[tuple[Subscriptions, str]], state: tuple[str, int]
) -> Callable[[], bool]:
    """Whether every one of `subscribers` has shown `state` last."""
    return lambda: all(socket.states(name)[-1] == state for socket, name in subscribers)


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        await asyncio.sleep(0.02)


async def test_fifty_subscribers_of_two_accounts_each_get_the_whole_story_then_complete(
    server: LiveServer, sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    alice, alices_job = await account_with_the_wallet(server, "alice")
    bob, bobs_job = await account_with_the_wallet(server, "bob")
    assert alices_job == bobs_job  # one address, one sync
    job = await the_job(sessions, arq_redis)
    hub = live_hub(server)
    async with AsyncExitStack() as stack:
        sockets = [
            await stack.enter_async_context(Subscriptions.open(server, token))
            for token in (alice, bob, alice, bob, alice)
        ]
        subscribers = [(socket, f"s{number}") for socket in sockets for number in range(10)]
        for socket, operation_id in subscribers:
            await socket.subscribe(operation_id, JOB_UPDATES, {"id": alices_job})
        for socket in sockets:
            socket.start_reading()
        # One stream an account, every subscriber riding it.
        assert hub.shared_subscriptions.riders == 50
        assert hub.shared_subscriptions.sources == 2
        assert hub.open_subscriptions == 50

        # Each state published once every subscriber showed the one before, so none may skip.
        for fetched in range(1, 21):
            await job.progress(fetched)
            await until(
                showing(subscribers, ("RUNNING", fetched)), f"every subscriber to show {fetched}"
            )
        await job.succeed(21)
        await until(
            lambda: all(socket.completed(operation_id) for socket, operation_id in subscribers),
            "every subscription to complete",
        )

    # Every frame as Strawberry writes one (compact JSON, `id`, `type`, `payload` in order).
    for socket in sockets:
        assert socket.frames
        assert all(
            frame == json.dumps(json.loads(frame), separators=(",", ":")) for frame in socket.frames
        )
    expected = [("QUEUED", 0), *(("RUNNING", n) for n in range(1, 21)), ("SUCCEEDED", 21)]
    for socket, operation_id in subscribers:
        assert socket.states(operation_id) == expected
        assert socket.messages[operation_id][-1] == {"id": operation_id, "type": "complete"}
    await until(lambda: hub.open_subscriptions == 0, "the subscriptions to close")
    assert hub.shared_subscriptions.riders == 0
    assert hub.shared_subscriptions.sources == 0


async def test_other_documents_variables_and_accounts_do_not_ride_along(
    server: LiveServer, sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    alice, job_id = await account_with_the_wallet(server, "alice")
    mallory = await asyncio.to_thread(sign_up, server.base_url, "mallory")
    job = await the_job(sessions, arq_redis)
    hub = live_hub(server)
    async with (
        Subscriptions.open(server, alice) as alices,
        Subscriptions.open(server, mallory) as mallorys,
    ):
        await alices.subscribe("plain", JOB_UPDATES, {"id": job_id})
        await alices.subscribe("plain again", JOB_UPDATES, {"id": job_id})
        await alices.subscribe("with error", JOB_UPDATES_WITH_ERROR, {"id": job_id})
        # The same document with other variables: refused on its own merits.
        await alices.subscribe("other job", JOB_UPDATES, {"id": "U3luY0pvYjo5OTk="})
        # Mallory does not track the address: the same subscription is refused to her, however
        # many of Alice's are live.
        await mallorys.subscribe("sneak", JOB_UPDATES, {"id": job_id})
        alices.start_reading()
        mallorys.start_reading()
        await until(lambda: mallorys.completed("sneak"), "Mallory's refusal to complete")
        [refusal, _] = mallorys.messages["sneak"]
        assert refusal["payload"]["data"] is None
        assert "No sync job" in refusal["payload"]["errors"][0]["message"]
        [other, _] = alices.messages["other job"]
        assert "No sync job" in other["payload"]["errors"][0]["message"]
        assert hub.shared_subscriptions.sources == 2  # "plain" twice, and "with error"
        assert hub.shared_subscriptions.riders == 3

        await job.progress(5, error="provider hiccup, retrying")
        await until(
            showing(
                [(alices, name) for name in ("plain", "plain again", "with error")], ("RUNNING", 5)
            ),
            "the change",
        )
        await job.succeed(6)
        await until(
            lambda: all(alices.completed(name) for name in ("plain", "plain again", "with error")),
            "Alice's subscriptions to complete",
        )
    assert alices.states("plain") == alices.states("plain again")
    assert alices.states("plain") == [("QUEUED", 0), ("RUNNING", 5), ("SUCCEEDED", 6)]
    errors = [
        message["payload"]["data"]["jobUpdates"]["error"]
        for message in alices.messages["with error"]
        if message["type"] == "next"
    ]
    assert errors == [None, "provider hiccup, retrying", None]
    assert [message["type"] for message in mallorys.messages["sneak"]] == ["next", "complete"]
    await until(lambda: hub.open_subscriptions == 0, "the subscriptions to close")


async def test_subscribers_leaving_early_do_not_disturb_the_others(
    server: LiveServer, sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    alice, job_id = await account_with_the_wallet(server, "alice")
    job = await the_job(sessions, arq_redis)
    hub = live_hub(server)
    async with Subscriptions.open(server, alice) as staying:
        async with Subscriptions.open(server, alice) as leaving:
            for operation_id in ("a", "b", "c"):
                await staying.subscribe(operation_id, JOB_UPDATES, {"id": job_id})
                await leaving.subscribe(operation_id, JOB_UPDATES, {"id": job_id})
            staying.start_reading()
            leaving.start_reading()
            await job.progress(1)
            await until(lambda: staying.states("a")[-1] == ("RUNNING", 1), "the first change")
            # The first subscriber (whose execution the stream started from) leaves, as does
            # another on the same socket; then the whole other socket goes.
            await staying.complete("a")
            await staying.complete("b")
            await until(lambda: hub.open_subscriptions == 4, "two subscriptions to end")
        await until(lambda: hub.open_subscriptions == 1, "the closed socket's subscriptions")
        assert hub.shared_subscriptions.riders == 1
        await job.progress(2)
        await until(showing([(staying, "c")], ("RUNNING", 2)), "the second change")
        await job.succeed(3)
        await until(lambda: staying.completed("c"), "the last subscriber to complete")

    assert staying.states("c") == [("QUEUED", 0), ("RUNNING", 1), ("RUNNING", 2), ("SUCCEEDED", 3)]
    # Those that left got nothing after they left, and no `complete` of the job's end.
    assert staying.states("a") == staying.states("b") == [("QUEUED", 0), ("RUNNING", 1)]
    assert not staying.completed("a")
    await until(lambda: hub.open_subscriptions == 0, "the last subscription to close")


async def test_the_last_subscriber_leaving_stops_the_shared_stream(
    server: LiveServer, arq_redis: ArqRedis
) -> None:
    alice, job_id = await account_with_the_wallet(server, "alice")
    hub = live_hub(server)
    async with Subscriptions.open(server, alice) as socket:
        for operation_id in ("a", "b"):
            await socket.subscribe(operation_id, JOB_UPDATES, {"id": job_id})
        socket.start_reading()
        assert await listeners_of(arq_redis, job_channel(1)) == 1
        await socket.complete("a")
        await socket.complete("b")
        await until(lambda: hub.open_subscriptions == 0, "both subscriptions to end")
        assert hub.shared_subscriptions.riders == 0
        # The stream's own listener of the job's channel is gone too.
        deadline = time.monotonic() + WAIT_SECONDS
        while await listeners_of(arq_redis, job_channel(1)) != 0:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        assert hub.shared_subscriptions.sources == 0

        # Subscribing again starts a new stream, from a new snapshot.
        await socket.subscribe("c", JOB_UPDATES, {"id": job_id})
        await until(lambda: socket.states("c") == [("QUEUED", 0)], "the new snapshot")
        assert hub.shared_subscriptions.riders == 1


async def listeners_of(redis: ArqRedis, channel: str) -> int:
    [(_, count)] = await redis.pubsub_numsub(channel)
    return int(count)


async def test_a_socket_that_never_reads_holds_up_nobody_and_gets_the_newest_state(
    server: LiveServer, sessions: SessionFactory, arq_redis: ArqRedis
) -> None:
    alice, job_id = await account_with_the_wallet(server, "alice")
    job = await the_job(sessions, arq_redis)
    # Half a megabyte a state, uncompressed: a socket that reads nothing fills its buffers
    # within a few dozen states, and the server's sends to it wait.
    big_error = "x" * 500_000
    async with (
        Subscriptions.open(server, alice) as reading,
        Subscriptions.open(server, alice, compression=None, ping_interval=None) as stalled,
    ):
        await stalled.subscribe("slow", JOB_UPDATES_WITH_ERROR, {"id": job_id})
        for operation_id in ("a", "b"):
            await reading.subscribe(operation_id, JOB_UPDATES_WITH_ERROR, {"id": job_id})
        reading.start_reading()
        for fetched in range(1, 101):
            await job.progress(fetched, error=big_error)
            await until(
                showing([(reading, "a"), (reading, "b")], ("RUNNING", fetched)),
                f"the reading subscribers to show {fetched}",
            )
        await job.succeed(101)
        await until(
            lambda: reading.completed("a") and reading.completed("b"),
            "the reading subscribers to complete",
        )
        stalled.start_reading()
        await until(lambda: stalled.completed("slow"), "the stalled subscriber to complete")

    everything = [("QUEUED", 0), *(("RUNNING", n) for n in range(1, 101)), ("SUCCEEDED", 101)]
    assert reading.states("a") == reading.states("b") == everything
    shown = stalled.states("slow")
    # Behind, it was sent the newest state, never a backlog: it skipped some, in order, and
    # ends with the terminal state.
    assert shown == sorted(shown, key=lambda state: state[1])
    assert set(shown) < set(everything)
    assert shown[-1] == ("SUCCEEDED", 101)


async def test_wallet_updates_subscribers_share_and_all_complete_when_it_is_removed(
    server: LiveServer,
) -> None:
    alice, _ = await account_with_the_wallet(server, "alice")
    hub = live_hub(server)
    async with Subscriptions.open(server, alice) as socket:
        for operation_id in ("a", "b", "c"):
            await socket.subscribe(operation_id, WALLET_UPDATES, {"a": ADDRESS})
        socket.start_reading()
        assert hub.shared_subscriptions.riders == 3
        assert hub.shared_subscriptions.sources == 1

        def remove() -> None:
            with GraphQLClient(server.base_url, token=alice) as client:
                assert client.data(REMOVE_WALLET, {"a": ADDRESS})["removeWallet"] == {
                    "removedAddress": ADDRESS
                }

        await asyncio.to_thread(remove)
        await until(lambda: all(socket.completed(name) for name in "abc"), "all to complete")
    for operation_id in "abc":
        assert socket.messages[operation_id][0]["payload"]["data"]["walletUpdates"] == {
            "address": ADDRESS,
            "label": None,
        }
        assert socket.messages[operation_id][-1] == {"id": operation_id, "type": "complete"}
    await until(lambda: hub.open_subscriptions == 0, "the subscriptions to close")
