"""A minimal graphql-transport-ws client over a real websocket, for tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

PROTOCOL = "graphql-transport-ws"


class GraphQLSocket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, within_seconds: float = 10.0) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), within_seconds)
        message: dict[str, Any] = json.loads(raw)
        return message

    async def read_until_closed(self) -> None:
        """Reads (and drops) messages until the server closes the socket."""
        while True:
            await self.receive()

    async def subscribe(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        await self.send(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )

    async def messages_until_complete(
        self, operation_id: str, within_seconds: float = 60.0
    ) -> list[dict[str, Any]]:
        """Every message of the operation up to and including its `complete` (or `error`)."""
        received = []
        while True:
            message = await self.receive(within_seconds)
            if message.get("id") != operation_id:
                continue
            received.append(message)
            if message["type"] in ("complete", "error"):
                return received


@asynccontextmanager
async def graphql_socket(
    base_url: str, *, init: bool = True, token: str | None = None
) -> AsyncIterator[GraphQLSocket]:
    """A socket at /graphql; with `init`, also initialised (with `token` in the payload)."""
    url = base_url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
        socket = GraphQLSocket(connection)
        if init:
            payload = {"Authorization": f"Bearer {token}"} if token is not None else {}
            await socket.send({"type": "connection_init", "payload": payload})
            assert await socket.receive() == {"type": "connection_ack"}
        yield socket
