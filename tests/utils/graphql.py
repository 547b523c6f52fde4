"""The tests' GraphQL client: one object that speaks HTTP (`execute`) and graphql-transport-ws
(`socket`) to a running server, with an optional API token for both."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

PROTOCOL = "graphql-transport-ws"

ADD_WALLET = """
mutation AddWallet($address: String!, $label: String) {
  addWallet(input: {address: $address, label: $label}) {
    wallet { id address label }
    job { id status }
    errors { code field message }
  }
}
"""


CREATE_ACCOUNT = """
mutation SignUp($name: String!) {
  createAccount(input: {name: $name}) { account { name } token errors { code field message } }
}
"""


REMOVE_WALLET = """
mutation RemoveWallet($address: String!, $chain: Chain) {
  removeWallet(input: {address: $address, chain: $chain}) { removedAddress errors { code } }
}
"""


class GraphQLClient:
    def __init__(
        self, base_url: str, *, token: str | None = None, http: httpx.Client | None = None
    ) -> None:
        """`http`: a connection pool of the caller's to send HTTP requests through (closed by
        the caller), e.g. one whose keep-alive connection reached a given server process."""
        self.base_url = base_url
        self.token = token
        self._http = http

    @property
    def http(self) -> httpx.Client:
        """The HTTP connection pool, opened on first use (a client used only for websockets
        never opens one)."""
        if self._http is None:
            headers = {"Authorization": f"Bearer {self.token}"} if self.token is not None else {}
            self._http = httpx.Client(base_url=self.base_url, timeout=30, headers=headers)
        return self._http

    def __enter__(self) -> GraphQLClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._http is not None:
            self._http.close()

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole response body (`data` and `errors`) of one operation."""
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        # Strawberry answers 200 for execution errors and 400 for unparsable or invalid queries.
        assert response.status_code in (200, 400), response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`data` of an operation that must succeed without top-level errors."""
        body = self.execute(query, variables)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result

    def add_wallet(self, address: str, label: str | None = None) -> dict[str, Any]:
        """The `addWallet` payload: wallet, job and errors."""
        payload: dict[str, Any] = self.data(ADD_WALLET, {"address": address, "label": label})[
            "addWallet"
        ]
        return payload

    def remove_wallet(self, address: str, chain: str | None = None) -> dict[str, Any]:
        """The `removeWallet` payload: removedAddress and errors (codes)."""
        payload: dict[str, Any] = self.data(REMOVE_WALLET, {"address": address, "chain": chain})[
            "removeWallet"
        ]
        return payload

    def error_messages(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        body = self.execute(query, variables)
        assert body.get("errors"), f"expected errors, got {body}"
        return [error["message"] for error in body["errors"]]

    @asynccontextmanager
    async def socket(self, *, init: bool = True) -> AsyncIterator[GraphQLSocket]:
        """A websocket at /graphql; with `init`, also initialised (the token in the payload)."""
        url = self.base_url.replace("http://", "ws://") + "/graphql"
        async with connect(url, subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
            socket = GraphQLSocket(connection)
            if init:
                payload = (
                    {"Authorization": f"Bearer {self.token}"} if self.token is not None else {}
                )
                await socket.send({"type": "connection_init", "payload": payload})
                assert await socket.receive() == {"type": "connection_ack"}
            yield socket

    async def subscribe(
        self, query: str, variables: dict[str, Any] | None = None, *, within_seconds: float = 60.0
    ) -> list[dict[str, Any]]:
        """Every message of one subscription over a new websocket, up to and including its
        `complete` (or `error`)."""
        async with self.socket() as socket:
            await socket.subscribe("1", query, variables)
            return await socket.messages_until_complete("1", within_seconds)


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


def sign_up(base_url: str, name: str) -> str:
    """Creates an account through the open sign-up and returns its first token."""
    with GraphQLClient(base_url) as client:
        payload: dict[str, Any] = client.data(CREATE_ACCOUNT, {"name": name})["createAccount"]
    assert payload["errors"] == [], payload
    token: str = payload["token"]
    return token
