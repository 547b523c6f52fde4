"""DNS rebinding: a page whose name resolves to 127.0.0.1 must not reach a loopback-only
server. Requests and websockets naming a `Host` the server does not answer to are refused."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, StartServer
from tests.utils.graphql import ADD_WALLET, GraphQLClient

ADDRESS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
REBOUND = "evil.example"


def post_as(server: LiveServer, host: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{server.base_url}/graphql", json=body, headers={"Host": host})


def handshake_status(server: LiveServer, host: str) -> int:
    """The status line's code of a websocket upgrade to /graphql naming `host`."""
    port = int(server.base_url.rsplit(":", 1)[1])
    request = (
        "GET /graphql HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode())
        status_line = connection.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_rebound_host_can_neither_write_nor_read_nor_subscribe(
    start_live_server: StartServer,
) -> None:
    server = start_live_server()
    variables = {"address": ADDRESS, "label": "planted"}
    refused = post_as(server, f"{REBOUND}:8000", {"query": ADD_WALLET, "variables": variables})
    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "HOST_NOT_ALLOWED"
    assert "ALLOWED_HOSTS" in error["message"]
    labels = httpx.get(f"{server.base_url}/export/labels.jsonl", headers={"Host": REBOUND})
    assert labels.status_code == 400
    assert handshake_status(server, REBOUND) == 400
    assert handshake_status(server, f"localhost:{server.base_url.rsplit(':', 1)[1]}") == 101

    with GraphQLClient(server.base_url) as graphql:
        assert graphql.data("{ wallets { totalCount } }")["wallets"]["totalCount"] == 0
    for local in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"):
        answered = post_as(server, local, {"query": "{ viewer { account { name } } }"})
        assert answered.status_code == 200, local


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_tokens_any_host_by_default_and_allowed_hosts_narrows_it(
    start_live_server: StartServer,
) -> None:
    query = {"query": "{ viewer { account { name } } }"}
    server = start_live_server(auth="token")
    # Past the host check: the token check answers.
    assert post_as(server, "wallets.example.com", query).status_code == 401

    server = start_live_server(auth="token", allowed_hosts="wallets.example.com, *.internal")
    assert post_as(server, "wallets.example.com:443", query).status_code == 401
    assert post_as(server, "api.internal", query).status_code == 401
    assert post_as(server, "127.0.0.1", query).status_code == 400
    assert post_as(server, "example.com", query).status_code == 400
