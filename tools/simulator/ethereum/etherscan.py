"""Etherscan's V2 API: `account` actions `txlist`, `txlistinternal`, `balance`,
`txsBeaconWithdrawal`; errors as HTTP 200 with `status "0"`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from tools.simulator.ethereum import errors, rows
from tools.simulator.ethereum.paths import ETHERSCAN_V1_PATH, ETHERSCAN_V2_PATH
from tools.simulator.ethereum.query import (
    HASH_PATTERN,
    Paging,
    QueryError,
    page_of,
    parse_address,
    parse_block_time,
    parse_paging,
)
from tools.simulator.ethereum.rendered_rows import listing_body
from tools.simulator.ethereum.state import EthereumState
from tools.simulator.json_response import FastJSONResponse
from tools.simulator.state import Simulator

CHAIN_ID = "1"
Body = dict[str, Any]


class RenderedListing(Response):
    """A listing of rows serialised already (`rendered_rows`): the bytes `FastJSONResponse`
    would send for them."""

    media_type = "application/json"


def envelope(status: str, message: str, result: Any) -> Body:
    return {"status": status, "message": message, "result": result}


def notok(result: str) -> Body:
    return envelope("0", errors.NOTOK, result)


def listing(found: list[Any] | None, state: EthereumState) -> Body:
    if found is None:
        message = errors.RESULT_WINDOW_TOO_LARGE.format(window=state.result_window)
        return envelope("0", message, None)
    if not found:
        return envelope("0", errors.NO_TRANSACTIONS, [])
    return envelope("1", errors.OK, found)


class EtherscanApi:
    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    def routes(self) -> list[BaseRoute]:
        return [
            Route(ETHERSCAN_V2_PATH, self.api),
            Route(ETHERSCAN_V1_PATH, self.retired_v1),
        ]

    async def retired_v1(self, request: Request) -> Response:
        return FastJSONResponse(notok(errors.V1_DEPRECATED))

    async def api(self, request: Request) -> Response:
        params = request.query_params
        if params.get("chainid") != CHAIN_ID:
            return FastJSONResponse(notok(errors.MISSING_CHAINID))
        actions: dict[tuple[str, str], Callable[[QueryParams], Body | RenderedListing]] = {
            ("account", "txlist"): self.txlist,
            ("account", "txlistinternal"): self.txlistinternal,
            ("account", "balance"): self.balance,
            ("account", "txsBeaconWithdrawal"): self.withdrawals,
            ("block", "getblocknobytime"): self.block_by_time,
        }
        action = actions.get((params.get("module", ""), params.get("action", "")))
        if action is None:
            return FastJSONResponse(notok(errors.INVALID_ACTION))
        try:
            with self.simulator.lock:
                if action in (self.txlist, self.txlistinternal):
                    return self._listing_answer(action, params)
                answer = action(params)
            return answer if isinstance(answer, Response) else FastJSONResponse(answer)
        except QueryError as error:
            return FastJSONResponse(notok(str(error)))

    def _listing_answer(
        self, action: Callable[[QueryParams], Body | RenderedListing], params: QueryParams
    ) -> Response:
        """`action`'s answer, the one given to the same query before while nothing changed
        (`ListingAnswers`). Called holding the lock."""
        state = self._state
        query = tuple(sorted((k, v) for k, v in params.multi_items() if k != "apikey"))
        answers = state.listing_answers
        body = answers.get(self._listing_state(), query)
        if body is not None:
            return RenderedListing(body)
        answer = action(params)
        if isinstance(answer, RenderedListing):
            # After the action: a history generated on first use changed the chain.
            answers.put(self._listing_state(), query, bytes(answer.body))
            return answer
        return FastJSONResponse(answer)

    def _listing_state(self) -> tuple[int, int, int, int | None]:
        """What a listing's answer depends on besides its query."""
        state = self._state
        chain = state.chain
        return (chain.version, chain.tip_height, state.result_window, state.etherscan_max_records)

    @property
    def _state(self) -> EthereumState:
        return self.simulator.ethereum

    def _address_and_paging(self, params: QueryParams) -> tuple[str, Paging]:
        address = parse_address(params.get("address"))
        if address is None:
            raise QueryError(errors.INVALID_ADDRESS)
        return address, parse_paging(params, default_sort="asc")

    def _page(self, found: list[Any], paging: Paging) -> list[Any] | None:
        state = self._state
        return page_of(
            found, paging, window=state.result_window, max_records=state.etherscan_max_records
        )

    def txlist(self, params: QueryParams) -> Body | RenderedListing:
        address, paging = self._address_and_paging(params)
        chain = self._state.chain
        # Hashes, and (an int) the genesis allocation ahead of them.
        found: list[str | int] = []
        genesis = chain.genesis_allocation(address)
        if genesis is not None and paging.start_block == 0:
            found.append(genesis)
        found += chain.normal_hashes(address, paging.start_block, paging.end_block)
        page = self._page(found, paging)
        if not page:
            return listing(page, self._state)
        rendered = self._state.rendered_rows
        return _rendered_listing(
            [
                orjson.dumps(rows.genesis_row(chain, address, item))
                if isinstance(item, int)
                else rendered.transaction(chain, chain.indexed_transaction(item))
                for item in page
            ]
        )

    def txlistinternal(self, params: QueryParams) -> Body | RenderedListing:
        chain = self._state.chain
        transaction_hash = params.get("txhash")
        if transaction_hash is not None and "address" not in params:
            if not HASH_PATTERN.match(transaction_hash):
                raise QueryError("Error! Invalid txhash format")
            tx = chain.transaction(transaction_hash.lower())
            keys = [] if tx is None else [(tx.hash, ordinal) for ordinal in range(len(tx.internal))]
            paging = parse_paging(params, default_sort="asc")
        else:
            address, paging = self._address_and_paging(params)
            keys = chain.internal_keys(address, paging.start_block, paging.end_block)
        page = self._page(keys, paging)
        if not page:
            return listing(page, self._state)
        rendered = self._state.rendered_rows
        return _rendered_listing(
            [
                rendered.internal(chain, chain.indexed_transaction(hash_), ordinal)
                for hash_, ordinal in page
            ]
        )

    def balance(self, params: QueryParams) -> Body:
        address = parse_address(params.get("address"))
        if address is None:
            raise QueryError(errors.INVALID_ADDRESS)
        return envelope("1", errors.OK, str(self._state.chain.balance(address)))

    def block_by_time(self, params: QueryParams) -> Body:
        """The block number as a string (Blockscout wraps it in an object)."""
        timestamp, closest = parse_block_time(params)
        height = self._state.chain.block_at_time(timestamp, closest)
        if height is None:
            return notok(errors.NO_CLOSEST_BLOCK)
        return envelope("1", errors.OK, str(height))

    def withdrawals(self, params: QueryParams) -> Body:
        address, paging = self._address_and_paging(params)
        chain = self._state.chain
        found = chain.withdrawals(address, paging.start_block, paging.end_block)
        page = self._page(found, paging)
        rendered = None if page is None else [rows.withdrawal_row(chain, w) for w in page]
        return listing(rendered, self._state)


def _rendered_listing(rendered: list[bytes]) -> RenderedListing:
    """`listing` of a non-empty page, from its rows serialised already."""
    return RenderedListing(listing_body("1", errors.OK, rendered))
