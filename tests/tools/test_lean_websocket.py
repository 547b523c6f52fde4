"""The benchmark's lean websocket client against the `websockets` library's own server: the
handshake, text frames of every length encoding both ways (its frames masked, as the server
insists), pings answered, and a refused handshake reported."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.typing import Subprotocol

from tools.bench.lean_websocket import LeanWebSocket, LeanWebSocketError

SUBPROTOCOL = "graphql-transport-ws"
# One of each length encoding: 7 bits, 16 bits, 64 bits.
TEXTS = ["short ü", "x" * 300, "y" * 70_000]


@asynccontextmanager
async def echo_server(subprotocols: list[str]) -> AsyncIterator[tuple[str, list[bool]]]:
    """Echoes each text message back after a ping, and records whether each ping was
    answered."""
    pongs: list[bool] = []

    async def echo(connection: ServerConnection) -> None:
        async for message in connection:
            answered = await connection.ping()
            pongs.append(await asyncio.wait_for(answered, 5) is not None)
            await connection.send(message)

    async with serve(
        echo,
        "127.0.0.1",
        0,
        subprotocols=[Subprotocol(name) for name in subprotocols],
        max_size=None,
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}/graphql", pongs


async def test_text_messages_go_both_ways_and_pings_are_answered() -> None:
    async with echo_server([SUBPROTOCOL]) as (url, pongs):
        client = await LeanWebSocket.connect(url, SUBPROTOCOL)
        client.send_text(TEXTS[0])
        assert await client.receive_text() == TEXTS[0]
        received: list[str] = []
        client.on_text = lambda text, arrived: received.append(text)
        for text in TEXTS[1:]:
            client.send_text(text)
        for _ in range(100):
            if len(received) == len(TEXTS) - 1:
                break
            await asyncio.sleep(0.05)
        assert received == TEXTS[1:]
        assert len(pongs) == len(TEXTS)
        await client.close()
        assert client.closed.done()


async def test_a_server_that_does_not_speak_the_subprotocol_is_refused() -> None:
    async with echo_server(["another-protocol"]) as (url, _):
        with pytest.raises(LeanWebSocketError):
            await LeanWebSocket.connect(url, SUBPROTOCOL)
