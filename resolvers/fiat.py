"""Fiat values of satoshi amounts, from the market price the provider quoted at the last sync."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from sqlalchemy import select

from db.models import Chain, ChainTip
from db.session import SessionFactory
from resolvers.errors import BadRequestError

SUPPORTED_CURRENCIES = ("USD",)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MarketPrice:
    currency: str
    per_coin: Decimal
    at: datetime


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
    """The last price a sync stored for the chain, or None when none is known."""
    check_currency(currency)
    async with sessions() as session:
        row = (
            await session.execute(
                select(ChainTip.market_price_usd, ChainTip.market_price_at).where(
                    ChainTip.chain == chain
                )
            )
        ).one_or_none()
    if row is None or row.market_price_usd is None or row.market_price_at is None:
        return None
    return MarketPrice(
        currency=currency, per_coin=Decimal(row.market_price_usd), at=row.market_price_at
    )


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
