"""The contract's chain surface with Bitcoin, Litecoin, Dogecoin and Bitcoin Cash synced here:
`chains`, `netWorth`, `portfolios`, `portfolio(chain:)`, chain arguments, and chains refused by
name."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from db.models import Chain
from tests.utils.factories import (
    SeededTransaction,
    seed_transactions,
    set_market_price,
    track_synced_address,
)
from tests.utils.graphql import GraphQLClient
from tests.utils.sync_harness import refresh_prices_now
from tools.simulator.testing import RunningSimulator
from workers.redis_server import RedisServer

ADDRESS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
HELD_SAT = 123_456_789
PRICED_AT = datetime(2025, 1, 8, 9, 30, tzinfo=UTC)
CHAINS = "{ chains { chain name symbol decimals baseUnit tipHeight price { amount priceAt } } }"
NET_WORTH = "{ netWorth { currency amount priceAt unpricedChains } }"
PORTFOLIOS = "{ portfolios { chain walletCount balance } }"


def hold_bitcoin(graphql: GraphQLClient, database_url: str) -> None:
    assert graphql.add_wallet(ADDRESS)["errors"] == []
    history = [SeededTransaction("aa" * 32, 800_000, PRICED_AT, HELD_SAT)]
    seed_transactions(database_url, ADDRESS, history, tip_height=800_005)


def refusal_errors(
    graphql: GraphQLClient,
    mutation: str,
    variables: dict[str, Any] | None = None,
    *,
    null: tuple[str, ...],
) -> list[dict[str, Any]]:
    """The errors a refused mutation answers with; the payload's fields in `null` are null."""
    [payload] = graphql.data(mutation, variables).values()
    assert {field: payload[field] for field in null} == dict.fromkeys(null)
    errors: list[dict[str, Any]] = payload["errors"]
    return errors


def test_chains_say_what_bitcoin_amounts_mean_and_what_the_server_knows(
    graphql: GraphQLClient, database_url: str
) -> None:
    before = graphql.data(CHAINS)["chains"]
    assert before == [
        {
            "chain": chain,
            "name": name,
            "symbol": symbol,
            "decimals": decimals,
            "baseUnit": base_unit,
            "tipHeight": None,
            "price": None,
        }
        for chain, name, symbol, decimals, base_unit in [
            ("BITCOIN", "Bitcoin", "BTC", 8, "satoshi"),
            ("LITECOIN", "Litecoin", "LTC", 8, "satoshi"),
            ("DOGECOIN", "Dogecoin", "DOGE", 8, "satoshi"),
            ("BITCOIN_CASH", "Bitcoin Cash", "BCH", 8, "satoshi"),
            ("ETHEREUM", "Ethereum", "ETH", 18, "wei"),
            ("SOLANA", "Solana", "SOL", 9, "lamport"),
        ]
    ]

    hold_bitcoin(graphql, database_url)
    set_market_price(database_url, "65432.1", PRICED_AT)

    bitcoin, *others = graphql.data(CHAINS)["chains"]
    assert bitcoin["tipHeight"] == 800_005
    assert bitcoin["price"] == {"amount": "65432.10", "priceAt": "2025-01-08T09:30:00+00:00"}
    assert others == before[1:]


