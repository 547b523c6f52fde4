"""`python server.py` with WEB_CONCURRENCY server processes: one database, one Redis, one worker,
each process with its own SO_REUSEPORT socket that keeps TCP_NODELAY, and a clean stop."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import psutil
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from server import EVENT_LOOP, HTTP_PROTOCOL, WEBSOCKET_PROTOCOL
from server_processes import listening_sockets, port_is_free
from tests.test_server import _redis_servers_under
from tests.utils.graphql import GraphQLClient, GraphQLSocket
from tests.utils.processes import offline_server_environment
from tools.processes import ServerProcess, run_python, wait_until_gone
from tools.simulator.testing import RunningSimulator

SMALL_ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
WALLET_UPDATES = """
subscription($address: String!) { walletUpdates(address: $address) { balance syncStatus } }
"""
SYNC_WALLET = "mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } } }"
WALLET_STATUS = "query($a: String!) { wallet(address: $a) { syncStatus } }"
# New connections land on the processes as the kernel spreads them (a hash of the client's
# port): this many are plenty to reach each of two.
CONNECTIONS_TO_REACH_EACH = 64


@pytest.fixture
def two_processes(tmp_path: Path, simulator: RunningSimulator) -> Iterator[ServerProcess]:
    """`python server.py` with two server processes, a fresh SQLite file and the embedded
    Redis, syncing from the simulator."""
    environment = {
        **offline_server_environment(tmp_path),
        "WEB_CONCURRENCY": "2",
        "BLOCKCHAIR_URL": simulator.blockchair_url,
        "ESPLORA_URL": simulator.esplora_url,
        "BLOCKCHAIR_API_KEY": "test-key",
        "BLOCKCHAIR_RATE_LIMIT": "100",
    }
    server = ServerProcess(environment, tmp_path / "server.log")
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@contextmanager
def client_on(server: ServerProcess, process: int) -> Iterator[tuple[httpx.Client, int]]:
    """A keep-alive client whose connection landed on server process `process`, and its pid."""
    for _ in range(CONNECTIONS_TO_REACH_EACH):
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            health = client.get("/healthz").json()
            if health["process"] == process:
                yield client, health["pid"]
                return
    raise AssertionError(f"no connection reached server process {process}")


def served_by(client: httpx.Client) -> int:
    process: int = client.get("/healthz").json()["process"]
    return process


def healthz_requests(client: httpx.Client) -> float:
    wanted = 'wallet_tracker_http_requests_total{method="GET",route="/healthz",status="200"} '
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(wanted):
            return float(line.split()[-1])
    raise AssertionError("no /healthz requests counted in /metrics")


def open_subscriptions(client: httpx.Client) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("wallet_tracker_open_subscriptions "):
            return float(line.split()[1])
    raise AssertionError("no open subscriptions gauge in /metrics")


def test_two_processes_serve_from_one_database_redis_and_migration(
    two_processes: ServerProcess, tmp_path: Path
) -> None:
    with (
        client_on(two_processes, 0) as (first, first_pid),
        client_on(two_processes, 1) as (second, second_pid),
    ):
        children = {child.pid for child in psutil.Process(two_processes.process.pid).children()}
        assert {first_pid, second_pid} <= children
        assert first_pid != second_pid
        # A wallet added through one process is read through the other: one database.
        adder = GraphQLClient(two_processes.base_url, http=second)
        assert adder.add_wallet(SMALL_ADDRESS, label="Shared")["errors"] == []
        reader = GraphQLClient(two_processes.base_url, http=first)
        wallet = reader.data(
            "query($a: String!) { wallet(address: $a) { label } }", {"a": SMALL_ADDRESS}
        )
        assert wallet == {"wallet": {"label": "Shared"}}
        assert served_by(first) == 0
        assert served_by(second) == 1
        # The worker runs in process 0; process 1 reports the state process 0 shares.
        assert first.get("/readyz").json()["checks"]["worker"] == "ok"
        assert second.get("/readyz").json()["checks"]["worker"] == "ok"
        assert second.get("/readyz").status_code == 200
        # /metrics counts the requests of every process, whichever answers.
        counted = healthz_requests(first)
        for _ in range(5):
            assert second.get("/healthz").status_code == 200
        assert healthz_requests(first) == counted + 5
        assert healthz_requests(second) == counted + 5
    assert len(_redis_servers_under(tmp_path)) == 1
    output = two_processes.output()
    assert output.count("Running upgrade  -> 0001") == 1, "migrations run once, in the parent"
    assert output.count("Starting worker for") == 1, "one in-process worker, in process 0"


async def test_a_sync_asked_of_either_process_reaches_subscribers_on_the_other(
    two_processes: ServerProcess, simulator: RunningSimulator
) -> None:
    # Added through process 1, which runs no worker: process 0's worker syncs it.
    with client_on(two_processes, 1) as (adder, _):
        graphql = GraphQLClient(two_processes.base_url, http=adder)
        graphql.add_wallet(SMALL_ADDRESS)
        await _until_synced(graphql)
    simulator.admin.mine_block(address=SMALL_ADDRESS, amounts_sat=[10_000])
    expected_balance = str(simulator.admin.balance_sat(SMALL_ADDRESS))

    async with _subscribed_on_both(two_processes) as sockets:
        for process in (0, 1):
            with client_on(two_processes, process) as (asker, _):
                GraphQLClient(two_processes.base_url, http=asker).data(
                    SYNC_WALLET, {"a": SMALL_ADDRESS}
                )
            for subscription in sockets:
                await _until_balance(subscription, expected_balance)
            simulator.admin.mine_block(address=SMALL_ADDRESS, amounts_sat=[20_000])
            expected_balance = str(simulator.admin.balance_sat(SMALL_ADDRESS))


@asynccontextmanager
async def _subscribed_on_both(server: ServerProcess) -> AsyncIterator[list[GraphQLSocket]]:
    """walletUpdates subscriptions over new websockets until each process holds at least one."""
    graphql = GraphQLClient(server.base_url)
    async with AsyncExitStack() as stack:
        sockets = []
        for _ in range(CONNECTIONS_TO_REACH_EACH):
            subscription = await stack.enter_async_context(graphql.socket())
            await subscription.subscribe("w", WALLET_UPDATES, {"address": SMALL_ADDRESS})
            assert (await subscription.receive())["type"] == "next"
            sockets.append(subscription)
            if all(_holds_a_subscription(server, process) for process in (0, 1)):
                yield sockets
                return
        raise AssertionError("the websockets did not reach both server processes")


def _holds_a_subscription(server: ServerProcess, process: int) -> bool:
    with client_on(server, process) as (client, _):
        return open_subscriptions(client) >= 1


async def _until_synced(graphql: GraphQLClient) -> None:
    for _ in range(300):
        wallet = graphql.data(WALLET_STATUS, {"a": SMALL_ADDRESS})["wallet"]
        if wallet["syncStatus"] == "SYNCED":
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the wallet did not sync")


async def _until_balance(subscription: GraphQLSocket, balance: str) -> None:
    while True:
        message = await subscription.receive(within_seconds=30)
        assert message["type"] == "next", message
        if message["payload"]["data"]["walletUpdates"]["balance"] == balance:
            return


def test_sigterm_stops_every_process_and_redis_and_frees_the_port(
    two_processes: ServerProcess, tmp_path: Path
) -> None:
    children = psutil.Process(two_processes.process.pid).children()
    redis_pids = _redis_servers_under(tmp_path)
    two_processes.stop_signal = signal.SIGTERM

    output = two_processes.stop()

    assert two_processes.process.returncode == 0, output
    assert "Traceback" not in output
    assert output.count("Application shutdown complete") == 2
    assert all(wait_until_gone(child.pid) for child in children)
    assert redis_pids
    assert all(wait_until_gone(pid) for pid in redis_pids)
    assert port_is_free("127.0.0.1", two_processes.port)


def test_a_server_process_that_dies_stops_the_rest_with_an_error(
    two_processes: ServerProcess, tmp_path: Path
) -> None:
    with client_on(two_processes, 1) as (_, pid):
        pass
    others = [child for child in psutil.Process(two_processes.process.pid).children()]
    redis_pids = _redis_servers_under(tmp_path)

    psutil.Process(pid).kill()
    two_processes.process.wait(timeout=30)

    output = two_processes.stop()
    assert two_processes.process.returncode == 1
    # Said once, as the reason the others are stopped.
    death = f"server process 1 (pid {pid}) exited with signal SIGKILL"
    assert output.count(death) == 1
    assert f"{death}; stopping the others" in output
    assert all(wait_until_gone(child.pid) for child in others)
    assert all(wait_until_gone(pid) for pid in redis_pids)


def test_one_process_serves_by_itself(tmp_path: Path) -> None:
    environment = {**offline_server_environment(tmp_path), "WEB_CONCURRENCY": "1"}
    with ServerProcess(environment, tmp_path / "server.log") as server:
        server.wait_until_ready()
        assert httpx.get(f"{server.base_url}/healthz").json() == {"status": "ok"}
        assert psutil.Process(server.process.pid).children() == []


def test_a_port_another_server_listens_on_is_refused(tmp_path: Path) -> None:
    with socket.socket() as plain:
        plain.bind(("127.0.0.1", 0))
        plain.listen()
        assert not port_is_free("127.0.0.1", plain.getsockname()[1])
    # Another wallet-tracker's sockets (SO_REUSEPORT) would let ours share its port, silently.
    [taken] = listening_sockets("127.0.0.1", 0)
    with taken:
        port = taken.getsockname()[1]
        environment = {
            **offline_server_environment(tmp_path),
            "WEB_CONCURRENCY": "2",
            "PORT": str(port),
        }
        finished = run_python(["server.py"], environment=environment)
    assert finished.returncode == 1
    assert f"127.0.0.1:{port} is in use" in finished.stderr
    assert _redis_servers_under(tmp_path) == []


def test_accepted_connections_keep_tcp_nodelay_and_the_port_is_shared() -> None:
    """What each server process does: uvicorn serving on `listening_sockets`."""
    first = listening_sockets("127.0.0.1", 0)
    port = first[0].getsockname()[1]
    second = listening_sockets("127.0.0.1", port)  # a second process's socket, same port
    for listener in first + second:
        assert listener.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
    app = Starlette(
        routes=[
            Route("/", lambda request: PlainTextResponse("hi")),
            Route("/loop", _event_loop_module),
        ]
    )
    config = uvicorn.Config(
        app,
        loop=EVENT_LOOP,
        http=HTTP_PROTOCOL,
        ws=WEBSOCKET_PROTOCOL,
        log_config=None,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": first + second})
    thread.start()
    try:
        # The sockets listen already: a connection made before uvicorn runs waits its turn.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            assert client.get("/").text == "hi"
            assert client.get("/").text == "hi"
            accepted = [
                connection.transport.get_extra_info("socket")
                for connection in server.server_state.connections
            ]
            assert accepted
            assert all(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for sock in accepted)
            # The loop and parser the server processes name (uvloop's transports set
            # TCP_NODELAY themselves; asyncio's only for a socket that says IPPROTO_TCP).
            assert client.get("/loop").text == "uvloop"
            assert all(
                isinstance(connection, HttpToolsProtocol)
                for connection in server.server_state.connections
            )
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def _event_loop_module(request: Request) -> PlainTextResponse:
    return PlainTextResponse(type(asyncio.get_running_loop()).__module__.split(".")[0])


@pytest.mark.parametrize(
    ("processes", "deflate", "negotiated"),
    [("1", None, None), ("2", "true", "permessage-deflate")],
    ids=["one-process-default-off", "several-processes-turned-on"],
)
async def test_websocket_compression_is_off_unless_turned_on(
    tmp_path: Path, processes: str, deflate: str | None, negotiated: str | None
) -> None:
    """A client offering permessage-deflate (as browsers and `websockets` do) gets plain frames
    by default: every subscriber of a job is sent the same bytes, uncompressed."""
    environment = {**offline_server_environment(tmp_path), "WEB_CONCURRENCY": processes}
    if deflate is not None:
        environment["WS_PER_MESSAGE_DEFLATE"] = deflate
    with ServerProcess(environment, tmp_path / "server.log") as server:
        server.wait_until_ready()
        url = server.base_url.replace("http://", "ws://") + "/graphql"
        async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket_:
            assert socket_.response is not None
            extensions = socket_.response.headers.get("Sec-WebSocket-Extensions")
            assert (extensions or "").split(";")[0] == (negotiated or "")
            await socket_.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await socket_.recv())["type"] == "connection_ack"
