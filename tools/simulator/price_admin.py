"""The CoinGecko prices and key, changed from tests (Python) or over HTTP (/_admin/prices)."""

from __future__ import annotations

from decimal import Decimal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tools.simulator.admin_http import (
    AdminRoutes,
    BadRequest,
    field,
    ok,
    read_body,
    route,
    set_api_key,
)
from tools.simulator.prices import CoinPrice
from tools.simulator.state import Simulator

PRICES_ADMIN_PREFIX = "/_admin/prices"


class PriceAdmin:
    def __init__(self, simulator: Simulator) -> None:
        self._simulator = simulator

    def set_price(
        self, coin: str, usd: str | Decimal | None, *, last_updated_at: int | None = None
    ) -> None:
        """A CoinGecko id's USD price as decimal text (None: CoinGecko leaves the coin out).
        Litecoin, Dogecoin and Bitcoin Cash dashboards use it as `market_price_usd` too."""
        self._simulator.prices.set(coin, usd, last_updated_at=last_updated_at)

    def prices(self) -> dict[str, CoinPrice | None]:
        return self._simulator.prices.snapshot()

    def require_api_key(self, key: str | None) -> None:
        """With a key, /simple/price answers 401 unless a key header or parameter carries it."""
        with self._simulator.lock:
            self._simulator.coingecko_api_key = key

    def required_api_key(self) -> str | None:
        with self._simulator.lock:
            return self._simulator.coingecko_api_key


class PriceAdminApi(AdminRoutes):
    prefix = PRICES_ADMIN_PREFIX

    def __init__(self, admin: PriceAdmin) -> None:
        self.admin = admin

    @route("GET", "")
    async def prices(self, request: Request) -> Response:
        return JSONResponse(
            {
                coin: None
                if price is None
                else {"usd": format(price.usd, "f"), "last_updated_at": price.last_updated_at}
                for coin, price in self.admin.prices().items()
            }
        )

    @route("POST", "")
    async def set_price(self, request: Request) -> Response:
        """{"coin": "litecoin", "usd": "84.1275" (text keeps every digit) or null,
        "last_updated_at": optional int}"""
        body = await read_body(request)
        coin = field(body, "coin", str, required=True)
        usd = body.get("usd")
        if usd is not None and (isinstance(usd, bool) or not isinstance(usd, str | int | float)):
            raise BadRequest("usd must be decimal text, a number or null")
        self.admin.set_price(
            coin,
            None if usd is None else Decimal(str(usd)),
            last_updated_at=field(body, "last_updated_at", int),
        )
        return ok()

    @route("POST", "/api-key")
    async def api_key(self, request: Request) -> Response:
        return await set_api_key(request, self.admin.require_api_key)
