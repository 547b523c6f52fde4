"""CoinGecko's simple-price API (`/simple/price`) over prices the tests set."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

COIN_IDS = ("bitcoin", "litecoin", "dogecoin", "bitcoin-cash", "ethereum", "solana")
# Several decimals on purpose: clients must keep them exactly (parse the raw number text).
DEFAULT_PRICES_USD = {
    "bitcoin": "103978.42",
    "litecoin": "84.1275",
    "dogecoin": "0.16324518",
    "bitcoin-cash": "412.3871",
    "ethereum": "3456.7891",
    "solana": "187.654321",
}
DEFAULT_LAST_UPDATED_AT = 1_761_000_000
API_KEY_HEADERS = ("x-cg-demo-api-key", "x-cg-pro-api-key")
API_KEY_PARAMS = ("x_cg_demo_api_key", "x_cg_pro_api_key")
RATE_LIMITED_MESSAGE = (
    "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing "
    "to subscribe to our API plans for higher rate limits."
)
RETRY_AFTER_SECONDS = 60
# Not recorded: CoinGecko's documented error codes for keys (10002 missing, 10010 invalid).
API_KEY_MISSING = {"status": {"error_code": 10002, "error_message": "API Key Missing"}}
API_KEY_INVALID = {"status": {"error_code": 10010, "error_message": "Invalid API Key"}}


@dataclass(frozen=True, slots=True)
class CoinPrice:
    usd: Decimal
    last_updated_at: int


class PriceBook:
    """The USD price of each coin id; a coin without a price is left out of answers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._prices: dict[str, CoinPrice | None] = {
            coin: CoinPrice(Decimal(usd), DEFAULT_LAST_UPDATED_AT)
            for coin, usd in DEFAULT_PRICES_USD.items()
        }

    def price(self, coin: str) -> CoinPrice | None:
        with self._lock:
            return self._prices.get(coin)

    def set(
        self, coin: str, usd: str | Decimal | None, *, last_updated_at: int | None = None
    ) -> None:
        """A price as decimal text (kept digit for digit), or None for "no price"."""
        if coin not in COIN_IDS:
            raise ValueError(f"unknown coin {coin!r}; known: {', '.join(COIN_IDS)}")
        with self._lock:
            if usd is None:
                self._prices[coin] = None
                return
            try:
                value = Decimal(usd)
            except InvalidOperation as error:
                raise ValueError(f"not a decimal price: {usd!r}") from error
            if not value.is_finite() or value < 0:
                raise ValueError("a price is a finite, non-negative decimal")
            previous = self._prices.get(coin)
            updated = last_updated_at
            if updated is None:
                updated = (previous.last_updated_at if previous else DEFAULT_LAST_UPDATED_AT) + 60
            self._prices[coin] = CoinPrice(value, updated)

    def snapshot(self) -> dict[str, CoinPrice | None]:
        with self._lock:
            return dict(self._prices)


def simple_price_text(book: PriceBook, coins: list[str], *, with_last_updated_at: bool) -> str:
    """The body, written by hand so each price keeps its exact decimal digits."""
    members = []
    for coin in dict.fromkeys(coins):
        price = book.price(coin)
        if price is None:
            continue
        fields = f'"usd":{format(price.usd, "f")}'
        if with_last_updated_at:
            fields += f',"last_updated_at":{price.last_updated_at}'
        members.append(f"{json.dumps(coin)}:{{{fields}}}")
    return "{" + ",".join(members) + "}"


def rate_limited_response() -> Response:
    body = {"status": {"error_code": 429, "error_message": RATE_LIMITED_MESSAGE}}
    return JSONResponse(body, status_code=429, headers={"retry-after": str(RETRY_AFTER_SECONDS)})


class CoinGeckoApi:
    """Mounted under /coingecko/api/v3. Needs the price book and, when set, the API key."""

    def __init__(self, book: PriceBook, required_key: Callable[[], str | None]) -> None:
        self.book = book
        self.required_key = required_key

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/simple/price", self.simple_price),
            Route("/ping", self.ping),
        ]

    def _key_refusal(self, request: Request) -> Response | None:
        required = self.required_key()
        if required is None:
            return None
        sent = [request.headers.get(name) for name in API_KEY_HEADERS]
        sent += [request.query_params.get(name) for name in API_KEY_PARAMS]
        given = [key for key in sent if key]
        if not given:
            return JSONResponse(API_KEY_MISSING, status_code=401)
        if required not in given:
            return JSONResponse(API_KEY_INVALID, status_code=401)
        return None

    async def simple_price(self, request: Request) -> Response:
        refusal = self._key_refusal(request)
        if refusal is not None:
            return refusal
        ids = [coin.strip() for coin in request.query_params.get("ids", "").split(",")]
        currencies = request.query_params.get("vs_currencies", "").lower().split(",")
        if not any(ids) or not any(currencies):
            return JSONResponse({"error": "Missing parameter ids or vs_currencies"}, 400)
        if "usd" not in currencies:
            return Response("{}", media_type="application/json")
        with_time = request.query_params.get("include_last_updated_at") == "true"
        text = simple_price_text(
            self.book, [coin for coin in ids if coin], with_last_updated_at=with_time
        )
        return Response(text, media_type="application/json")

    async def ping(self, request: Request) -> Response:
        return JSONResponse({"gecko_says": "(V3) To the Moon!"})
