"""AUTH=token: strangers get 401 (or close 4401 on websockets); tokens work until revoked."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed

from db.models import ApiToken
from db.session import SessionFactory
from tests.conftest import LiveServer, StartServer
from tests.utils.graphql import CREATE_ACCOUNT, GraphQLClient, sign_up
from tools.processes import run_python

WALLET_UPDATES = (
    'subscription { walletUpdates(address: "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") { address } }'
)
VIEWER = "{ viewer { account { name } tokens { id name createdAt lastUsedAt } } }"
WALLETS = "{ wallets(first: 5) { edges { node { address } } } }"
CREATE_TOKEN = """
mutation($name: String!) {
  createApiToken(input: {name: $name}) {
    apiToken { id name createdAt lastUsedAt } token errors { code field message }
  }
}
"""
REVOKE_TOKEN = """
mutation($id: ID!) { revokeApiToken(input: {id: $id}) { revokedId errors { code field message } } }
"""


@pytest.fixture
def open_server(start_live_server: StartServer) -> LiveServer:
    """AUTH=token with sign-up open."""
    return start_live_server(auth="token", allow_signup=True)


@pytest.fixture
def closed_server(start_live_server: StartServer) -> LiveServer:
    """AUTH=token with sign-up closed (the default)."""
    return start_live_server(auth="token")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wt_not-a-token-anyone-was-given"},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "wt_token-without-a-scheme"},
    ],
    ids=["missing", "unknown", "empty", "basic", "no-scheme"],
)
def test_requests_without_a_valid_token_get_401_and_no_data(
    open_server: LiveServer, headers: dict[str, str]
) -> None:
    for response in (
        httpx.post(f"{open_server.base_url}/graphql", json={"query": WALLETS}, headers=headers),
        httpx.get(f"{open_server.base_url}/graphql", params={"query": WALLETS}, headers=headers),
    ):
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"].startswith("Bearer")
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_graphiql_still_opens_in_a_browser_without_a_token(open_server: LiveServer) -> None:
    page = httpx.get(f"{open_server.base_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_sign_up_gives_a_token_that_acts_as_the_new_account(open_server: LiveServer) -> None:
    token = sign_up(open_server.base_url, "alice")
    assert token.startswith("wt_")
    assert len(token) > 40

    with GraphQLClient(open_server.base_url, token=token) as alice:
        viewer = alice.data(VIEWER)["viewer"]
    assert viewer["account"] == {"name": "alice"}
    [first] = viewer["tokens"]
    assert first["name"] == "first token"
    assert first["lastUsedAt"] is not None
    assert first["lastUsedAt"] >= first["createdAt"]


def test_sign_up_refuses_taken_and_invalid_names(open_server: LiveServer) -> None:
    sign_up(open_server.base_url, "alice")
    for name, message in [
        ("alice", "already exists"),
        ("  ", "must not be empty"),
        ("x" * 101, "the maximum is 100"),
        ("bob\u202e", "control or invisible"),
    ]:
        response = httpx.post(
            f"{open_server.base_url}/graphql",
            json={"query": CREATE_ACCOUNT, "variables": {"name": name}},
        )
        payload = response.json()["data"]["createAccount"]
        assert payload["account"] is None
        assert payload["token"] is None
        [error] = payload["errors"]
        assert error["code"] == "INVALID_INPUT"
        assert error["field"] == ["name"]
        assert message in error["message"]


SIGN_UP_AND_MORE = """
mutation($name: String!) {
  createAccount(input: {name: $name}) { token }
  addWallet(input: {address: "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"}) { errors { code } }
}
"""


def test_anonymous_requests_may_only_sign_up(open_server: LiveServer) -> None:
    for query in (SIGN_UP_AND_MORE, "{ viewer { account { name } } }", "{ __typename }"):
        response = httpx.post(
            f"{open_server.base_url}/graphql", json={"query": query, "variables": {"name": "m"}}
        )
        assert response.status_code == 401, response.text
    # The refused request created nothing: the name is still free.
    assert sign_up(open_server.base_url, "m").startswith("wt_")


def create_account_command(
    environment: dict[str, str], name: str
) -> subprocess.CompletedProcess[str]:
    """`python -m server create-account NAME`, as an operator runs it."""
    return run_python(["-m", "server", "create-account", name], environment=environment)


def test_with_sign_up_closed_accounts_come_from_the_command(
    closed_server: LiveServer, database_url: str, tmp_path: Path
) -> None:
    refused = httpx.post(
        f"{closed_server.base_url}/graphql",
        json={"query": CREATE_ACCOUNT, "variables": {"name": "eve"}},
    )
    assert refused.status_code == 401

    environment = {"DATABASE_URL": database_url, "VAR_DIR": str(tmp_path / "var")}
    created = create_account_command(environment, "carol")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("wt_")

    with GraphQLClient(closed_server.base_url, token=token) as carol:
        assert carol.data(VIEWER)["viewer"]["account"] == {"name": "carol"}
        payload = carol.data(CREATE_ACCOUNT, {"name": "dave"})["createAccount"]
    [error] = payload["errors"]
    assert error["code"] == "FORBIDDEN"
    assert "create-account" in error["message"]

    again = create_account_command(environment, "carol")
    assert again.returncode == 1
    assert "already exists" in again.stderr


async def test_token_lifecycle_create_use_list_revoke(
    open_server: LiveServer, sessions: SessionFactory
) -> None:
    first = sign_up(open_server.base_url, "alice")
    with GraphQLClient(open_server.base_url, token=first) as alice:
        created = alice.data(CREATE_TOKEN, {"name": "  CI deploys  "})["createApiToken"]
        assert created["errors"] == []
        assert created["apiToken"]["name"] == "CI deploys"
        assert created["apiToken"]["lastUsedAt"] is None
        second = created["token"]
        assert second.startswith("wt_")
        assert second != first

        invalid = alice.data(CREATE_TOKEN, {"name": ""})["createApiToken"]
        assert invalid["apiToken"] is None
        assert invalid["token"] is None
        assert invalid["errors"][0]["code"] == "INVALID_INPUT"

    with GraphQLClient(open_server.base_url, token=second) as ci:
        tokens = ci.data(VIEWER)["viewer"]["tokens"]
        assert [token["name"] for token in tokens] == ["first token", "CI deploys"]
        assert tokens[1]["lastUsedAt"] is not None
        # The token's node is readable by its owner.
        node = ci.data(
            "query($id: ID!) { node(id: $id) { ... on ApiToken { name } } }",
            {"id": tokens[1]["id"]},
        )
        assert node == {"node": {"name": "CI deploys"}}

    # Only hashes are stored: no column of any token row holds a secret.
    async with sessions() as session:
        rows = list(await session.scalars(select(ApiToken).order_by(ApiToken.id)))
    assert [row.token_hash for row in rows] == [
        hashlib.sha256(secret.encode()).hexdigest() for secret in (first, second)
    ]
    for row in rows:
        stored = " ".join(str(getattr(row, column.key)) for column in ApiToken.__table__.columns)
        assert first not in stored
        assert second not in stored

    with GraphQLClient(open_server.base_url, token=first) as alice:
        revoked = alice.data(REVOKE_TOKEN, {"id": tokens[1]["id"]})["revokeApiToken"]
        assert revoked == {"revokedId": tokens[1]["id"], "errors": []}
        again = alice.data(REVOKE_TOKEN, {"id": tokens[1]["id"]})["revokeApiToken"]
        assert again["revokedId"] is None
        assert again["errors"][0]["code"] == "NOT_FOUND"
        assert [t["name"] for t in alice.data(VIEWER)["viewer"]["tokens"]] == ["first token"]

    async with httpx.AsyncClient() as client:
        refused = await client.post(
            f"{open_server.base_url}/graphql",
            json={"query": VIEWER},
            headers={"Authorization": f"Bearer {second}"},
        )
    assert refused.status_code == 401
    assert "data" not in refused.json()


async def test_websockets_need_a_token_in_connection_init(open_server: LiveServer) -> None:
    token = sign_up(open_server.base_url, "alice")
    for payload in ({}, {"Authorization": "Bearer wt_wrong"}, {"Authorization": token}):
        async with GraphQLClient(open_server.base_url).socket(init=False) as socket:
            await socket.send({"type": "connection_init", "payload": payload})
            with pytest.raises(ConnectionClosed) as closed:
                await socket.read_until_closed()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4401

    async with GraphQLClient(open_server.base_url).socket(init=False) as socket:
        await socket.subscribe(
            "early",
            WALLET_UPDATES,
        )
        with pytest.raises(ConnectionClosed) as closed:
            await socket.read_until_closed()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401

    async with GraphQLClient(open_server.base_url, token=token).socket() as socket:
        await socket.subscribe("viewer", "query { viewer { account { name } } }")
        [result, complete] = await socket.messages_until_complete("viewer", within_seconds=10) or []
        assert result["payload"]["data"] == {"viewer": {"account": {"name": "alice"}}}
        assert complete["type"] == "complete"


async def test_a_revoked_token_cannot_start_new_operations_on_an_open_socket(
    open_server: LiveServer,
) -> None:
    token = sign_up(open_server.base_url, "alice")
    with GraphQLClient(open_server.base_url, token=token) as alice:
        token_id = alice.data(VIEWER)["viewer"]["tokens"][0]["id"]
        other = alice.data(CREATE_TOKEN, {"name": "admin"})["createApiToken"]["token"]
    async with GraphQLClient(open_server.base_url, token=token).socket() as socket:
        with GraphQLClient(open_server.base_url, token=other) as admin:
            assert admin.data(REVOKE_TOKEN, {"id": token_id})["revokeApiToken"]["errors"] == []
        await socket.subscribe("viewer", "query { viewer { account { name } } }")
        with pytest.raises(ConnectionClosed) as closed:
            await socket.read_until_closed()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_bad_token_id_is_a_payload_error_and_revokes_nothing(graphql: GraphQLClient) -> None:
    wallet_id = "V2FsbGV0OjE"  # Wallet:1, a well-formed id of another type
    for bad_id, code in [
        ("", "INVALID_INPUT"),
        ("not base64 !", "INVALID_INPUT"),
        ("QXBpVG9rZW46eA", "INVALID_INPUT"),  # ApiToken:x
        (wallet_id, "NOT_FOUND"),
        ("QXBpVG9rZW46OTk5", "NOT_FOUND"),  # ApiToken:999, no such token
    ]:
        body = graphql.execute(REVOKE_TOKEN, {"id": bad_id})
        assert "errors" not in body, (bad_id, body)
        payload = body["data"]["revokeApiToken"]
        assert payload["revokedId"] is None
        [error] = payload["errors"]
        assert (error["code"], error["field"]) == (code, ["id"]), bad_id
    # An Int literal is a valid ID input too (the spec coerces it): still a payload error.
    literal = graphql.data(
        "mutation { revokeApiToken(input: {id: 7}) { revokedId errors { code } } }"
    )
    assert literal["revokeApiToken"] == {"revokedId": None, "errors": [{"code": "INVALID_INPUT"}]}
    assert [t["name"] for t in graphql.data(VIEWER)["viewer"]["tokens"]] == []


def test_an_anonymous_document_with_sign_up_and_more_runs_only_what_it_names(
    open_server: LiveServer,
) -> None:
    document = CREATE_ACCOUNT + "\nquery Me { viewer { account { name } } }"
    url = f"{open_server.base_url}/graphql"
    variables = {"name": "two"}

    unnamed = httpx.post(url, json={"query": document, "variables": variables})
    assert unnamed.status_code == 200
    assert unnamed.json()["errors"][0]["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
    assert "data" not in unnamed.json()

    reading = httpx.post(url, json={"query": document, "operationName": "Me"})
    assert reading.status_code == 401

    signing_up = httpx.post(
        url, json={"query": document, "operationName": "SignUp", "variables": variables}
    )
    assert signing_up.json()["data"]["createAccount"]["account"] == {"name": "two"}
