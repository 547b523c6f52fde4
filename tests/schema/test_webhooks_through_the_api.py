"""Webhooks over HTTP against the running app: create (secret once), refuse unsafe URLs, list,
change, ping, page deliveries, delete; two accounts never see each other's; secrets sealed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook as ReferenceVerifier

from db.session import create_engine
from tests.conftest import LiveServer, StartServer
from tests.utils.graphql import GraphQLClient, sign_up
from tools.webhook_receiver import WebhookReceiver, running_receiver

SEGWIT = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
LEGACY = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
HOOK_FIELDS = """
  id url events enabled disabledReason createdAt
  wallet { address label }
  deliveries(first: 5) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id event status attempts lastStatusCode lastError payload messageId } }
  }
"""
CREATE = f"""
mutation($url: String!, $events: [WebhookEvent!]!, $address: String) {{
  createWebhook(input: {{url: $url, events: $events, address: $address}}) {{
    webhook {{ {HOOK_FIELDS} }} secret errors {{ code field message }}
  }}
}}
"""
UPDATE = f"""
mutation($id: ID!, $enabled: Boolean, $url: String, $events: [WebhookEvent!]) {{
  updateWebhook(input: {{id: $id, enabled: $enabled, url: $url, events: $events}}) {{
    webhook {{ {HOOK_FIELDS} }} errors {{ code field message }}
  }}
}}
"""
PING = """
mutation($id: ID!) { testWebhook(input: {id: $id}) {
  delivery { id event status attempts lastStatusCode lastError payload messageId }
  errors { code field message } } }
