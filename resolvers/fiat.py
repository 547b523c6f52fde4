"""Fiat values of base-unit amounts, from the freshest known price: CoinGecko's or Blockchair's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from sqlalchemy import select

from db.models import Chain, ChainTip, CoinPrice, PriceSource
from db.session import SessionFactory
from resolvers.errors import BadRequestError

SUPPORTED_CURRENCIES = ("USD",)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MarketPrice:
    currency: str
    per_coin: Decimal
    at: datetime
    """When the source says the price was current (for Blockchair: when a sync read it)."""
    source: PriceSource


@dataclass(frozen=True)
class FiatAmount:
    currency: str
    amount: str
    """Decimal string with two fraction digits."""
    price_at: datetime


def check_currency(currency: str) -> str:
    if currency not in SUPPORTED_CURRENCIES:
        raise BadRequestError(
            f"Unsupported currency {currency[:10]!r}: fiat values are available in"
            f" {', '.join(SUPPORTED_CURRENCIES)} only."
        )
    return currency


async def market_price(
    sessions: SessionFactory, *, chain: Chain, currency: str
) -> MarketPrice | None:
    """The chain's price of one coin, or None when none is known."""
    return (await market_prices(sessions, currency=currency)).get(chain)


async def market_prices(sessions: SessionFactory, *, currency: str) -> dict[Chain, MarketPrice]:
    """Every chain's known price of one coin: CoinGecko's, unless Blockchair's was read later
    (the refresh job has been failing while syncs went on). Chains with neither are left out."""
    check_currency(currency)
    async with sessions() as session:
        quoted = (
            await session.scalars(
                select(CoinPrice).where(
                    CoinPrice.currency == currency, CoinPrice.source == PriceSource.COINGECKO
                )
            )
        ).all()
        tips = (
            await session.execute(
                select(ChainTip.chain, ChainTip.market_price_usd, ChainTip.market_price_at)
            )
        ).all()
    # Each chain's price with when we read it: the fresher read wins, CoinGecko on a tie.
    freshest: dict[Chain, tuple[datetime, MarketPrice]] = {}
    for chain, usd, read_at in tips if currency == "USD" else ():
        if usd is not None and read_at is not None:
            blockchair = MarketPrice(currency, Decimal(usd), read_at, PriceSource.BLOCKCHAIR)
            freshest[chain] = (read_at, blockchair)
    for quote in quoted:
        known = freshest.get(quote.chain)
        if known is None or quote.fetched_at >= known[0]:
            coingecko = MarketPrice(currency, quote.price, quote.price_at, PriceSource.COINGECKO)
            freshest[quote.chain] = (quote.fetched_at, coingecko)
    return {chain: price for chain, (_, price) in freshest.items()}


def fiat_value(amount: int, price: MarketPrice, *, decimals: int = 8) -> FiatAmount:
    """`amount` base units at `price`, exact until one final half-even rounding to cents."""
    return FiatAmount(
        currency=price.currency,
        amount=cents_text(exact_value(amount, price, decimals=decimals)),
        price_at=price.at,
    )


def exact_value(amount: int, price: MarketPrice, *, decimals: int) -> Decimal:
    """`amount` base units (10**-decimals of a coin) at `price`, unrounded."""
    with localcontext(prec=120):  # exact for any amount up to 2**256 at any sane price
        return Decimal(amount) * price.per_coin / (Decimal(10) ** decimals)


def cents_text(exact: Decimal) -> str:
    """An exact value rounded once, half-even, to two fraction digits."""
    with localcontext(prec=120):
        return str(exact.quantize(CENT, rounding=ROUND_HALF_EVEN))
