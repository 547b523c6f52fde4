"""The dashboard in a real browser: add, watch, read, page, relabel, sync and remove wallets."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

from playwright.sync_api import Locator, Page, expect

from tests.conftest import LiveServer
from tests.utils.graphql import GraphQLClient
from tests.web.conftest import PHONE, PageWatch, btc, screenshot
from tools.simulator.seeds import GENESIS_ADDRESS, MEMPOOL_ADDRESS, MEMPOOL_ADDRESS_UNCONFIRMED
from tools.simulator.testing import RunningSimulator

PAGE_SIZE = 25
TRANSACTIONS = """
query($address: String!, $after: String, $filter: TransactionFilter) {
  wallet(address: $address) {
    transactions(first: 25, after: $after, filter: $filter) {
      totalCount edges { node { txid } } pageInfo { hasNextPage endCursor }
    }
  }
}
"""
HAS_BALANCE_HISTORY = '{ __type(name: "Wallet") { fields { name } } }'


def wallet_row(page: Page, address: str) -> Locator:
    return page.locator(f"tr[data-address='{address}']")


def api_pages(server: LiveServer, address: str, direction: str | None = None) -> list[list[str]]:
    """The txids of each page the API gives, newest first."""
    pages: list[list[str]] = []
    after = None
    with GraphQLClient(server.base_url) as graphql:
        while True:
            variables: dict[str, object] = {
                "address": address,
                "after": after,
                "filter": {"direction": direction} if direction else {},
            }
            connection = graphql.data(TRANSACTIONS, variables)["wallet"]["transactions"]
            pages.append([edge["node"]["txid"] for edge in connection["edges"]])
            if not connection["pageInfo"]["hasNextPage"]:
                return pages
            after = connection["pageInfo"]["endCursor"]


def api_count(server: LiveServer, address: str, transaction_filter: dict[str, str]) -> int:
    with GraphQLClient(server.base_url) as graphql:
        wallet = graphql.data(TRANSACTIONS, {"address": address, "filter": transaction_filter})
    count: int = wallet["wallet"]["transactions"]["totalCount"]
    return count


def shown_txids(page: Page) -> list[str]:
    rows = page.locator(".transactions-table tbody tr")
    return [str(txid) for txid in rows.evaluate_all("rows => rows.map(row => row.dataset.txid)")]


def synced_wallet(server: LiveServer, address: str, label: str | None = None) -> None:
    """Adds a wallet through the API and waits for its first sync."""
    with GraphQLClient(server.base_url) as graphql:
        job_id = graphql.add_wallet(address, label)["job"]["id"]
        for _ in range(200):
            job = graphql.data("query($id: ID!) { job(id: $id) { status } }", {"id": job_id})
            if job["job"]["status"] == "SUCCEEDED":
                return
            time.sleep(0.05)
    raise AssertionError(f"the sync of {address} did not finish")


def test_add_a_wallet_watch_its_sync_and_page_its_transactions(
    page: Page, watch: PageWatch, web_server: LiveServer, simulator: RunningSimulator
) -> None:
    page.goto(web_server.base_url + "/")
    expect(page.get_by_text("No wallets yet")).to_be_visible()

    page.get_by_label("Bitcoin address").fill(MEMPOOL_ADDRESS)
    page.get_by_label("Label").fill("Savings")
    page.get_by_role("button", name="Add wallet").click()

    row = wallet_row(page, MEMPOOL_ADDRESS)
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(row.get_by_text("Synced", exact=True)).to_be_visible()
    balance = btc(simulator.admin.balance_sat(MEMPOOL_ADDRESS))
    expect(row.locator("td.amount")).to_have_text(balance)
    expect(page.locator(".total-row")).to_contain_text(balance)
    expect(row.get_by_role("link", name="Savings")).to_be_visible()
    screenshot(page, "dashboard-desktop")

    row.get_by_role("link", name="Savings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Savings")
    expect(page.locator("#wallet-balance")).to_have_text(balance)
    pages = api_pages(web_server, MEMPOOL_ADDRESS)
    total = sum(len(txids) for txids in pages)
    expect(page.locator(".page-text")).to_have_text(f"1–{PAGE_SIZE} of {total}")
    assert shown_txids(page) == pages[0]
    unconfirmed = page.locator(".transactions-table tr.unconfirmed")
    expect(unconfirmed).to_have_count(MEMPOOL_ADDRESS_UNCONFIRMED)
    expect(unconfirmed.first).to_contain_text("Unconfirmed")
    first_link = page.locator(".transactions-table a.txid").first
    expect(first_link).to_have_attribute("href", re.compile(rf"/tx/{pages[0][0]}$"))
    expect_chart_or_a_readable_reason(page, web_server)
    screenshot(page, "wallet-desktop", full_page=True)

    newer = page.get_by_role("button", name="← Newer")
    older = page.get_by_role("button", name="Older →")
    expect(newer).to_be_disabled()
    for number, txids in enumerate(pages[1:], start=2):
        older.click()
        start = (number - 1) * PAGE_SIZE + 1
        expect(page.locator(".page-text")).to_have_text(
            f"{start}–{start + len(txids) - 1} of {total}"
        )
        assert shown_txids(page) == txids
    expect(older).to_be_disabled()
    newer.click()
    expect(page.locator(".page-text")).to_have_text(f"1–{PAGE_SIZE} of {total}")
    assert shown_txids(page) == pages[0]
    all_txids = [txid for txids in pages for txid in txids]
    assert sorted(all_txids) == sorted(
        tx.txid for tx in simulator.admin.transactions(MEMPOOL_ADDRESS)
    )

    page.get_by_label("Direction").select_option("RECEIVED")
    page.get_by_role("button", name="Apply").click()
    received = api_pages(web_server, MEMPOOL_ADDRESS, "RECEIVED")
    received_count = sum(len(txids) for txids in received)
    expect(page.locator(".page-text")).to_contain_text(f"of {received_count}")
    assert shown_txids(page) == received[0]
    amounts = page.locator(".transactions-table td.amount").all_inner_texts()
    assert amounts
    assert all(amount.startswith("+") for amount in amounts)

    # One day (UTC), both ends inclusive in the form; the API's `until` is exclusive.
    day = page.locator(".transactions-table tbody td").nth(1).inner_text()[:10]
    page.get_by_label("Direction").select_option("")
    page.get_by_label("From (UTC)").fill(day)
    page.get_by_label("To (UTC, inclusive)").fill(day)
    page.get_by_role("button", name="Apply").click()
    since = datetime.fromisoformat(f"{day}T00:00:00+00:00")
    on_that_day = api_count(
        web_server,
        MEMPOOL_ADDRESS,
        {"since": since.isoformat(), "until": (since + timedelta(days=1)).isoformat()},
    )
    expect(page.locator(".page-text")).to_have_text(
        f"1–{min(on_that_day, PAGE_SIZE)} of {on_that_day}"
    )
    times = page.locator(".transactions-table tbody tr td:nth-child(2)").all_inner_texts()
    assert all(time.startswith(day) for time in times)
    page.get_by_label("To (UTC, inclusive)").fill("2009-01-03")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert").filter(has_text="must not be after")).to_be_visible()

    # A new block pays the wallet: "Sync now" brings it in without a reload.
    page.get_by_role("button", name="Clear").click()
    simulator.admin.mine_block(address=MEMPOOL_ADDRESS, amounts_sat=[12_345])
    page.get_by_role("button", name="Sync now").click()
    new_balance = btc(simulator.admin.balance_sat(MEMPOOL_ADDRESS))
    expect(page.locator("#wallet-balance")).to_have_text(new_balance)
    expect(page.locator(".page-text")).to_have_text(f"1–{PAGE_SIZE} of {total + 1}")
    expect(
        page.locator(".transactions-table td.amount").get_by_text(btc(12_345, signed=True))
    ).to_be_visible()
    assert watch.outside(web_server.base_url) == []


def expect_chart_or_a_readable_reason(page: Page, server: LiveServer) -> None:
    """The chart needs `Wallet.balanceHistory`; a server without it gets a clear message."""
    with GraphQLClient(server.base_url) as graphql:
        fields = graphql.data(HAS_BALANCE_HISTORY)["__type"]["fields"]
    if "balanceHistory" in {field["name"] for field in fields}:
        expect(page.locator("figure.chart svg")).to_be_visible()
    else:
        expect(page.locator(".chart-unavailable")).to_have_text(re.compile("^Chart unavailable: "))


def test_an_invalid_address_is_refused_with_the_reason(page: Page, web_server: LiveServer) -> None:
    page.goto(web_server.base_url + "/")
    address = page.get_by_label("Bitcoin address")
    address.fill("bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3x")
    address.press("Enter")

    expect(page.locator("#add-error")).to_have_text(
        re.compile("^Not a valid bitcoin address: .*checksum")
    )
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(address).to_be_focused()
    expect(page.locator(".wallet-table tbody tr")).to_have_count(0)
    screenshot(page, "dashboard-invalid-address")


def test_relabel_sync_and_remove_with_the_keyboard(
    page: Page, web_server: LiveServer, simulator: RunningSimulator
) -> None:
    synced_wallet(web_server, GENESIS_ADDRESS, "Genesis")
    page.goto(web_server.base_url + "/")
    row = wallet_row(page, GENESIS_ADDRESS)
    expect(row.locator("td.amount")).to_have_text(btc(simulator.admin.balance_sat(GENESIS_ADDRESS)))

    row.get_by_role("button", name="Rename Genesis").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("Satoshi's")
    page.keyboard.press("Enter")
    expect(row.get_by_role("link", name="Satoshi's")).to_be_visible()
    with GraphQLClient(web_server.base_url) as graphql:
        wallet = graphql.data(
            "query($a: String!) { wallet(address: $a) { label } }", {"a": GENESIS_ADDRESS}
        )["wallet"]
    assert wallet == {"label": "Satoshi's"}

    # A sync asked for elsewhere (another client) shows up live, progress bar and all.
    simulator.admin.mine_block(address=GENESIS_ADDRESS, amounts_sat=[70_000])
    with GraphQLClient(web_server.base_url) as graphql:
        graphql.data(
            "mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } } }",
            {"a": GENESIS_ADDRESS},
        )
    expect(row.locator("td.amount")).to_have_text(btc(simulator.admin.balance_sat(GENESIS_ADDRESS)))

    simulator.admin.mine_block(address=GENESIS_ADDRESS, amounts_sat=[50_000])
    row.get_by_role("button", name="Sync Satoshi's").click()
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(row.locator("td.amount")).to_have_text(btc(simulator.admin.balance_sat(GENESIS_ADDRESS)))

    remove = row.get_by_role("button", name="Remove Satoshi's")
    remove.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Remove Satoshi's?")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(row).to_be_visible()

    remove.click()
    dialog.get_by_role("button", name="Remove").click()
    expect(row).to_have_count(0)
    expect(page.get_by_text("No wallets yet")).to_be_visible()
    with GraphQLClient(web_server.base_url) as graphql:
        assert graphql.data("{ wallets { totalCount } }")["wallets"]["totalCount"] == 0


def test_the_dashboard_fits_a_phone(
    page: Page, web_server: LiveServer, simulator: RunningSimulator
) -> None:
    synced_wallet(web_server, MEMPOOL_ADDRESS, "Phone wallet")
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.goto(web_server.base_url + "/")
    row = wallet_row(page, MEMPOOL_ADDRESS)
    expect(row.locator("td.amount")).to_have_text(btc(simulator.admin.balance_sat(MEMPOOL_ADDRESS)))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dashboard-phone", full_page=True)

    row.get_by_role("link", name="Phone wallet").click()
    expect(page.locator(".transactions-table tbody tr")).to_have_count(PAGE_SIZE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "wallet-phone")


def test_an_unreachable_api_is_explained_and_retried(page: Page, web_server: LiveServer) -> None:
    synced_wallet(web_server, GENESIS_ADDRESS, "Genesis")
    page.route("**/graphql", lambda route: route.abort())
    page.goto(web_server.base_url + "/")
    banner = page.get_by_role("alert").filter(has_text="Cannot reach")
    expect(banner).to_contain_text("Cannot reach the wallet-tracker API")
    screenshot(page, "dashboard-unreachable")

    page.unroute("**/graphql")
    banner.get_by_role("button", name="Retry").click()
    expect(banner).to_be_hidden()
    expect(wallet_row(page, GENESIS_ADDRESS)).to_be_visible()
