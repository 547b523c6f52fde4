"""Blockchair's HTTP API: address and addresses dashboards and chain stats."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from tools.simulator import blockchair_json
from tools.simulator.addresses import InvalidAddress, normalize_address
from tools.simulator.blockchair_json import Paging
from tools.simulator.chain import Chain
from tools.simulator.gateway import blockchair_error
from tools.simulator.networks import BITCOIN, Network
from tools.simulator.provider_errors import INVALID_ADDRESS
from tools.simulator.state import Simulator

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
MAX_OFFSET = 1_000_000
MAX_ADDRESSES = 100

# The normalized addresses of a dashboard call and its paging.
Query = tuple[list[str], Paging]


class QueryError(ValueError):
    """A query parameter Blockchair would refuse with 400."""


def parse_pair(text: str | None, *, name: str, default: int, maximum: int) -> tuple[int, int]:
    """`?limit=L` or `?limit=T,U` (transactions, UTXOs); a single value applies to both."""
    if text is None or text == "":
        return default, default
    parts = text.split(",")
    if len(parts) > 2 or not all(part.strip().isdigit() for part in parts):
        raise QueryError(f"Invalid {name}")
    values = [int(part) for part in parts]
    if any(value > maximum for value in values):
        raise QueryError(f"Maximum {name} is {maximum}")
    return (values[0], values[-1])


class BlockchairApi:
    def __init__(self, simulator: Simulator, network: Network = BITCOIN) -> None:
        self.simulator = simulator
        self.network = network

    def routes(self) -> list[BaseRoute]:
        prefix = f"/{self.network.name}"
        return [
            Route(prefix + "/dashboards/address/{address}", self.address_dashboard),
            Route(prefix + "/dashboards/addresses/{addresses}", self.addresses_dashboard),
            Route(prefix + "/stats", self.stats),
            Route(prefix + "/{rest:path}", self.unknown_endpoint),
        ]

    def _chain_and_price(self) -> tuple[Chain, float]:
        """Hold the simulator's lock while calling this and using the chain."""
        chain = self.simulator.chain_for(self.network)
        return chain, self.simulator.blockchair_price_usd(self.network)

    def _query(self, request: Request, requested: list[str]) -> Query | Response:
        """The requested addresses normalized, each once, and the paging; or Blockchair's 400."""
        try:
            addresses = list(
                dict.fromkeys(normalize_address(text, self.network) for text in requested)
            )
            paging = self._paging(request)
        except InvalidAddress:
            return blockchair_error(self.simulator, 400, INVALID_ADDRESS, self.network)
        except QueryError as error:
            return blockchair_error(self.simulator, 400, str(error), self.network)
        return addresses, paging

    def _paging(self, request: Request) -> Paging:
        limits = parse_pair(
            request.query_params.get("limit"),
            name="limit",
            default=DEFAULT_LIMIT,
            maximum=MAX_LIMIT,
        )
        offsets = parse_pair(
            request.query_params.get("offset"), name="offset", default=0, maximum=MAX_OFFSET
        )
        return Paging(limits, offsets)

    async def address_dashboard(self, request: Request) -> Response:
        requested: str = request.path_params["address"]
        query = self._query(request, [requested])
        if isinstance(query, Response):
            return query
        [address], paging = query
        details = request.query_params.get("transaction_details") == "true"
        with self.simulator.lock:
            chain, price_usd = self._chain_and_price()
            body = blockchair_json.address_dashboard(
                chain,
                price_usd,
                address,
                paging,
                transaction_details=details,
            )
        if requested != address:
            body["data"] = {requested: body["data"][address]}
        return JSONResponse(body)

    async def addresses_dashboard(self, request: Request) -> Response:
        requested = [part for part in request.path_params["addresses"].split(",") if part]
        if len(requested) > MAX_ADDRESSES:
            return blockchair_error(
                self.simulator,
                400,
                f"Too many addresses, the maximum is {MAX_ADDRESSES}",
                self.network,
            )
        query = self._query(request, requested)
        if isinstance(query, Response):
            return query
        addresses, paging = query
        details = request.query_params.get("transaction_details") == "true"
        with self.simulator.lock:
            chain, price_usd = self._chain_and_price()
            body = blockchair_json.addresses_dashboard(
                chain, price_usd, addresses, paging, transaction_details=details
            )
        if self.network.keys_dashboards_by_request:
            _key_by_request(body, requested, self.network)
        return JSONResponse(body)

    async def stats(self, request: Request) -> Response:
        with self.simulator.lock:
            body = blockchair_json.stats(*self._chain_and_price())
        return JSONResponse(body)

    async def unknown_endpoint(self, request: Request) -> Response:
        return blockchair_error(self.simulator, 404, network=self.network)


def _key_by_request(body: dict[str, Any], requested: list[str], network: Network) -> None:
    """Rename canonical addresses to the spelling first sent for them, as Blockchair's
    Bitcoin Cash answers do."""
    spelled: dict[str, str] = {}
    for text in requested:
        spelled.setdefault(normalize_address(text, network), text)
    data = body["data"]
    data["addresses"] = {
        spelled.get(address, address): entry for address, entry in data["addresses"].items()
    }
    for utxo in data["utxo"]:
        utxo["address"] = spelled.get(utxo["address"], utxo["address"])
