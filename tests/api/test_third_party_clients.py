"""The API as a client nobody here wrote sees it: Python's `gql` over HTTP (aiohttp) and over
graphql-transport-ws (websockets), with and without an API token."""

from __future__ import annotations

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import LiveServer, StartServer
from tests.utils.graphql import sign_up

ADDRESS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
ADD_WALLET = gql(
    """
    mutation Add($address: String!) {
      addWallet(input: {address: $address, label: "via gql"}) {
        wallet { address label kind } job { id } errors { code }
      }
    }
    """
)
WALLET = gql("query One($a: String!) { wallet(address: $a) { label balance chain } }")
WALLET_UPDATES = gql(
    "subscription Watch($a: String!) { walletUpdates(address: $a) { label syncStatus } }"
)
REMOVE = gql("mutation Drop($a: String!) { removeWallet(input: {address: $a}) { removedAddress } }")


def http_client(server: LiveServer, token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    return Client(transport=AIOHTTPTransport(url=f"{server.base_url}/graphql", headers=headers))


def socket_client(server: LiveServer, token: str | None = None) -> Client:
    url = server.base_url.replace("http://", "ws://") + "/graphql"
    transport = WebsocketsTransport(
        url=url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"Authorization": f"Bearer {token}"} if token else {},
    )
    return Client(transport=transport)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_gql_adds_reads_watches_and_removes_a_wallet(live_server: LiveServer) -> None:
    async with http_client(live_server) as session:
        added = await session.execute(
            GraphQLRequest(ADD_WALLET, variable_values={"address": ADDRESS})
        )
        assert added["addWallet"]["errors"] == []
        assert added["addWallet"]["wallet"] == {
            "address": ADDRESS,
            "label": "via gql",
            "kind": "ADDRESS",
        }
        read = await session.execute(GraphQLRequest(WALLET, variable_values={"a": ADDRESS}))
        assert read["wallet"] == {"label": "via gql", "balance": "0", "chain": "BITCOIN"}

        with pytest.raises(TransportQueryError) as refused:
            await session.execute(gql("{ wallets(first: -1) { totalCount } }"))
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == "INVALID_INPUT"

        async with socket_client(live_server) as socket:
            updates = socket.subscribe(
                GraphQLRequest(WALLET_UPDATES, variable_values={"a": ADDRESS})
            )
            first = await anext(updates)
            assert first["walletUpdates"]["label"] == "via gql"
            await session.execute(GraphQLRequest(REMOVE, variable_values={"a": ADDRESS}))
            # Removing the wallet completes the subscription: the generator simply ends.
            remaining = [update async for update in updates]
            assert remaining == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_gql_with_a_token_over_http_and_websockets(start_live_server: StartServer) -> None:
    server = start_live_server(auth="token", allow_signup=True)
    token = sign_up(server.base_url, "gql-user")

    async with http_client(server, token) as session:
        viewer = await session.execute(gql("{ viewer { account { name } } }"))
        assert viewer == {"viewer": {"account": {"name": "gql-user"}}}
        await session.execute(GraphQLRequest(ADD_WALLET, variable_values={"address": ADDRESS}))
    async with socket_client(server, token) as socket:
        first = await anext(
            socket.subscribe(GraphQLRequest(WALLET_UPDATES, variable_values={"a": ADDRESS}))
        )
        assert first["walletUpdates"]["label"] == "via gql"

    async with http_client(server) as anonymous:
        with pytest.raises(TransportQueryError) as refused:
            await anonymous.execute(gql("{ viewer { account { name } } }"))
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
