"""`Portfolio`, and the money figures it shares with `Wallet`: flows, balance history, fiat."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.models import TrackedAddress, utc_now
from resolvers import balance_history as history_reads
from resolvers import fiat
from resolvers import flows as flow_reads
from resolvers import hd_wallets as hd_wallet_reads
from resolvers import wallets as wallet_reads
from resolvers.chains import CHAIN_DETAILS
from schema.context import ContextInfo
from schema.enums import Chain, Interval
from schema.pagination import given
from schema.scalars import BigInt


@strawberry.type(description="Balance at the end of one interval (UTC boundaries).")
class BalancePoint:
    at: datetime = strawberry.field(description="Start of the interval.")
    balance: BigInt = strawberry.field(
        description="Balance at the end of the interval, base units."
    )


@strawberry.type(
    description=(
        "Money in and out over a period. Transfers between the viewer's own wallets are not"
        " flows of the portfolio."
    )
)
class Flows:
    received: BigInt
    sent: BigInt
    net: BigInt
    transaction_count: int


@strawberry.type(
    description=(
        "A fiat value at the freshest known market price (CoinGecko's, or the provider's)."
        " `priceAt` is when that price was current."
    )
)
class FiatValue:
    currency: str
    amount: str = strawberry.field(
        description='Decimal string with two fraction digits, e.g. "1234.56".'
    )
    price_at: datetime


async def fiat_value_of(
    info: ContextInfo, chain: Chain, amount: int, currency: str | None
) -> FiatValue | None:
    currency = "USD" if currency is None else currency
    price = await fiat.market_price(info.context.sessions, chain=chain, currency=currency)
    if price is None:
        return None
    value = fiat.fiat_value(amount, price, decimals=CHAIN_DETAILS[chain].decimals)
    return FiatValue(currency=value.currency, amount=value.amount, price_at=value.price_at)


@strawberry.type
class MoneyFigures:
    """What a wallet and a portfolio both tell: balances and, over their addresses, fiat value,
    flows and balance history."""

    chain: Chain
    balance: BigInt = strawberry.field(
        description="Confirmed plus unconfirmed balance, base units."
    )
    confirmed_balance: BigInt
    unconfirmed_balance: BigInt
    address_ids: strawberry.Private[list[int]]

    @strawberry.field
    async def fiat_value(self, info: ContextInfo, currency: str | None = "USD") -> FiatValue | None:
        return await fiat_value_of(info, self.chain, self.balance, currency)

    @strawberry.field(
        description="Received, sent and net over a period (inclusive since, exclusive until)."
    )
    async def flows(
        self,
        info: ContextInfo,
        since: datetime | None = strawberry.UNSET,
        until: datetime | None = strawberry.UNSET,
    ) -> Flows:
        found = await flow_reads.flows(
            info.context.sessions,
            chain=self.chain,
            address_ids=self.address_ids,
            since=given(since),
            until=given(until),
        )
        return Flows(
            received=BigInt(found.received_sat),
            sent=BigInt(found.sent_sat),
            net=BigInt(found.net_sat),
            transaction_count=found.transaction_count,
        )

    @strawberry.field(
        description=(
            "At most 1,000 points; an interval too fine for the range is an error saying so."
        )
    )
    async def balance_history(
        self,
        info: ContextInfo,
        interval: Interval,
        since: datetime | None = strawberry.UNSET,
        until: datetime | None = strawberry.UNSET,
    ) -> list[BalancePoint]:
        points = await history_reads.balance_history(
            info.context.sessions,
            chain=self.chain,
            address_ids=self.address_ids,
            confirmed_balance_sat=self.confirmed_balance,
            interval=interval,
            since=given(since),
            until=given(until),
            now=utc_now(),
        )
        return [BalancePoint(at=point.at, balance=BigInt(point.balance_sat)) for point in points]


@strawberry.type(description="The viewer's wallets on one chain, together.")
class Portfolio(MoneyFigures):
    wallet_count: int


async def resolve_portfolio(info: ContextInfo, chain: Chain | None = Chain.BITCOIN) -> Portfolio:
    chain = Chain.BITCOIN if chain is None else chain
    sessions, viewer = info.context.sessions, info.context.viewer
    addresses = await wallet_reads.tracked_addresses(sessions, viewer=viewer, chain=chain)
    inside = await hd_wallet_reads.addresses_counted_in_hd_wallets(sessions, viewer=viewer)
    return portfolio_of(chain, addresses, counted_in_hd_wallets=inside)


async def resolve_portfolios(info: ContextInfo) -> list[Portfolio]:
    """One portfolio per chain on which the viewer has wallets, in the contract's chain order."""
    sessions, viewer = info.context.sessions, info.context.viewer
    addresses = await wallet_reads.tracked_addresses(sessions, viewer=viewer)
    inside = await hd_wallet_reads.addresses_counted_in_hd_wallets(sessions, viewer=viewer)
    return [
        portfolio_of(
            chain,
            [address for address in addresses if address.chain is chain],
            counted_in_hd_wallets=inside,
        )
        for chain in Chain
        if any(address.chain is chain for address in addresses)
    ]


def portfolio_of(
    chain: Chain, addresses: list[TrackedAddress], *, counted_in_hd_wallets: set[int]
) -> Portfolio:
    """Every wallet counts in `walletCount`; an address wallet inside one of the HD wallets
    counts in the money figures through that HD wallet only."""
    counted = [address for address in addresses if address.id not in counted_in_hd_wallets]
    confirmed = sum(address.confirmed_balance_sat for address in counted)
    unconfirmed = sum(address.unconfirmed_balance_sat for address in counted)
    return Portfolio(
        chain=chain,
        wallet_count=len(addresses),
        balance=BigInt(confirmed + unconfirmed),
        confirmed_balance=BigInt(confirmed),
        unconfirmed_balance=BigInt(unconfirmed),
        address_ids=[address.id for address in counted],
    )
