"""The dashboard across chains: pick the chain, see each wallet in its units, totals, explorers."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.conftest import LiveServer
from tests.utils.factories import set_market_price
from tests.utils.graphql import GraphQLClient
from tests.web.conftest import PHONE, PageWatch, btc, screenshot
from tests.web.test_dashboard import synced_wallet, wallet_row
from tools.simulator.seeds import GENESIS_ADDRESS, MEMPOOL_ADDRESS
from tools.simulator.solana.seeds import SOLANA_SENDER_ADDRESS
from tools.simulator.testing import RunningSimulator

CHAINS = "{ chains { chain name symbol decimals baseUnit } }"
# What the contract says of every chain, for pretending the server lists more than it does.
CHAIN_INFOS = {
    "BITCOIN": ("Bitcoin", "BTC", 8, "satoshi"),
    "LITECOIN": ("Litecoin", "LTC", 8, "satoshi"),
    "DOGECOIN": ("Dogecoin", "DOGE", 8, "satoshi"),
    "BITCOIN_CASH": ("Bitcoin Cash", "BCH", 8, "satoshi"),
    "ETHEREUM": ("Ethereum", "ETH", 18, "wei"),
    "SOLANA": ("Solana", "SOL", 9, "lamport"),
}
ADDRESS_FORMATS = {
    "BITCOIN": "bc1q…, 1…, 3…",
    "LITECOIN": "L…, M…, ltc1…",
    "DOGECOIN": "D…, A…, 9…",
    "BITCOIN_CASH": "bitcoincash:q… or 1…",
    "ETHEREUM": "0x… (40 hex digits)",
    "SOLANA": "base58, 32–44 characters",
}
SAMPLE_ADDRESSES = {
    "LITECOIN": "ltc1qg82tk9ls0sl4prz8agf7tt4qwtjnt8cqvx6r5m",
    "DOGECOIN": "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L",
    "BITCOIN_CASH": "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
    "ETHEREUM": "0xde0B295669a9FD93d5F28D9Ec85E40f4cb697BAe",
    "SOLANA": "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
}
TWO_TO_THE_70_WEI = 2**70
MILLION_ETH_IN_WEI = 10**24
ONE_ETH_IN_WEI = 10**18
PRICED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def chain_info(chain: str) -> dict[str, Any]:
    name, symbol, decimals, base_unit = CHAIN_INFOS[chain]
    return {
        "chain": chain,
        "name": name,
        "symbol": symbol,
        "decimals": decimals,
        "baseUnit": base_unit,
    }


def sol(lamports: int) -> str:
    """A balance as the dashboard shows it: eight fraction digits, "…" when the ninth was cut."""
    whole, fraction = divmod(lamports, 10**9)
    return f"{whole:,}.{fraction // 10:08d}{'…' if fraction % 10 else ''} SOL"


def served_chains(server: LiveServer) -> list[dict[str, Any]]:
    with GraphQLClient(server.base_url) as graphql:
        chains: list[dict[str, Any]] = graphql.data(CHAINS)["chains"]
    return chains


def answer_operations(page: Page, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Answers the named GraphQL operations with `answers` (their `data`); the rest go to the
    server. Returns the variables of every operation the page sent, named, as they are sent."""
    sent: list[dict[str, Any]] = []

    def handle(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        name = body.get("query", "").split("(")[0].split("{")[0].split()[-1]
        sent.append({"operation": name, **body.get("variables", {})})
        if name in answers:
            route.fulfill(json={"data": answers[name]})
        else:
            route.continue_()

    page.route("**/graphql", handle)
    return sent


def sent_operation(sent: list[dict[str, Any]], name: str) -> Callable[[], dict[str, Any] | None]:
    return lambda: next((variables for variables in sent if variables["operation"] == name), None)


def test_the_chain_picker_lists_the_servers_chains_and_adds_a_bitcoin_wallet(
    page: Page, watch: PageWatch, web_server: LiveServer, simulator: RunningSimulator
) -> None:
    chains = served_chains(web_server)
    page.goto(web_server.base_url + "/")
    picker = page.get_by_label("Chain", exact=True)
    expect(picker.locator("option")).to_have_text([chain["name"] for chain in chains])
    values = picker.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert values == [chain["chain"] for chain in chains]
    expect(picker).to_have_value("BITCOIN")
    address = page.get_by_label("Bitcoin address")
    expect(address).to_have_attribute("placeholder", ADDRESS_FORMATS["BITCOIN"])
    expect(page.locator("#add-address-hint")).to_have_text(
        f"Bitcoin addresses look like {ADDRESS_FORMATS['BITCOIN']}"
    )

    with page.expect_request(lambda request: "AddWallet" in (request.post_data or "")) as adding:
        address.fill(GENESIS_ADDRESS)
        page.get_by_label("Label").fill("Genesis")
        page.get_by_role("button", name="Add wallet").click()
    sent_body = adding.value.post_data_json
    assert sent_body is not None
    assert sent_body["variables"]["chain"] == "BITCOIN"

    row = wallet_row(page, GENESIS_ADDRESS)
    expect(row).to_have_attribute("data-chain", "BITCOIN")
    expect(row.get_by_text("Synced", exact=True)).to_be_visible()
    expect(row.locator(".chain-badge")).to_have_text("Bitcoin")
    balance_sat = simulator.admin.balance_sat(GENESIS_ADDRESS)
    expect(row.locator("td.amount")).to_have_text(btc(balance_sat))
    explorer = row.get_by_role("link", name=f"{GENESIS_ADDRESS} on mempool.space")
    expect(explorer).to_have_attribute("href", f"https://mempool.space/address/{GENESIS_ADDRESS}")
    expect(explorer).to_have_attribute("target", "_blank")
    total = page.locator(".total-row[data-chain='BITCOIN']")
    expect(total.locator("th")).to_have_text("Bitcoin total (1 wallet)")
    expect(total.locator("td.amount")).to_have_text(btc(balance_sat))
    expect(page.locator(".net-worth-row th")).to_have_text("Net worth")
    assert watch.outside(web_server.base_url) == []


def test_another_chain_shows_its_address_format_checks_it_and_adds_the_wallet_on_it(
    page: Page, web_server: LiveServer, simulator: RunningSimulator
) -> None:
    address = SOLANA_SENDER_ADDRESS
    page.goto(web_server.base_url + "/")
    picker = page.get_by_label("Chain", exact=True)
    picker.select_option("SOLANA")
    field = page.get_by_label("Solana address")
    expect(field).to_have_attribute("placeholder", ADDRESS_FORMATS["SOLANA"])
    expect(page.locator("#add-address-hint")).to_have_text(
        f"Solana addresses look like {ADDRESS_FORMATS['SOLANA']}"
    )

    # A Bitcoin address on Solana is refused by the server's rules for Solana, not Bitcoin's.
    field.fill(GENESIS_ADDRESS)
    field.press("Enter")
    expect(page.locator("#add-error")).to_contain_text("Not a valid solana address")
    expect(page.locator("tr[data-chain='SOLANA']")).to_have_count(0)

    with page.expect_request(lambda request: "AddWallet" in (request.post_data or "")) as adding:
        field.fill(address)
        field.press("Enter")
    sent_body = adding.value.post_data_json
    assert sent_body is not None
    assert (sent_body["variables"]["chain"], sent_body["variables"]["address"]) == (
        "SOLANA",
        address,
    )
    row = wallet_row(page, address)
    expect(row).to_have_attribute("data-chain", "SOLANA")
    expect(row.get_by_text("Synced", exact=True)).to_be_visible()
    expect(row.locator(".chain-badge")).to_have_text("Solana")
    expect(row.locator("td.amount")).to_have_text(sol(simulator.solana.balance_lamports(address)))
    explorer = row.get_by_role("link", name=f"{address} on Solscan")
    expect(explorer).to_have_attribute("href", f"https://solscan.io/account/{address}")
    screenshot(page, "dashboard-other-chain")


def test_amounts_use_their_chains_decimals_with_the_exact_value_on_demand(
    page: Page, web_server: LiveServer
) -> None:
    page.goto(web_server.base_url + "/")
    expect(page.get_by_text("No wallets yet")).to_be_visible()
    shown = page.evaluate(
        """async ([eth, btc, sol, wei70, wei24]) => {
          const { formatAmount, describeAmount } = await import("/static/js/format.js");
          const { amount } = await import("/static/js/widgets.js");
          const element = amount(wei70, eth, { signed: true });
          return {
            wei70: formatAmount(wei70, eth),
            wei70Exact: formatAmount(wei70, eth, { exact: true }),
            wei70Title: describeAmount(wei70, eth),
            wei70Signed: [element.textContent, element.title],
            wei24: formatAmount(wei24, eth),
            wei24Exact: formatAmount(BigInt(wei24), eth, { exact: true }),
            oneWei: [formatAmount("1", eth), formatAmount("-1", eth, { exact: true })],
            sats: [formatAmount("2100000000000000", btc), formatAmount("-42000", btc)],
            lamports: [
              formatAmount("1500000001", sol),
              formatAmount("1500000001", sol, { exact: true }),
            ],
          };
        }""",
        [
            chain_info("ETHEREUM"),
            chain_info("BITCOIN"),
            chain_info("SOLANA"),
            str(TWO_TO_THE_70_WEI),
            str(MILLION_ETH_IN_WEI),
        ],
    )
    assert shown == {
        # Eight fraction digits shown, as for Bitcoin; "…" says more digits were cut.
        "wei70": "1,180.59162071… ETH",
        "wei70Exact": "1,180.591620717411303424 ETH",
        "wei70Title": "1,180.591620717411303424 ETH = 1,180,591,620,717,411,303,424 wei",
        "wei70Signed": [
            "+1,180.59162071… ETH",
            "+1,180.591620717411303424 ETH = 1,180,591,620,717,411,303,424 wei",
        ],
        "wei24": "1,000,000.00000000 ETH",
        "wei24Exact": "1,000,000.00000000 ETH",
        "oneWei": ["0.00000000… ETH", "-0.000000000000000001 ETH"],
        "sats": ["21,000,000.00000000 BTC", "-0.00042000 BTC"],
        "lamports": ["1.50000000… SOL", "1.500000001 SOL"],
    }


def test_explorer_links_per_chain(page: Page, web_server: LiveServer) -> None:
    page.goto(web_server.base_url + "/")
    links = page.evaluate(
        """async (addresses) => {
          const { addressUrl, transactionUrl } = await import("/static/js/chains.js");
          const chains = ["BITCOIN", ...Object.keys(addresses), "NOT_A_CHAIN"];
          const address = (chain) => addresses[chain] ?? "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
          return Object.fromEntries(
            chains.map((chain) => [
              chain,
              [transactionUrl(chain, "abc123"), addressUrl(chain, address(chain))],
            ]),
          );
        }""",
        SAMPLE_ADDRESSES,
    )
    assert links == {
        "BITCOIN": [
            "https://mempool.space/tx/abc123",
            f"https://mempool.space/address/{GENESIS_ADDRESS}",
        ],
        "LITECOIN": [
            "https://litecoinspace.org/tx/abc123",
            f"https://litecoinspace.org/address/{SAMPLE_ADDRESSES['LITECOIN']}",
        ],
        "DOGECOIN": [
            "https://blockchair.com/dogecoin/transaction/abc123",
            f"https://blockchair.com/dogecoin/address/{SAMPLE_ADDRESSES['DOGECOIN']}",
        ],
        "BITCOIN_CASH": [
            "https://blockchair.com/bitcoin-cash/transaction/abc123",
            "https://blockchair.com/bitcoin-cash/address/qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
        ],
        "ETHEREUM": [
            "https://etherscan.io/tx/abc123",
            f"https://etherscan.io/address/{SAMPLE_ADDRESSES['ETHEREUM']}",
        ],
        "SOLANA": [
            "https://solscan.io/tx/abc123",
            f"https://solscan.io/account/{SAMPLE_ADDRESSES['SOLANA']}",
        ],
        "NOT_A_CHAIN": [None, None],
    }


def test_the_net_worth_adds_up_the_priced_chains(
    page: Page, web_server: LiveServer, sqlite_url: str, simulator: RunningSimulator
) -> None:
    synced_wallet(web_server, MEMPOOL_ADDRESS, "Savings")
    # Playwright's event loop runs in this thread; the factory runs its own in another.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(set_market_price, sqlite_url, "65432.1", PRICED_AT).result()
    page.goto(web_server.base_url + "/")
    balance_sat = simulator.admin.balance_sat(MEMPOOL_ADDRESS)
    usd = (Decimal(balance_sat) * Decimal("65432.1") / 10**8).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )
    total = page.locator(".total-row[data-chain='BITCOIN']")
    expect(total.locator("td.amount")).to_have_text(btc(balance_sat))
    expect(total.locator(".fiat-value")).to_have_text(f"{usd:,} USD")
    expect(page.locator("#net-worth")).to_have_text(f"{usd:,} USD")
    expect(page.locator(".net-worth-note")).to_have_text("at prices of 2026-01-02 03:04 UTC")
    screenshot(page, "dashboard-net-worth")