def test_net_worth_sums_priced_chains_exactly_and_lists_unpriced_ones(
    graphql: GraphQLClient, database_url: str
) -> None:
    assert graphql.data(NET_WORTH)["netWorth"] == {
        "currency": "USD",
        "amount": "0.00",
        "priceAt": None,
        "unpricedChains": [],
    }
    hold_bitcoin(graphql, database_url)
    unpriced = graphql.data(NET_WORTH)["netWorth"]
    assert unpriced["amount"] == "0.00"
    assert unpriced["unpricedChains"] == ["BITCOIN"]

    set_market_price(database_url, "65432.1", PRICED_AT)

    expected = (Decimal(HELD_SAT) * Decimal("65432.1") / Decimal(10**8)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )
    assert graphql.data(NET_WORTH)["netWorth"] == {
        "currency": "USD",
        "amount": str(expected),
        "priceAt": "2025-01-08T09:30:00+00:00",
        "unpricedChains": [],
    }
    [error] = graphql.execute('{ netWorth(currency: "EUR") { amount } }')["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"


LITECOIN_ADDRESS = "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9"
LITECOIN_CONFIRMED_SAT = 250_000_001
LITECOIN_UNCONFIRMED_SAT = -12_345
DOGECOIN_ADDRESS = "D5Z7XrtJNg7hAtznSDMXvfiFmMYphwuWz7"
DOGECOIN_SAT = 1_000_000 * 10**8
BITCOIN_QUOTED_AT = 1_767_225_600  # 2026-01-01T00:00:00Z
LITECOIN_QUOTED_AT = 1_767_225_540  # a minute earlier: the older price used


def cents(exact: Decimal) -> str:
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def test_net_worth_across_chains_adds_the_priced_ones_and_lists_the_one_without_price(
    graphql: GraphQLClient,
    database_url: str,
    redis_server: RedisServer,
    simulator: RunningSimulator,
) -> None:
    hold_bitcoin(graphql, database_url)
    track_synced_address(
        database_url,
        chain=Chain.LITECOIN,
        address=LITECOIN_ADDRESS,
        confirmed_sat=LITECOIN_CONFIRMED_SAT,
        unconfirmed_sat=LITECOIN_UNCONFIRMED_SAT,
    )
    track_synced_address(
        database_url, chain=Chain.DOGECOIN, address=DOGECOIN_ADDRESS, confirmed_sat=DOGECOIN_SAT
    )
    simulator.prices.set_price("bitcoin", "103978.4217", last_updated_at=BITCOIN_QUOTED_AT)
    simulator.prices.set_price("litecoin", "84.127512345", last_updated_at=LITECOIN_QUOTED_AT)
    simulator.prices.set_price("dogecoin", None)
    assert refresh_prices_now(database_url, redis_server, simulator) == 5

    bitcoin_usd = Decimal(HELD_SAT) * Decimal("103978.4217") / 10**8
    litecoin_held = LITECOIN_CONFIRMED_SAT + LITECOIN_UNCONFIRMED_SAT
    litecoin_usd = Decimal(litecoin_held) * Decimal("84.127512345") / 10**8
    assert graphql.data(NET_WORTH)["netWorth"] == {
        "currency": "USD",
        "amount": cents(bitcoin_usd + litecoin_usd),
        "priceAt": "2025-12-31T23:59:00+00:00",
        "unpricedChains": ["DOGECOIN"],
    }

    portfolios = graphql.data(
        "{ portfolios { chain walletCount balance fiatValue { amount priceAt } } }"
    )["portfolios"]
    assert portfolios == [
        {
            "chain": "BITCOIN",
            "walletCount": 1,
            "balance": str(HELD_SAT),
            "fiatValue": {"amount": cents(bitcoin_usd), "priceAt": "2026-01-01T00:00:00+00:00"},
        },
        {
            "chain": "LITECOIN",
            "walletCount": 1,
            "balance": str(litecoin_held),
            "fiatValue": {"amount": cents(litecoin_usd), "priceAt": "2025-12-31T23:59:00+00:00"},
        },
        {"chain": "DOGECOIN", "walletCount": 1, "balance": str(DOGECOIN_SAT), "fiatValue": None},
    ]
    litecoin = graphql.data("{ portfolio(chain: LITECOIN) { fiatValue { currency amount } } }")[
        "portfolio"
    ]
    assert litecoin == {"fiatValue": {"currency": "USD", "amount": cents(litecoin_usd)}}
    wallets = graphql.data(
        "{ wallets(chain: LITECOIN) { edges { node { address fiatValue { amount } } } } }"
    )["wallets"]
    assert wallets["edges"] == [
        {"node": {"address": LITECOIN_ADDRESS, "fiatValue": {"amount": cents(litecoin_usd)}}}
    ]
    prices = {info["chain"]: info["price"] for info in graphql.data(CHAINS)["chains"]}
    assert prices["BITCOIN"] == {"amount": "103978.42", "priceAt": "2026-01-01T00:00:00+00:00"}


def test_portfolios_list_chains_with_wallets_and_portfolio_takes_a_chain(
    graphql: GraphQLClient, database_url: str
) -> None:
    assert graphql.data(PORTFOLIOS)["portfolios"] == []
    hold_bitcoin(graphql, database_url)

    assert graphql.data(PORTFOLIOS)["portfolios"] == [
        {"chain": "BITCOIN", "walletCount": 1, "balance": str(HELD_SAT)}
    ]
    assert graphql.data("{ portfolio { chain walletCount } }")["portfolio"] == {
        "chain": "BITCOIN",
        "walletCount": 1,
    }
    ethereum = graphql.data(
        "{ portfolio(chain: ETHEREUM) { chain walletCount balance fiatValue { amount } } }"
    )["portfolio"]
    assert ethereum == {"chain": "ETHEREUM", "walletCount": 0, "balance": "0", "fiatValue": None}


def test_chain_arguments_find_and_filter_wallets(graphql: GraphQLClient) -> None:
    graphql.add_wallet(ADDRESS, label="Genesis")
    one = "query($a: String!, $c: Chain) { wallet(address: $a, chain: $c) { label chain } }"
    found = {"label": "Genesis", "chain": "BITCOIN"}
    assert graphql.data(one, {"a": ADDRESS, "c": "BITCOIN"})["wallet"] == found
    assert graphql.data(one, {"a": ADDRESS, "c": None})["wallet"] == found
    listed = "query($c: Chain) { wallets(chain: $c) { totalCount edges { node { address } } } }"
    assert graphql.data(listed, {"c": "BITCOIN"})["wallets"]["totalCount"] == 1
    assert graphql.data(listed, {"c": "LITECOIN"})["wallets"] == {"totalCount": 0, "edges": []}

    renamed = graphql.data(
        "mutation($a: String!) { updateWallet(input: {address: $a, chain: BITCOIN,"
        ' label: "Satoshi"}) { wallet { label } errors { code } } }',
        {"a": ADDRESS},
    )["updateWallet"]
    assert renamed == {"wallet": {"label": "Satoshi"}, "errors": []}
    removed = graphql.remove_wallet(ADDRESS, chain="BITCOIN")
    assert removed == {"removedAddress": ADDRESS, "errors": []}


def test_hd_wallet_options_are_refused_for_an_address(graphql: GraphQLClient) -> None:
    for option in ("gapLimit: 30", "scriptType: P2WPKH"):
        errors = refusal_errors(
            graphql,
            "mutation($a: String!) { addWallet(input: {address: $a, %s})"
            " { wallet { id } errors { code field } } }".replace("%s", option),
            {"a": ADDRESS},
            null=("wallet",),
        )
        assert errors[0]["code"] == "INVALID_INPUT"
        assert errors[0]["field"] == [option.split(":")[0]]
    assert graphql.data("{ wallets { totalCount } }")["wallets"]["totalCount"] == 0


def test_an_address_wallet_is_its_one_address(graphql: GraphQLClient, database_url: str) -> None:
    hold_bitcoin(graphql, database_url)
    query = """
    query($a: String!, $keychain: Keychain, $used: Boolean, $after: String) {
      wallet(address: $a) {
        kind descriptor gapLimit receiveAddress
        addresses(keychain: $keychain, used: $used, after: $after) {
          totalCount
          edges {
            cursor
            node { address keychain index derivationPath balance transactionCount used }
          }
          pageInfo { hasNextPage endCursor }
        }
        transactions { edges { node { fee failed } } }
      }
    }
    """
    wallet = graphql.data(query, {"a": ADDRESS})["wallet"]
    assert wallet["kind"] == "ADDRESS"
    assert wallet["descriptor"] is None
    assert wallet["gapLimit"] is None
    assert wallet["receiveAddress"] == ADDRESS
    [edge] = wallet["addresses"]["edges"]
    assert edge["node"] == {
        "address": ADDRESS,
        "keychain": None,
        "index": None,
        "derivationPath": None,
        "balance": str(HELD_SAT),
        "transactionCount": 1,
        "used": True,
    }
    assert wallet["addresses"]["totalCount"] == 1
    assert wallet["addresses"]["pageInfo"] == {"hasNextPage": False, "endCursor": edge["cursor"]}
    # Bitcoin transactions never fail; what the wallet paid in fees is not stored yet.
    assert wallet["transactions"]["edges"] == [{"node": {"fee": None, "failed": False}}]

    for variables in ({"keychain": "CHANGE"}, {"used": False}, {"after": edge["cursor"]}):
        empty = graphql.data(query, {"a": ADDRESS, **variables})["wallet"]["addresses"]
        assert empty["edges"] == [], variables
    [error] = graphql.execute(query, {"a": ADDRESS, "after": "bm9wZQ"})["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
