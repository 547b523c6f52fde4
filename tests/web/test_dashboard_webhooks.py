"""Webhooks in the dashboard: create one (its signing secret shown once and copied), see it listed,
send a test that a real receiver on loopback gets signed, see why a failing receiver's test
failed, turn it off and on, delete it; an invalid URL refused at its field; on a phone, with the
keyboard alone, and with the API unreachable."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from standardwebhooks.webhooks import Webhook as ReferenceVerifier

from tests.conftest import LiveServer, StartServer
from tests.utils.graphql import GraphQLClient
from tests.web.conftest import PHONE, PageWatch, screenshot
from tests.web.test_dashboard import synced_wallet
from tools.simulator.seeds import GENESIS_ADDRESS
from tools.webhook_receiver import Received, WebhookReceiver, running_receiver

WEBHOOKS = """
{
  viewer {
    webhooks {
      id url events enabled disabledReason wallet { address chain }
      deliveries(first: 10) {
        totalCount
        edges { node { event status attempts lastStatusCode lastError payload } }
      }
    }
  }
}
"""
CREATE_WEBHOOK = """
mutation($url: String!, $events: [WebhookEvent!]!) {
  createWebhook(input: {url: $url, events: $events}) {
    webhook { id url } secret errors { code field message }
  }
}
"""
EVERY_EVENT = ["TRANSACTION_NEW", "TRANSACTION_CONFIRMED", "TRANSACTION_DROPPED", "SYNC_FAILED"]
STATUS_TEXT = {"PENDING": "Pending", "SUCCEEDED": "Succeeded", "FAILED": "Failed"}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def webhook_server(start_server: StartServer) -> LiveServer:
    """A server that may send webhooks over plain http to loopback (where the receiver is)."""
    return start_server(webhook_allow_http=True, webhook_allow_private=True)


def api_webhooks(server: LiveServer) -> list[dict[str, Any]]:
    with GraphQLClient(server.base_url) as graphql:
        webhooks: list[dict[str, Any]] = graphql.data(WEBHOOKS)["viewer"]["webhooks"]
    return webhooks


def api_create_webhook(server: LiveServer, url: str, events: list[str]) -> dict[str, Any]:
    """createWebhook's answer for every wallet of the account: webhook, secret and errors."""
    with GraphQLClient(server.base_url) as graphql:
        payload: dict[str, Any] = graphql.data(CREATE_WEBHOOK, {"url": url, "events": events})[
            "createWebhook"
        ]
    return payload


def assert_signed(request: Received, secret: str) -> None:
    """The request carries a Standard Webhooks signature made with `secret` (checked by the
    reference library, as a receiver would)."""
    for header in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        assert request.headers.get(header), f"no {header} header"
    assert request.headers["webhook-signature"].startswith("v1,")
    ReferenceVerifier(secret).verify(request.body, request.headers)


def pretty(payload: bytes | str) -> str:
    return json.dumps(json.loads(payload), indent=2, ensure_ascii=False)