def test_wallets_on_several_chains_each_in_their_units(
    page: Page, web_server: LiveServer, sqlite_url: str, simulator: RunningSimulator
) -> None:
    """A server that syncs more chains, as the dashboard would see it: the same "1…" address on
    Bitcoin and Bitcoin Cash, and an Ethereum wallet; per-wallet requests name the chain."""
    synced_wallet(web_server, GENESIS_ADDRESS, "Genesis")
    with GraphQLClient(web_server.base_url) as graphql:
        bitcoin = graphql.data(
            """query($a: String!) { wallet(address: $a) { id address chain kind label balance
              confirmedBalance unconfirmedBalance transactionCount syncStatus lastSyncedAt
              lastSyncError latestJob { id status progress fetchedTransactions
              expectedTransactions error } } }""",
            {"a": GENESIS_ADDRESS},
        )["wallet"]
    cash = {**bitcoin, "id": "bch", "chain": "BITCOIN_CASH", "label": "Genesis (BCH)"}
    cash.update(balance="150000000", confirmedBalance="150000000", latestJob=None)
    ether = {**cash, "id": "eth", "chain": "ETHEREUM", "label": "Ether"}
    ether.update(address=SAMPLE_ADDRESSES["ETHEREUM"], balance=str(TWO_TO_THE_70_WEI))
    ether.update(confirmedBalance=str(TWO_TO_THE_70_WEI), unconfirmedBalance="0")
    wallets = [ether, cash, bitcoin]
    price = {"currency": "USD", "amount": "1234.56", "priceAt": PRICED_AT.isoformat()}
    answers = {
        "Chains": {
            "chains": [chain_info(chain) for chain in ("BITCOIN", "BITCOIN_CASH", "ETHEREUM")]
        },
        "Wallets": {
            "wallets": {
                "totalCount": len(wallets),
                "edges": [{"node": wallet} for wallet in wallets],
                "pageInfo": {"hasNextPage": False, "endCursor": None},
            }
        },
        "Totals": {
            "portfolios": [
                {
                    "chain": "BITCOIN",
                    "walletCount": 1,
                    "balance": bitcoin["balance"],
                    "fiatValue": price,
                },
                {
                    "chain": "BITCOIN_CASH",
                    "walletCount": 1,
                    "balance": "150000000",
                    "fiatValue": None,
                },
                {
                    "chain": "ETHEREUM",
                    "walletCount": 1,
                    "balance": str(TWO_TO_THE_70_WEI),
                    "fiatValue": None,
                },
            ],
            "netWorth": {
                "currency": "USD",
                "amount": "1234.56",
                "priceAt": PRICED_AT.isoformat(),
                "unpricedChains": ["BITCOIN_CASH", "ETHEREUM"],
            },
        },
    }
    sent = answer_operations(page, answers)
    page.goto(web_server.base_url + "/")

    rows = page.locator(".wallet-table tbody tr")
    expect(rows).to_have_count(3)
    same_address = wallet_row(page, GENESIS_ADDRESS)
    expect(same_address).to_have_count(2)
    on_bitcoin = page.locator(f"tr[data-address='{GENESIS_ADDRESS}'][data-chain='BITCOIN']")
    on_cash = page.locator(f"tr[data-address='{GENESIS_ADDRESS}'][data-chain='BITCOIN_CASH']")
    expect(on_bitcoin.locator("td.amount")).to_have_text(btc(int(bitcoin["balance"])))
    expect(on_cash.locator("td.amount")).to_have_text("1.50000000 BCH")
    expect(on_cash.locator(".chain-badge")).to_have_text("Bitcoin Cash")
    expect(on_cash.get_by_role("link", name="Genesis (BCH)")).to_have_attribute(
        "href", f"#/wallet/bitcoin_cash/{GENESIS_ADDRESS}"
    )
    expect(on_cash.get_by_role("link", name=f"{GENESIS_ADDRESS} on Blockchair")).to_have_attribute(
        "href", f"https://blockchair.com/bitcoin-cash/address/{GENESIS_ADDRESS}"
    )
    on_ether = wallet_row(page, SAMPLE_ADDRESSES["ETHEREUM"])
    expect(on_ether.locator(".chain-badge")).to_have_text("Ethereum")
    expect(on_ether.locator("td.amount")).to_have_text("1,180.59162071… ETH")
    expect(on_ether.locator("td.amount")).to_have_attribute(
        "title", "1,180.591620717411303424 ETH = 1,180,591,620,717,411,303,424 wei"
    )
    expect(
        on_ether.get_by_role("link", name=f"{SAMPLE_ADDRESSES['ETHEREUM']} on Etherscan")
    ).to_have_attribute("href", f"https://etherscan.io/address/{SAMPLE_ADDRESSES['ETHEREUM']}")

    totals = page.locator(".total-row")
    expect(totals.locator("th")).to_have_text(
        ["Bitcoin total (1 wallet)", "Bitcoin Cash total (1 wallet)", "Ethereum total (1 wallet)"]
    )
    expect(totals.locator("td.amount")).to_have_text(
        [btc(int(bitcoin["balance"])), "1.50000000 BCH", "1,180.59162071… ETH"]
    )
    expect(totals.locator(".fiat-value")).to_have_text(
        ["1,234.56 USD", "no price known", "no price known"]
    )
    expect(page.locator("#net-worth")).to_have_text("1,234.56 USD")
    expect(page.locator(".net-worth-note")).to_have_text(
        "at prices of 2026-01-02 03:04 UTC; unpriced: Bitcoin Cash, Ethereum (not included)"
    )
    screenshot(page, "dashboard-chains-desktop")

    # Every request about one wallet names its chain.
    on_cash.get_by_role("button", name="Sync Genesis (BCH)").click()
    expect(on_cash.locator(".row-message")).not_to_be_empty()
    syncing = sent_operation(sent, "SyncWallet")()
    assert syncing == {
        "operation": "SyncWallet",
        "address": GENESIS_ADDRESS,
        "chain": "BITCOIN_CASH",
    }

    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    expect(on_ether.locator("td.amount")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dashboard-chains-phone", full_page=True)


def test_the_wallet_page_names_its_chain_and_links_its_explorer(
    page: Page, web_server: LiveServer, simulator: RunningSimulator
) -> None:
    synced_wallet(web_server, GENESIS_ADDRESS, "Genesis")
    page.goto(web_server.base_url + "/")
    wallet_row(page, GENESIS_ADDRESS).get_by_role("link", name="Genesis").click()
    expect(page).to_have_url(f"{web_server.base_url}/#/wallet/bitcoin/{GENESIS_ADDRESS}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Genesis")
    expect(page.locator(".wallet-meta .chain-badge")).to_have_text("Bitcoin")
    expect(page.get_by_role("link", name=f"{GENESIS_ADDRESS} on mempool.space")).to_have_attribute(
        "href", f"https://mempool.space/address/{GENESIS_ADDRESS}"
    )
    balance = btc(simulator.admin.balance_sat(GENESIS_ADDRESS))
    expect(page.locator("#wallet-balance")).to_have_text(balance)
    txid = page.locator(".transactions-table tbody tr").first.get_attribute("data-txid")
    expect(page.locator(".transactions-table a.txid").first).to_have_attribute(
        "href", f"https://mempool.space/tx/{txid}"
    )

    # A link from before chains were named still opens the wallet (on the default chain).
    page.goto(f"{web_server.base_url}/#/wallet/{GENESIS_ADDRESS}")
    page.reload()
    expect(page.locator("#wallet-balance")).to_have_text(balance)
    # The same string on another chain: a Bitcoin address is no Solana address, and the page
    # says so instead of showing an empty wallet.
    page.goto(f"{web_server.base_url}/#/wallet/solana/{GENESIS_ADDRESS}")
    expect(page.locator("main")).to_contain_text(
        "Could not load this wallet: Not a valid solana address: Solana address decodes to "
        "25 bytes, not 32"
    )


def test_an_ethereum_wallet_page_shows_ether_and_links_etherscan(
    page: Page, web_server: LiveServer
) -> None:
    """An Ethereum wallet as a server that syncs Ethereum would answer for it."""
    address = SAMPLE_ADDRESSES["ETHEREUM"]
    tx_hash = "0x" + "ab" * 32
    wallet = {
        "id": "eth",
        "address": address,
        "chain": "ETHEREUM",
        "kind": "ADDRESS",
        "label": "Ether",
        "balance": str(TWO_TO_THE_70_WEI),
        "confirmedBalance": str(TWO_TO_THE_70_WEI - ONE_ETH_IN_WEI),
        "unconfirmedBalance": str(ONE_ETH_IN_WEI),
        "transactionCount": 2,
        "syncStatus": "SYNCED",
        "lastSyncedAt": PRICED_AT.isoformat(),
        "lastSyncError": None,
        "latestJob": None,
    }
    failed_fee = 21_000 * 20_000_000_000  # 21,000 gas at 20 gwei
    transactions = [
        {
            "txid": "0x" + "ef" * 32,
            "amount": str(-failed_fee),
            "blockHeight": 20_000_002,
            "fee": str(failed_fee),
            "failed": True,
        },
        {
            "txid": tx_hash,
            "amount": str(-TWO_TO_THE_70_WEI),
            "blockHeight": 20_000_001,
            "fee": str(failed_fee),
            "failed": False,
        },
        {
            "txid": "0x" + "cd" * 32,
            "amount": str(MILLION_ETH_IN_WEI),
            "blockHeight": 20_000_000,
            "fee": None,
            "failed": False,
        },
    ]
    edges = [
        {
            "node": {
                "id": transaction["txid"],
                "timestamp": PRICED_AT.isoformat(),
                "direction": "SENT" if str(transaction["amount"]).startswith("-") else "RECEIVED",
                "confirmations": 10,
                **transaction,
            }
        }
        for transaction in transactions
    ]
    answers = {
        "Chains": {"chains": [chain_info("BITCOIN"), chain_info("ETHEREUM")]},
        "Wallet": {"wallet": wallet},
        "Transactions": {
            "wallet": {
                "transactions": {
                    "totalCount": 3,
                    "edges": edges,
                    "pageInfo": {
                        "hasNextPage": False,
                        "hasPreviousPage": False,
                        "startCursor": None,
                        "endCursor": None,
                    },
                }
            }
        },
        "BalanceHistory": {
            "wallet": {
                "balanceHistory": [
                    {"at": "2025-12-01T00:00:00+00:00", "balance": str(MILLION_ETH_IN_WEI)},
                    {"at": "2026-01-01T00:00:00+00:00", "balance": str(TWO_TO_THE_70_WEI)},
                ]
            }
        },
    }
    sent = answer_operations(page, answers)
    page.goto(f"{web_server.base_url}/#/wallet/ethereum/{address}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ether")
    expect(page.locator(".wallet-meta .chain-badge")).to_have_text("Ethereum")
    expect(page.get_by_role("link", name=f"{address} on Etherscan")).to_have_attribute(
        "href", f"https://etherscan.io/address/{address}"
    )
    balance = page.locator("#wallet-balance")
    expect(balance).to_have_text("1,180.59162071… ETH")
    expect(balance).to_have_attribute(
        "title", "1,180.591620717411303424 ETH = 1,180,591,620,717,411,303,424 wei"
    )
    expect(page.locator(".figure .amount")).to_have_text(
        ["1,180.59162071… ETH", "1,179.59162071… ETH", "1.00000000 ETH"]
    )
    # A failed transaction is marked and shows what it cost; fees show under their amounts.
    expect(page.locator(".transactions-table td.amount")).to_have_text(
        [
            "-0.00042000 ETHfee 0.00042000 ETH",
            "-1,180.59162071… ETHfee 0.00042000 ETH",
            "+1,000,000.00000000 ETH",
        ]
    )
    expect(page.locator(".transactions-table .badge-failed")).to_have_count(1)
    expect(page.locator(f'tr[data-txid="0x{"ef" * 32}"] .badge-failed')).to_have_text("Failed")
    expect(page.locator(".transactions-table a.txid").nth(1)).to_have_attribute(
        "href", f"https://etherscan.io/tx/{tx_hash}"
    )
    expect(page.locator(".chart-high")).to_have_text("1,000,000.00000000 ETH")
    expect(page.locator("figure.chart figcaption")).to_contain_text(
        "between 1,180.59162071… ETH and 1,000,000.00000000 ETH, now 1,180.59162071… ETH."
    )
    for operation in ("Wallet", "Transactions", "BalanceHistory"):
        variables = sent_operation(sent, operation)()
        assert variables is not None
        assert (variables["address"], variables["chain"]) == (address, "ETHEREUM"), operation
    screenshot(page, "wallet-ethereum-desktop")

    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    expect(balance).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "wallet-ethereum-phone", full_page=True)
