"""Blockscout's Etherscan-compatible API (keyless): sorted keys, `desc` by default, `status "2"`
while internal transactions are being indexed, and no `txsBeaconWithdrawal`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from tools.simulator.ethereum import errors, rows
from tools.simulator.ethereum.paths import BLOCKSCOUT_PATH
from tools.simulator.ethereum.query import (
    HASH_PATTERN,
    QueryError,
    page_of,
    parse_address,
    parse_block_time,
    parse_paging,
)
from tools.simulator.ethereum.state import EthereumState
from tools.simulator.json_response import FastJSONResponse
from tools.simulator.state import Simulator

Body = dict[str, Any]


def envelope(status: str, message: str, result: Any) -> Body:
    """Blockscout sorts the keys of everything it sends."""
    return {"message": message, "result": result, "status": status}


def listing(found: list[Any] | None, state: EthereumState, empty_message: str) -> Body:
    if found is None:
        message = errors.RESULT_WINDOW_TOO_LARGE.format(window=state.result_window)
        return envelope("0", message, None)
    if not found:
        return envelope("0", empty_message, [])
    return envelope("1", errors.OK, found)


class BlockscoutApi:
    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    def routes(self) -> list[BaseRoute]:
        return [Route(BLOCKSCOUT_PATH, self.api)]

    @property
    def _state(self) -> EthereumState:
        return self.simulator.ethereum

    async def api(self, request: Request) -> Response:
        params = request.query_params
        actions: dict[tuple[str, str], Callable[[QueryParams], Body]] = {
            ("account", "txlist"): self.txlist,
            ("account", "txlistinternal"): self.txlistinternal,
            ("account", "balance"): self.balance,
            ("block", "getblocknobytime"): self.block_by_time,
        }
        action = actions.get((params.get("module", ""), params.get("action", "")))
        if action is None:
            unknown = envelope("0", errors.BLOCKSCOUT_UNKNOWN_ACTION, None)
            return FastJSONResponse(unknown, status_code=400)
        try:
            with self.simulator.lock:
                return FastJSONResponse(action(params))
        except QueryError as error:
            return FastJSONResponse(envelope("0", str(error), None))

    def _address(self, params: QueryParams) -> str:
        if not params.get("address"):
            raise QueryError(errors.BLOCKSCOUT_MISSING_ADDRESS)
        address = parse_address(params.get("address"))
        if address is None:
            raise QueryError(errors.BLOCKSCOUT_INVALID_ADDRESS)
        return address

    def txlist(self, params: QueryParams) -> Body:
        address = self._address(params)
        paging = parse_paging(params, default_sort="desc")
        chain = self._state.chain
        found = chain.normal_hashes(address, paging.start_block, paging.end_block)
        page = page_of(found, paging, window=self._state.result_window)
        transaction = chain.indexed_transaction
        rendered = (
            None
            if page is None
            else [rows.blockscout_transaction(chain, transaction(hash_)) for hash_ in page]
        )
        return listing(rendered, self._state, errors.NO_TRANSACTIONS)

    def txlistinternal(self, params: QueryParams) -> Body:
        state = self._state
        chain = state.chain
        paging = parse_paging(params, default_sort="desc")
        transaction_hash = params.get("txhash")
        if transaction_hash is not None and "address" not in params:
            if not HASH_PATTERN.match(transaction_hash):
                raise QueryError("Invalid transaction hash format")
            tx = chain.transaction(transaction_hash.lower())
            if tx is not None and tx.block_number in state.blockscout_unprocessed:
                return envelope("2", errors.BLOCKSCOUT_TRANSACTION_NOT_PROCESSED, [])
            keys = [] if tx is None else [(tx.hash, ordinal) for ordinal in range(len(tx.internal))]
            unprocessed = False
        else:
            address = self._address(params)
            keys = chain.internal_keys(address, paging.start_block, paging.end_block)
            unprocessed = any(
                paging.start_block <= height <= paging.end_block
                for height in state.blockscout_unprocessed
            )
            if unprocessed:
                waiting = state.blockscout_unprocessed
                keys = [
                    key
                    for key in keys
                    if chain.indexed_transaction(key[0]).block_number not in waiting
                ]
        page = page_of(keys, paging, window=state.result_window)
        rendered = (
            None
            if page is None
            else [rows.blockscout_internal(chain, *chain.internal_call(key)) for key in page]
        )
        if unprocessed and rendered is not None:
            return envelope("2", errors.BLOCKSCOUT_RANGE_NOT_PROCESSED, rendered)
        return listing(rendered, state, errors.NO_INTERNAL_TRANSACTIONS)

    def balance(self, params: QueryParams) -> Body:
        address = self._address(params)
        return envelope("1", errors.OK, str(self._state.chain.balance(address)))

    def block_by_time(self, params: QueryParams) -> Body:
        """`{"blockNumber": "…"}`, where Etherscan answers the bare string."""
        timestamp, closest = parse_block_time(params)
        height = self._state.chain.block_at_time(timestamp, closest)
        if height is None:
            return envelope("0", errors.BLOCKSCOUT_BLOCK_NOT_FOUND, None)
        return envelope("1", errors.OK, {"blockNumber": str(height)})
