"""Esplora's HTTP API (as served by mempool.space or Blockstream), mounted under /esplora."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from tools.simulator.addresses import InvalidAddress, normalize_address
from tools.simulator.chain import Chain
from tools.simulator.esplora_json import address_json, status_json, transaction_json, utxo_json
from tools.simulator.ledger import DROPPED
from tools.simulator.networks import BITCOIN, Network
from tools.simulator.provider_errors import (
    BLOCK_NOT_FOUND,
    INVALID_HEX_STRING,
    INVALID_NUMBER,
    TRANSACTION_NOT_FOUND,
)
from tools.simulator.state import Simulator
from tools.simulator.summary import summarize

CHAIN_TXS_PER_PAGE = 25
MAX_MEMPOOL_TXS = 50
TXID_PATTERN = re.compile(r"^[0-9a-fA-F]{64}$")


def _text(message: str, status_code: int = 200) -> Response:
    return PlainTextResponse(message, status_code=status_code)


def chain_page(chain: Chain, address: str, last_seen_txid: str | None) -> list[int]:
    """The next confirmed transactions after `last_seen_txid` (newest first); none after an
    unknown txid, the newest ones without one."""
    confirmed = chain.history(address).confirmed
    end = len(confirmed)
    if last_seen_txid is not None:
        number = chain.ledger.find(last_seen_txid)
        if number is None or chain.ledger.height(number) < 0:
            return []
        ledger = chain.ledger
        position = bisect_left(
            confirmed,
            (ledger.height(number), number),
            key=lambda candidate: (ledger.height(candidate), candidate),
        )
        if position == len(confirmed) or confirmed[position] != number:
            return []
        end = position
    return list(reversed(confirmed[max(0, end - CHAIN_TXS_PER_PAGE) : end]))


class EsploraApi:
    def __init__(self, simulator: Simulator, network: Network = BITCOIN) -> None:
        self.simulator = simulator
        self.network = network

    @property
    def chain(self) -> Chain:
        """Hold the simulator's lock while using it."""
        return self.simulator.chain_for(self.network)

    def routes(self) -> list[BaseRoute]:
        _with_address = self._with_address
        return [
            Route("/address/{address}", _with_address(self.address)),
            Route("/address/{address}/txs", _with_address(self.address_txs)),
            Route("/address/{address}/txs/chain", _with_address(self.address_txs_chain)),
            Route(
                "/address/{address}/txs/chain/{last_seen_txid}",
                _with_address(self.address_txs_chain),
            ),
            Route("/address/{address}/txs/mempool", _with_address(self.address_txs_mempool)),
            Route("/address/{address}/utxo", _with_address(self.address_utxo)),
            Route("/tx/{txid}", self.transaction),
            Route("/tx/{txid}/status", self.transaction_status),
            Route("/blocks/tip/height", self.tip_height),
            Route("/blocks/tip/hash", self.tip_hash),
            Route("/block-height/{height}", self.block_hash_at),
            Route("/{rest:path}", self.unknown_endpoint),
        ]

    def _transactions(self, numbers: list[int]) -> list[dict[str, Any]]:
        return [transaction_json(self.chain, number) for number in numbers]

    async def address(self, request: Request, address: str) -> Response:
        with self.simulator.lock:
            summary = summarize(self.chain, address)
        return JSONResponse(address_json(request.path_params["address"], summary))

    async def address_txs(self, request: Request, address: str) -> Response:
        """Up to 50 mempool transactions, then the newest 25 confirmed ones."""
        with self.simulator.lock:
            chain = self.chain
            mempool = list(reversed(chain.history(address).mempool))[:MAX_MEMPOOL_TXS]
            body = self._transactions(mempool + chain_page(chain, address, None))
        return JSONResponse(body)

    async def address_txs_chain(self, request: Request, address: str) -> Response:
        last_seen = request.path_params.get("last_seen_txid")
        # Esplora ignores a last_seen_txid that is not a txid at all.
        if last_seen is not None and not TXID_PATTERN.match(last_seen):
            last_seen = None
        with self.simulator.lock:
            chain = self.chain
            body = self._transactions(chain_page(chain, address, last_seen))
        return JSONResponse(body)

    async def address_txs_mempool(self, request: Request, address: str) -> Response:
        with self.simulator.lock:
            mempool = self.chain.history(address).mempool
            body = self._transactions(list(reversed(mempool))[:MAX_MEMPOOL_TXS])
        return JSONResponse(body)

    async def address_utxo(self, request: Request, address: str) -> Response:
        with self.simulator.lock:
            chain = self.chain
            body = [utxo_json(chain, utxo) for utxo in summarize(chain, address).utxos]
        return JSONResponse(body)

    def _find(self, txid: str) -> int | Response:
        if not TXID_PATTERN.match(txid):
            return _text(INVALID_HEX_STRING, 400)
        number = self.chain.ledger.find(txid.lower())
        if number is None or self.chain.ledger.height(number) == DROPPED:
            return _text(TRANSACTION_NOT_FOUND, 404)
        return number

    async def transaction(self, request: Request) -> Response:
        with self.simulator.lock:
            found = self._find(request.path_params["txid"])
            if isinstance(found, Response):
                return found
            body = transaction_json(self.chain, found)
        return JSONResponse(body)

    async def transaction_status(self, request: Request) -> Response:
        with self.simulator.lock:
            found = self._find(request.path_params["txid"])
            if isinstance(found, Response):
                if found.status_code == 404:
                    return JSONResponse({"confirmed": False})
                return found
            body = status_json(self.chain, found)
        return JSONResponse(body)

    async def tip_height(self, request: Request) -> Response:
        with self.simulator.lock:
            return _text(str(self.chain.tip_height))

    async def tip_hash(self, request: Request) -> Response:
        with self.simulator.lock:
            chain = self.chain
            return _text(chain.block_hash(chain.tip_height))

    async def block_hash_at(self, request: Request) -> Response:
        text: str = request.path_params["height"]
        if not text.isdigit():
            return _text(INVALID_NUMBER, 400)
        with self.simulator.lock:
            chain = self.chain
            if int(text) > chain.tip_height:
                return _text(BLOCK_NOT_FOUND, 404)
            return _text(chain.block_hash(int(text)))

    async def unknown_endpoint(self, request: Request) -> Response:
        return _text("Not Found", 404)

    def _with_address(self, handler: AddressHandler) -> Callable[[Request], Awaitable[Response]]:
        """Validates the path's address once for every address endpoint (400 as Esplora does)."""
        invalid = f"Invalid {self.network.display_name} address"

        async def endpoint(request: Request) -> Response:
            try:
                address = normalize_address(request.path_params["address"], self.network)
            except InvalidAddress:
                return _text(invalid, 400)
            return await handler(request, address)

        return endpoint


AddressHandler = Callable[[Request, str], Awaitable[Response]]