"""
DELETE = """
mutation($id: ID!) { deleteWebhook(input: {id: $id}) { deletedId errors { code field message } } }
"""
LIST = f"query {{ viewer {{ webhooks {{ {HOOK_FIELDS} }} }} }}"
NEW_ONLY = ["TRANSACTION_NEW"]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def server(start_live_server: StartServer) -> LiveServer:
    return start_live_server(webhook_allow_http=True, webhook_allow_private=True)


@pytest.fixture
def graphql(server: LiveServer) -> Iterator[GraphQLClient]:
    with GraphQLClient(server.base_url) as client:
        yield client


def create(graphql: GraphQLClient, url: str, **variables: Any) -> dict[str, Any]:
    payload: dict[str, Any] = graphql.data(CREATE, {"url": url, "events": NEW_ONLY, **variables})[
        "createWebhook"
    ]
    return payload


def test_a_webhook_is_created_with_its_secret_shown_once_and_pings_are_signed_with_it(
    graphql: GraphQLClient, receiver: WebhookReceiver
) -> None:
    created = create(graphql, receiver.url)

    assert created["errors"] == []
    secret = created["secret"]
    assert secret.startswith("whsec_")
    hook = created["webhook"]
    assert hook["url"] == receiver.url
    assert hook["events"] == NEW_ONLY
    assert hook["enabled"] is True
    assert hook["wallet"] is None
    listed = graphql.data(LIST)["viewer"]["webhooks"]
    assert [item["id"] for item in listed] == [hook["id"]]
    assert secret not in str(listed)

    ping = graphql.data(PING, {"id": hook["id"]})["testWebhook"]

    assert ping["errors"] == []
    delivery = ping["delivery"]
    assert (delivery["event"], delivery["status"], delivery["attempts"]) == ("PING", "SUCCEEDED", 1)
    assert delivery["lastStatusCode"] == 200
    [request] = receiver.received
    body = ReferenceVerifier(secret).verify(request.body, request.headers)
    assert body["type"] == "ping"
    assert body["data"]["webhook"]["id"] == hook["id"]
    assert request.headers["webhook-id"] == delivery["messageId"]
    assert request.body.decode() == delivery["payload"]
    listed_deliveries = graphql.data(LIST)["viewer"]["webhooks"][0]["deliveries"]
    assert listed_deliveries["totalCount"] == 1
    assert listed_deliveries["edges"][0]["node"]["id"] == delivery["id"]
    assert graphql.data("query($id: ID!) { node(id: $id) { id } }", {"id": hook["id"]}) == {
        "node": {"id": hook["id"]}
    }


def test_a_ping_to_a_failing_receiver_says_why_and_counts_nothing_against_the_webhook(
    graphql: GraphQLClient, receiver: WebhookReceiver
) -> None:
    hook = create(graphql, receiver.url)["webhook"]
    receiver.answer_with(500)

    delivery = graphql.data(PING, {"id": hook["id"]})["testWebhook"]["delivery"]

    assert (delivery["status"], delivery["lastStatusCode"], delivery["lastError"]) == (
        "FAILED",
        500,
        "HTTP 500",
    )
    assert graphql.data(LIST)["viewer"]["webhooks"][0]["enabled"] is True


def test_deliveries_page_newest_first_with_cursors(
    graphql: GraphQLClient, receiver: WebhookReceiver
) -> None:
    hook = create(graphql, receiver.url)["webhook"]
    sent = [
        graphql.data(PING, {"id": hook["id"]})["testWebhook"]["delivery"]["id"] for _ in range(7)
    ]
    page_query = """
    query($after: String) { viewer { webhooks { deliveries(first: 3, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } } }
    """
    seen: list[str] = []
    after = None
    while True:
        page = graphql.data(page_query, {"after": after})["viewer"]["webhooks"][0]["deliveries"]
        assert page["totalCount"] == 7
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(reversed(sent))


def test_a_webhook_of_one_wallet_is_turned_off_and_on_and_changed_and_deleted(
    graphql: GraphQLClient, receiver: WebhookReceiver
) -> None:
    assert graphql.add_wallet(SEGWIT, label="cold")["errors"] == []
    created = create(graphql, receiver.url, address=SEGWIT)
    hook = created["webhook"]
    assert hook["wallet"] == {"address": SEGWIT, "label": "cold"}

    off = graphql.data(UPDATE, {"id": hook["id"], "enabled": False})["updateWebhook"]["webhook"]
    assert (off["enabled"], off["disabledReason"]) == (False, "turned off")
    on = graphql.data(
        UPDATE,
        {"id": hook["id"], "enabled": True, "events": ["TRANSACTION_DROPPED", "SYNC_FAILED"]},
    )["updateWebhook"]["webhook"]
    assert (on["enabled"], on["disabledReason"]) == (True, None)
    assert on["events"] == ["TRANSACTION_DROPPED", "SYNC_FAILED"]

    deleted = graphql.data(DELETE, {"id": hook["id"]})["deleteWebhook"]
    assert deleted == {"deletedId": hook["id"], "errors": []}
    assert graphql.data(LIST)["viewer"]["webhooks"] == []
    again = graphql.data(DELETE, {"id": hook["id"]})["deleteWebhook"]
    assert again["errors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("variables", "code", "field", "says"),
    [
        ({"url": "ftp://example.com/hook"}, "INVALID_INPUT", ["url"], "https"),
        ({"events": []}, "INVALID_INPUT", ["events"], "at least one event"),
        ({"events": ["PING"]}, "INVALID_INPUT", ["events"], "testWebhook"),
        ({"address": LEGACY}, "NOT_FOUND", ["address"], ""),
        ({"address": "not-an-address"}, "INVALID_ADDRESS", ["address"], ""),
    ],
)
def test_bad_input_is_refused_in_words_and_creates_nothing(
    graphql: GraphQLClient,
    receiver: WebhookReceiver,
    variables: dict[str, Any],
    code: str,
    field: list[str],
    says: str,
) -> None:
    payload = graphql.data(CREATE, {"url": receiver.url, "events": NEW_ONLY, **variables})[
        "createWebhook"
    ]

    assert payload["webhook"] is None
    assert payload["secret"] is None
    [error] = payload["errors"]
    assert (error["code"], error["field"]) == (code, field)
    assert says in error["message"]
    assert graphql.data(LIST)["viewer"]["webhooks"] == []


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
        "http://203.0.113.9/hook",
    ],
)
def test_a_server_with_default_settings_refuses_private_and_plain_http_urls(
    start_live_server: StartServer, url: str
) -> None:
    strict = start_live_server()
    with GraphQLClient(strict.base_url) as graphql:
        payload = graphql.data(CREATE, {"url": url, "events": NEW_ONLY})["createWebhook"]
    [error] = payload["errors"]
    assert error["code"] == "INVALID_INPUT"
    assert error["field"] == ["url"]
    assert "WEBHOOK_ALLOW_" in error["message"]


def test_at_most_twenty_webhooks_per_account(
    graphql: GraphQLClient, receiver: WebhookReceiver
) -> None:
    for number in range(20):
        assert create(graphql, f"{receiver.url}/{number}")["errors"] == []
    refused = create(graphql, f"{receiver.url}/21")
    assert refused["errors"][0]["code"] == "LIMIT_EXCEEDED"
    assert len(graphql.data(LIST)["viewer"]["webhooks"]) == 20


def test_two_accounts_never_see_or_touch_each_other_s_webhooks(
    start_live_server: StartServer, receiver: WebhookReceiver
) -> None:
    server = start_live_server(
        auth="token", allow_signup=True, webhook_allow_http=True, webhook_allow_private=True
    )
    with (
        GraphQLClient(server.base_url, token=sign_up(server.base_url, "alice")) as alice,
        GraphQLClient(server.base_url, token=sign_up(server.base_url, "bob")) as bob,
    ):
        hook = create(alice, receiver.url)["webhook"]
        assert bob.data(LIST)["viewer"]["webhooks"] == []
        assert bob.data("query($id: ID!) { node(id: $id) { id } }", {"id": hook["id"]}) == {
            "node": None
        }
        for mutation, name in (
            (UPDATE, "updateWebhook"),
            (DELETE, "deleteWebhook"),
            (PING, "testWebhook"),
        ):
            payload = bob.data(mutation, {"id": hook["id"]})[name]
            assert payload["errors"][0]["code"] == "NOT_FOUND"
        assert receiver.received == []
        [still] = alice.data(LIST)["viewer"]["webhooks"]
        assert still["enabled"] is True


def test_secrets_are_not_readable_in_the_database(
    server: LiveServer, graphql: GraphQLClient, receiver: WebhookReceiver, database_url: str
) -> None:
    secret = create(graphql, receiver.url)["secret"]
    rows = asyncio.run(every_webhook_row(database_url))
    dumped = repr(rows)
    assert secret not in dumped
    assert secret.removeprefix("whsec_") not in dumped
    assert "v1:" in dumped


async def every_webhook_row(database_url: str) -> list[Any]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text("SELECT * FROM webhooks"))).all())
    finally:
        await engine.dispose()


def test_a_webhook_of_one_wallet_goes_with_the_wallet(
    graphql: GraphQLClient, receiver: WebhookReceiver
) -> None:
    assert graphql.add_wallet(SEGWIT)["errors"] == []
    assert graphql.add_wallet(LEGACY)["errors"] == []
    of_segwit = create(graphql, receiver.url, address=SEGWIT)["webhook"]
    of_all = create(graphql, receiver.url)["webhook"]

    assert graphql.remove_wallet(SEGWIT)["errors"] == []

    remaining = graphql.data(LIST)["viewer"]["webhooks"]
    assert [hook["id"] for hook in remaining] == [of_all["id"]]
    assert of_segwit["id"] != of_all["id"]
