"""HD wallets in the dashboard: add a zpub or an xpub, see its descriptor, where to pay it (with
a QR code that decodes to that address), its addresses paged and filtered, its scan's progress."""

from __future__ import annotations

import base64
from typing import Any

from playwright.sync_api import Locator, Page, expect

from hd import ScriptKind
from tests.conftest import LiveServer
from tests.schema.test_hd_wallets_through_the_api import XPUB, ZPUB, bitcoin, derived, give_history
from tests.utils.graphql import GraphQLClient
from tests.web.conftest import PHONE, PageWatch, btc, screenshot
from tests.web.test_dashboard import wallet_row
from tools.simulator.testing import RunningSimulator
from web.vendor import TEST_VENDOR_DIRECTORY

JSQR = TEST_VENDOR_DIRECTORY / "jsqr-1.4.0" / "jsQR.js"
PAGE_SIZE = 25
WALLET = """
query($a: String!) {
  wallet(address: $a) {
    descriptor receiveAddress
    latestJob { status addressesScanned }
    addresses(first: 500) {
      totalCount
      edges { node { address keychain index used balance derivationPath } }
    }
  }
}
"""


def api_wallet(server: LiveServer, key: str) -> dict[str, Any]:
    with GraphQLClient(server.base_url) as graphql:
        wallet: dict[str, Any] = graphql.data(WALLET, {"a": key})["wallet"]
    return wallet


def decoded_qr_code(page: Page, code: Locator) -> str | None:
    """What a QR reader (jsQR, in a blank page of the same browser) reads in `code`'s pixels."""
    png = base64.b64encode(code.screenshot()).decode()
    reader = page.context.new_page()
    try:
        reader.add_script_tag(content=JSQR.read_text())
        text: str | None = reader.evaluate(
            """async (png) => {
              const image = new Image();
              image.src = `data:image/png;base64,${png}`;
              await image.decode();
              const canvas = document.createElement("canvas");
              canvas.width = image.width;
              canvas.height = image.height;
              const context = canvas.getContext("2d");
              context.drawImage(image, 0, 0);
              const pixels = context.getImageData(0, 0, image.width, image.height);
              return jsQR(pixels.data, image.width, image.height)?.data ?? null;
            }""",
            png,
        )
    finally:
        reader.close()
    return text


def shown_addresses(page: Page) -> list[str]:
    rows = page.locator(".addresses-table tbody tr")
    return [str(a) for a in rows.evaluate_all("rows => rows.map(row => row.dataset.address)")]


