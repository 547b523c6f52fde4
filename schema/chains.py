"""`ChainInfo` (what a chain's amounts mean, its tip and price) and `NetWorth` across chains."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from resolvers import fiat
from resolvers import hd_wallets as hd_wallet_reads
from resolvers import transactions as transaction_reads
from resolvers import wallets as wallet_reads
from resolvers.chains import CHAIN_DETAILS, SUPPORTED_CHAINS
from schema.context import ContextInfo
from schema.enums import Chain
from schema.portfolio import FiatValue, fiat_value_of


@strawberry.type(description="What a chain's amounts mean, and what the server last heard of it.")
class ChainInfo:
    chain: Chain
    name: str = strawberry.field(description='e.g. "Bitcoin", "Ethereum".')
    symbol: str = strawberry.field(description='e.g. "BTC", "ETH", "SOL".')
    decimals: int = strawberry.field(
        description="Base units per coin as a power of ten: 8 for BTC, 18 for ETH, 9 for SOL."
    )
    base_unit: str = strawberry.field(description='e.g. "satoshi", "wei", "lamport".')

    @strawberry.field(
        description=(
            "Latest block height (slot for Solana) the server knows, when any sync has told it."
        )
    )
    async def tip_height(self, info: ContextInfo) -> int | None:
        return await transaction_reads.tip_height(info.context.sessions, chain=self.chain)

    @strawberry.field(description="Last known price of one coin; null when none is known.")
    async def price(self, info: ContextInfo, currency: str | None = "USD") -> FiatValue | None:
        return await fiat_value_of(info, self.chain, 10**self.decimals, currency)

    @classmethod
    def of(cls, chain: Chain) -> ChainInfo:
        details = CHAIN_DETAILS[chain]
        return cls(
            chain=chain,
            name=details.name,
            symbol=details.symbol,
            decimals=details.decimals,
            base_unit=details.base_unit,
        )


def resolve_chains() -> list[ChainInfo]:
    return [ChainInfo.of(chain) for chain in SUPPORTED_CHAINS]


@strawberry.type
class NetWorth:
    currency: str
    amount: str = strawberry.field(
        description=(
            "Decimal string with two fraction digits: the sum over the chains that have a"
            " known price."
        )
    )
    price_at: datetime | None = strawberry.field(
        description="Time of the oldest price used; null when none was used."
    )
    unpriced_chains: list[Chain] = strawberry.field(
        description=(
            "Chains on which the viewer holds a balance but no price is known; they are not"
            " in `amount`."
        )
    )


async def resolve_net_worth(info: ContextInfo, currency: str | None = "USD") -> NetWorth:
    currency = fiat.check_currency("USD" if currency is None else currency)
    sessions = info.context.sessions
    addresses = await wallet_reads.tracked_addresses(sessions, viewer=info.context.viewer)
    # An address wallet inside one of the viewer's HD wallets is held by that HD wallet.
    inside = await hd_wallet_reads.addresses_counted_in_hd_wallets(
        sessions, viewer=info.context.viewer
    )
    balances: dict[Chain, int] = {}
    for address in addresses:
        if address.id in inside:
            continue
        held = address.confirmed_balance_sat + address.unconfirmed_balance_sat
        balances[address.chain] = balances.get(address.chain, 0) + held
    prices = await fiat.market_prices(sessions, currency=currency)
    total = Decimal(0)
    price_times: list[datetime] = []
    unpriced: list[Chain] = []
    for chain in Chain:
        if not balances.get(chain):
            continue
        price = prices.get(chain)
        if price is None:
            unpriced.append(chain)
            continue
        total += fiat.exact_value(balances[chain], price, decimals=CHAIN_DETAILS[chain].decimals)
        price_times.append(price.at)
    return NetWorth(
        currency=currency,
        amount=fiat.cents_text(total),
        price_at=min(price_times) if price_times else None,
        unpriced_chains=unpriced,
    )
