"""GraphiQL in a real browser, with no internet: queries, subscriptions, examples, tokens."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Locator, Page, expect

from tests.conftest import LiveServer, StartServer
from tests.utils.graphql import GraphQLClient, sign_up
from tests.web.conftest import PHONE, PageWatch, screenshot
from tools.simulator.seeds import MEMPOOL_ADDRESS


def open_graphiql(page: Page, server: LiveServer) -> None:
    page.goto(server.base_url + "/graphql")
    # The editors are up and the run button works.
    expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible()
    expect(page.locator(".graphiql-execute-button")).to_be_enabled()


def run(page: Page) -> None:
    page.locator(".graphiql-execute-button").click()


def load_example(page: Page, button: str, operation: str) -> None:
    """One click loads the example into a new tab, named after its operation."""
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("tab", name=operation, selected=True)).to_be_visible()
    expect(page.locator(".graphiql-query-editor")).to_contain_text(operation)


def response(page: Page) -> Locator:
    return page.locator(".graphiql-response .result-window")


def test_graphiql_runs_a_query_and_a_subscription_with_no_internet(
    page: Page, watch: PageWatch, web_server: LiveServer
) -> None:
    open_graphiql(page, web_server)
    run(page)  # the welcome query: who am I, and my wallets
    expect(response(page)).to_contain_text('"name": "local"')

    load_example(page, "Add a wallet", "AddWallet")
    run(page)
    expect(response(page)).to_contain_text(MEMPOOL_ADDRESS)
    expect(response(page)).to_contain_text('"errors": []')

    # The example fills in the job that addWallet started; the subscription runs over
    # graphql-transport-ws and ends with the job's final state.
    load_example(page, "Watch a job", "WatchJob")
    run(page)
    expect(response(page)).to_contain_text('"status": "SUCCEEDED"')
    expect(response(page)).to_contain_text('"progress": 1')
    screenshot(page, "graphiql-desktop")

    load_example(page, "Page transactions", "PageTransactions")
    run(page)
    expect(response(page)).to_contain_text('"totalCount": 43')

    assert web_server.base_url.replace("http://", "ws://") + "/graphql" in watch.requested
    assert any('"subscribe"' in frame and "jobUpdates" in frame for frame in watch.sent_frames)
    assert watch.outside(web_server.base_url) == []

    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    screenshot(page, "graphiql-phone")


def test_graphiql_sends_the_stored_token_over_http_and_websockets(
    page: Page, watch: PageWatch, start_server: StartServer
) -> None:
    server = start_server(auth="token", allow_signup=True)
    token = sign_up(server.base_url, "alice")
    with GraphQLClient(server.base_url, token=token) as graphql:
        job_id = graphql.add_wallet(MEMPOOL_ADDRESS)["job"]["id"]

    open_graphiql(page, server)
    token_input = page.get_by_label("API token")
    expect(token_input).to_be_visible()
    token_input.fill(token)
    token_input.press("Enter")
    expect(page.locator("#token-state")).to_have_text("Token set")

    run(page)
    expect(response(page)).to_contain_text('"name": "alice"')

    # Run at once, before GraphiQL has parsed the new text: it must still use the websocket.
    page.get_by_role("button", name="Watch a job").click()
    expect(page.locator(".graphiql-editor-tool")).to_contain_text(job_id)
    run(page)
    expect(response(page)).to_contain_text('"status": "SUCCEEDED"')
    init = next(frame for frame in watch.sent_frames if "connection_init" in frame)
    assert json.loads(init)["payload"] == {"Authorization": f"Bearer {token}"}

    # The dashboard on the same server reads the same stored token.
    page.goto(server.base_url + "/")
    expect(page.locator(f"tr[data-address='{MEMPOOL_ADDRESS}']")).to_be_visible()
    expect(page.get_by_label("API token")).to_have_value(token)


def test_graphiql_without_a_token_says_it_needs_one(page: Page, start_server: StartServer) -> None:
    server = start_server(auth="token")
    open_graphiql(page, server)
    expect(page.locator("#token-state")).to_have_text(re.compile("No token"))
    run(page)
    expect(response(page)).to_contain_text("Authentication required")