def test_a_zpub_added_in_the_dashboard_shows_its_descriptor_receive_address_and_addresses(
    page: Page, watch: PageWatch, web_server: LiveServer, simulator: RunningSimulator
) -> None:
    receive = derived(ZPUB, ScriptKind.P2WPKH, 0, 20)
    change = derived(ZPUB, ScriptKind.P2WPKH, 1, 8)
    history = bitcoin(simulator).add_wallet_history(
        receive[:8], change, used_receive=[0, 1, 2, 5], transactions=30
    )
    page.goto(web_server.base_url + "/")
    field = page.get_by_label("Bitcoin address, xpub or descriptor")
    field.fill(ZPUB)
    # A zpub says its script: no picker, only the optional gap limit.
    expect(page.get_by_label("Gap limit (optional)")).to_be_visible()
    expect(page.get_by_label("Script type")).to_be_hidden()
    page.get_by_label("Label").fill("Savings")
    page.get_by_role("button", name="Add wallet").click()

    row = wallet_row(page, ZPUB)
    expect(row.get_by_text("Synced", exact=True)).to_be_visible()
    expect(row.locator(".badge-hd")).to_have_text("HD")
    expect(row.get_by_role("link", name="Savings")).to_be_visible()
    wallet = api_wallet(web_server, ZPUB)
    scanned = wallet["latestJob"]["addressesScanned"]
    assert scanned >= 40
    expect(row.locator(".progress-text")).to_have_text(f"Done: {scanned} addresses scanned")
    expect(row.locator("td.amount")).to_have_text(
        btc(sum(int(edge["node"]["balance"]) for edge in wallet["addresses"]["edges"]))
    )

    row.get_by_role("link", name="Savings").click()
    expect(page.locator("#wallet-descriptor")).to_have_text(wallet["descriptor"])
    assert wallet["descriptor"].startswith("wpkh(")
    receive_address = page.locator("#receive-address")
    expect(receive_address).to_have_text(wallet["receiveAddress"])
    assert wallet["receiveAddress"] in receive
    code = page.get_by_role(
        "img", name=f"QR code of the receive address {wallet['receiveAddress']}"
    )
    expect(code).to_be_visible()
    assert decoded_qr_code(page, code) == wallet["receiveAddress"]

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy receive address").click()
    expect(page.locator(".receive .copy-note")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == wallet["receiveAddress"]

    # The addresses tab, reached with the keyboard: receive then change, each by index.
    transactions_tab = page.get_by_role("tab", name="Transactions")
    expect(transactions_tab).to_have_attribute("aria-selected", "true")
    transactions_tab.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Addresses")).to_be_focused()
    expect(page.get_by_role("tab", name="Addresses")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#transactions-panel")).to_be_hidden()
    nodes = [edge["node"] for edge in wallet["addresses"]["edges"]]
    total = wallet["addresses"]["totalCount"]
    assert total > PAGE_SIZE
    expect(page.locator("#addresses-panel .page-text")).to_have_text(f"1–{PAGE_SIZE} of {total}")
    assert shown_addresses(page) == [node["address"] for node in nodes[:PAGE_SIZE]]
    first = page.locator(f".addresses-table tr[data-address='{nodes[0]['address']}']")
    expect(first.locator("td")).to_have_text(
        ["Receive", "0", nodes[0]["address"], "Used", btc(int(nodes[0]["balance"])), "0/0"]
    )
    page.get_by_role("button", name="Next →").click()
    expect(page.locator("#addresses-panel .page-text")).to_have_text(
        f"{PAGE_SIZE + 1}–{min(total, 2 * PAGE_SIZE)} of {total}"
    )
    assert shown_addresses(page) == [node["address"] for node in nodes[PAGE_SIZE : 2 * PAGE_SIZE]]
    page.get_by_role("button", name="← Previous").click()
    expect(page.locator("#addresses-panel .page-text")).to_have_text(f"1–{PAGE_SIZE} of {total}")

    # Change addresses found by the scan, used ones among them.
    page.get_by_label("Keychain").select_option("CHANGE")
    page.get_by_label("Used", exact=True).select_option("true")
    expect(page.locator(".addresses-table tbody tr")).to_have_count(len(history.used_change))
    assert shown_addresses(page) == list(history.used_change)
    expect(page.locator(".addresses-table tbody tr").first.locator("td").first).to_have_text(
        "Change"
    )

    screenshot(page, "dashboard-hd-wallet-desktop", full_page=True)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the HD wallet's page scrolls sideways at 375 px"
    page.locator(".addresses-table").scroll_into_view_if_needed()
    screenshot(page, "dashboard-hd-wallet-phone-addresses")
    page.locator(".hd-panel").evaluate("panel => panel.scrollIntoView()")
    expect(code).to_be_in_viewport()
    screenshot(page, "dashboard-hd-wallet-phone")
    assert watch.outside(web_server.base_url) == []


def test_the_script_picker_is_for_bare_xpubs_and_shows_the_servers_question(
    page: Page, web_server: LiveServer, simulator: RunningSimulator
) -> None:
    give_history(simulator, XPUB, ScriptKind.P2PKH, [0])
    give_history(simulator, XPUB, ScriptKind.P2TR, [1])
    page.goto(web_server.base_url + "/")
    field = page.get_by_label("Bitcoin address, xpub or descriptor")
    picker = page.get_by_label("Script type")
    gap = page.get_by_label("Gap limit (optional)")
    expect(gap).to_be_hidden()

    field.fill(XPUB)
    expect(picker).to_be_visible()
    expect(picker).to_have_value("")
    expect(picker.locator("option")).to_have_text(
        [
            "Detect automatically",
            "P2PKH legacy, 1…",
            "P2SH-P2WPKH nested segwit, 3…",
            "P2WPKH native segwit, bc1q…",
            "P2TR taproot, bc1p…",
        ]
    )
    field.fill(ZPUB)
    expect(picker).to_be_hidden()
    expect(gap).to_be_visible()
    field.fill(XPUB)

    # A gap limit out of range is refused before anything is sent.
    gap.fill("0")
    field.press("Enter")
    expect(page.locator("#add-gap-error")).to_contain_text("1 to 1000")
    expect(gap).to_have_attribute("aria-invalid", "true")
    gap.fill("")

    # History on two script types: the server asks which, and the question is at the picker.
    field.press("Enter")
    error = page.locator("#add-script-error")
    expect(error).to_contain_text("P2PKH")
    expect(error).to_contain_text("P2TR")
    expect(picker).to_have_attribute("aria-invalid", "true")
    expect(picker).to_be_focused()
    expect(page.locator("#add-error")).to_have_text("")
    screenshot(page, "dashboard-hd-script-question")

    picker.select_option("P2TR")
    page.get_by_role("button", name="Add wallet").click()
    row = wallet_row(page, XPUB)
    expect(row.get_by_text("Synced", exact=True)).to_be_visible()
    expect(error).to_have_text("")
    assert api_wallet(web_server, XPUB)["descriptor"].startswith("tr(")
