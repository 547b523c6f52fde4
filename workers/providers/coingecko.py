"""CoinGecko's simple-price API: the price of every chain's coin in one call, exact."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from db.models import Chain
from workers.providers.base import (
    ApiKeyRejectedError,
    BlockedError,
    RateLimitedError,
    TransientError,
)
from workers.providers.http import ProviderHttp

NAME = "coingecko"
# CoinGecko's coin id of every chain is its slug ("bitcoin-cash").
COIN_IDS = {chain: chain.slug for chain in Chain}
# Pro keys work on CoinGecko's pro host only and go in their own header; demo keys elsewhere.
PRO_HOST = "pro-api.coingecko.com"


@dataclass(frozen=True)
class Quote:
    chain: Chain
    currency: str
    """Upper case, e.g. "USD"."""
    price: Decimal
    """Of one coin, exactly as CoinGecko wrote it."""
    price_at: datetime | None
    """When CoinGecko last updated it, when it says."""


class CoinGeckoClient:
    def __init__(self, http: ProviderHttp, *, api_key: str | None) -> None:
        self.http = http
        self.api_key = api_key

    def _headers(self) -> dict[str, str]:
        if not self.api_key:
            return {}
        plan = "pro" if self.http.client.base_url.host == PRO_HOST else "demo"
        return {f"x-cg-{plan}-api-key": self.api_key}

    async def prices(self, currency: str) -> list[Quote]:
        """Every chain's coin CoinGecko has a price for; a coin it leaves out is not listed."""
        params = {
            "ids": ",".join(COIN_IDS.values()),
            "vs_currencies": currency.lower(),
            "include_last_updated_at": "true",
        }

        async def request(client: httpx.AsyncClient) -> dict[str, Any]:
            response = await client.get("/simple/price", params=params, headers=self._headers())
            return _body(response, has_key=bool(self.api_key))

        body = await self.http.call(request, what="simple price")
        try:
            return _quotes(body, currency)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise TransientError(NAME, f"simple price: malformed answer: {error!r}") from error


def _body(response: httpx.Response, *, has_key: bool) -> dict[str, Any]:
    status = response.status_code
    if status == 429:
        raise RateLimitedError(NAME, "HTTP 429: over CoinGecko's rate limit")
    try:
        # Prices are JSON numbers with many decimals: read them as Decimal, never as float.
        body = json.loads(response.text, parse_float=Decimal)
    except ValueError:
        raise TransientError(NAME, f"HTTP {status} with a body that is not JSON") from None
    if status == 200 and isinstance(body, dict):
        return body
    message = _error_message(body)
    detail = f"HTTP {status}" + (f": {message}" if message else "")
    if status in (401, 403):
        if has_key:
            raise ApiKeyRejectedError(NAME, f"CoinGecko refused the API key ({detail})")
        raise BlockedError(NAME, f"{detail}; set COINGECKO_API_KEY")
    raise TransientError(NAME, detail)


def _error_message(body: object) -> str | None:
    if not isinstance(body, dict):
        return None
    status = body.get("status")
    if isinstance(status, dict) and status.get("error_message"):
        return str(status["error_message"])
    return str(body["error"]) if body.get("error") else None


def _quotes(body: dict[str, Any], currency: str) -> list[Quote]:
    field = currency.lower()
    quotes = []
    for chain, coin in COIN_IDS.items():
        entry = body.get(coin)
        if not isinstance(entry, dict) or entry.get(field) is None:
            continue
        quotes.append(
            Quote(
                chain=chain,
                currency=currency,
                price=_exact_price(entry[field]),
                price_at=_time(entry.get("last_updated_at")),
            )
        )
    return quotes


def _exact_price(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"price {value!r} is not a number")
    price = Decimal(value)
    if not price.is_finite() or price < 0:
        raise ValueError(f"price {value!r} is not a finite, non-negative number")
    return price


def _time(value: object) -> datetime | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return datetime.fromtimestamp(int(value), UTC)