def test_create_a_webhook_copy_its_secret_once_and_send_it_a_signed_test(
    page: Page, watch: PageWatch, webhook_server: LiveServer, receiver: WebhookReceiver
) -> None:
    synced_wallet(webhook_server, GENESIS_ADDRESS, "Genesis")
    page.goto(webhook_server.base_url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    expect(page.get_by_text("No webhooks yet")).to_be_visible()

    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_role("checkbox", name="Sync failed").uncheck()
    page.get_by_label("Wallets").select_option(label="Only Genesis (Bitcoin)")
    page.get_by_role("button", name="Create webhook").click()

    secret_panel = page.locator(".secret-panel")
    expect(secret_panel).to_contain_text("it will not be shown again")
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy signing secret").click()
    expect(secret_panel.locator(".copy-note")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == secret

    card = page.locator(".webhook-card")
    expect(card).to_have_count(1)
    expect(card.locator(".webhook-url")).to_have_text(receiver.url)
    expect(card.locator(".event-chip")).to_have_text(["New transaction", "Confirmed", "Dropped"])
    expect(card.get_by_role("link", name="Genesis")).to_be_visible()
    expect(card.locator(".badge-enabled")).to_have_text("Enabled")
    [webhook] = api_webhooks(webhook_server)
    assert webhook["url"] == receiver.url
    assert sorted(webhook["events"]) == sorted(EVERY_EVENT[:3])
    assert webhook["enabled"] is True
    assert webhook["wallet"] == {"address": GENESIS_ADDRESS, "chain": "BITCOIN"}
    screenshot(page, "webhooks-secret-desktop")

    page.get_by_role("button", name="Done, I have copied it").click()
    expect(secret_panel).to_be_hidden()
    assert secret not in page.content()

    card.get_by_role("button", name="Send a test").click()
    expect(card.locator(".row-message")).to_have_text("Test delivered: HTTP 200.")
    [request] = receiver.received
    assert request.method == "POST"
    assert request.path == urlsplit(receiver.url).path
    assert_signed(request, secret)
    delivery = card.locator("tr.delivery").first
    expect(delivery.locator("td").first).to_have_text("Test")
    expect(delivery.locator(".badge")).to_have_text("Succeeded")
    expect(delivery.locator(".delivery-code")).to_have_text("HTTP 200")
    delivery.get_by_role("button", name="Payload").click()
    expect(card.locator("pre.payload").first).to_have_text(pretty(request.body))
    screenshot(page, "webhooks-desktop", full_page=True)

    # The secret was shown once: a fresh page lists the webhook without it.
    page.reload()
    expect(card.locator(".webhook-url")).to_have_text(receiver.url)
    expect(page.locator("#webhook-secret")).to_have_count(0)
    assert secret not in page.content()
    assert watch.outside(webhook_server.base_url) == []


def test_a_failing_receiver_shows_why_the_test_failed(
    page: Page, webhook_server: LiveServer, receiver: WebhookReceiver
) -> None:
    receiver.answer_with(500)
    api_create_webhook(webhook_server, receiver.url, ["TRANSACTION_NEW"])
    page.goto(webhook_server.base_url + "/#/webhooks")
    card = page.locator(".webhook-card")
    expect(card.locator(".webhook-url")).to_have_text(receiver.url)
    expect(card.get_by_text("Every wallet")).to_be_visible()

    card.get_by_role("button", name="Send a test").click()
    message = card.locator(".row-message")
    expect(message).to_contain_text("HTTP 500")
    expect(message).to_have_class("row-message error")
    assert len(receiver.received) == 1
    [webhook] = api_webhooks(webhook_server)
    [ping] = [edge["node"] for edge in webhook["deliveries"]["edges"]]
    assert ping["event"] == "PING"
    assert ping["status"] != "SUCCEEDED"
    assert ping["lastStatusCode"] == 500
    delivery = card.locator("tr.delivery").first
    expect(delivery.locator(".badge")).to_have_text(STATUS_TEXT[ping["status"]])
    expect(delivery.locator(".delivery-error")).to_contain_text("HTTP 500")
    expect(card.locator(".deliveries summary")).to_contain_text("1 not delivered")
    screenshot(page, "webhooks-failed-test", full_page=True)


def test_turn_a_webhook_off_and_on_and_delete_it(
    page: Page, webhook_server: LiveServer, receiver: WebhookReceiver
) -> None:
    api_create_webhook(webhook_server, receiver.url, EVERY_EVENT)
    page.goto(webhook_server.base_url + "/#/webhooks")
    card = page.locator(".webhook-card")
    expect(card.locator(".badge-enabled")).to_have_text("Enabled")

    card.get_by_role("button", name="Disable").click()
    expect(card.locator(".badge-disabled")).to_have_text("Disabled")
    [webhook] = api_webhooks(webhook_server)
    assert webhook["enabled"] is False
    if webhook["disabledReason"]:
        expect(card.locator(".disabled-reason")).to_have_text(webhook["disabledReason"])
    toggle = card.get_by_role("button", name="Enable")
    expect(toggle).to_be_focused()
    screenshot(page, "webhooks-disabled")

    page.keyboard.press("Enter")
    expect(card.locator(".badge-enabled")).to_have_text("Enabled")
    expect(card.locator(".disabled-reason")).to_be_hidden()
    [webhook] = api_webhooks(webhook_server)
    assert (webhook["enabled"], webhook["disabledReason"]) == (True, None)

    delete = card.get_by_role("button", name="Delete")
    delete.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete this webhook?")
    expect(dialog).to_contain_text(receiver.url)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    assert len(api_webhooks(webhook_server)) == 1

    delete.click()
    dialog.get_by_role("button", name="Delete").click()
    expect(card).to_have_count(0)
    expect(page.get_by_text("No webhooks yet")).to_be_visible()
    expect(page.locator(".status-message")).to_have_text(f"Deleted the webhook to {receiver.url}.")
    assert api_webhooks(webhook_server) == []


@pytest.mark.parametrize(
    ("url", "allow_private"),
    [("ftp://x", True), ("http://10.0.0.1/hooks", False)],
    ids=["not-http", "private-address"],
)
def test_a_refused_url_is_explained_at_its_field(
    page: Page, start_server: StartServer, url: str, allow_private: bool
) -> None:
    server = start_server(webhook_allow_http=True, webhook_allow_private=allow_private)
    refusal = api_create_webhook(server, url, EVERY_EVENT)
    assert refusal["webhook"] is None
    [error] = refusal["errors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["url"])

    page.goto(server.base_url + "/#/webhooks")
    field = page.get_by_label("Endpoint URL")
    field.fill(url)
    field.press("Enter")
    expect(page.locator("#webhook-url-error")).to_have_text(error["message"])
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(page.locator(".secret-panel")).to_be_hidden()
    expect(page.locator(".webhook-card")).to_have_count(0)
    assert api_webhooks(server) == []
    screenshot(page, f"webhooks-refused-{'private' if not allow_private else 'scheme'}")

    # No event chosen: said before anything is sent.
    for box in page.get_by_role("checkbox").all():
        box.uncheck()
    field.fill("http://example.com/hooks")
    page.get_by_role("button", name="Create webhook").click()
    expect(page.locator("#webhook-events-error")).to_have_text("Choose at least one event.")
    expect(page.locator("#webhook-url-error")).to_have_text("")


def test_the_webhooks_page_fits_a_phone_and_works_with_the_keyboard(
    page: Page, webhook_server: LiveServer, receiver: WebhookReceiver
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.goto(webhook_server.base_url + "/#/webhooks")
    field = page.get_by_label("Endpoint URL")
    expect(field).to_be_enabled()
    for _ in range(20):
        if page.evaluate("document.activeElement?.id") == "webhook-url":
            break
        page.keyboard.press("Tab")
    expect(field).to_be_focused()
    page.keyboard.type(receiver.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="New transaction")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Sync failed")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wallets")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Create webhook")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#secret-heading")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Copy signing secret")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".secret-panel .copy-note")).to_have_text("Copied")
    secret = page.locator("#webhook-secret").inner_text()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "webhooks-phone-secret")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    card = page.locator(".webhook-card")
    expect(card.locator(".webhook-url")).to_be_focused()
    [webhook] = api_webhooks(webhook_server)
    assert sorted(webhook["events"]) == sorted(EVERY_EVENT[:3])

    page.keyboard.press("Tab")
    expect(card.get_by_role("button", name="Send a test")).to_be_focused()
    page.keyboard.press("Enter")
    expect(card.locator(".row-message")).to_have_text("Test delivered: HTTP 200.")
    assert_signed(receiver.received[0], secret)
    card.locator("tr.delivery").first.get_by_role("button", name="Payload").click()
    expect(card.locator("pre.payload").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "webhooks-phone", full_page=True)


def test_an_unreachable_api_is_explained_on_the_webhooks_page(
    page: Page, webhook_server: LiveServer, receiver: WebhookReceiver
) -> None:
    api_create_webhook(webhook_server, receiver.url, EVERY_EVENT)
    page.route("**/graphql", lambda route: route.abort())
    page.goto(webhook_server.base_url + "/#/webhooks")
    banner = page.get_by_role("alert").filter(has_text="Cannot reach")
    expect(banner).to_contain_text("Cannot reach the wallet-tracker API")
    expect(page.get_by_text("Your webhooks could not be loaded.")).to_be_visible()

    page.unroute("**/graphql")
    banner.get_by_role("button", name="Retry").click()
    expect(banner).to_be_hidden()
    expect(page.locator(".webhook-card .webhook-url")).to_have_text(receiver.url)
