"""Solana's JSON-RPC over POST /solana: signatures, transactions, balances, slots, health."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from tools.simulator.paths import SOLANA_PATH
from tools.simulator.solana.cluster import LEGACY, Cluster, Entry
from tools.simulator.solana.errors import (
    COMMITMENT_TOO_LOW,
    INVALID_LIMIT,
    INVALID_PARAM,
    INVALID_SIGNATURE,
    METHOD_NOT_FOUND,
    UNSUPPORTED_VERSION,
    RpcError,
    error_json,
)
from tools.simulator.solana.keys import SIGNATURE_BYTES, InvalidKey, check_address, decode
from tools.simulator.solana.transaction_json import API_VERSION, signature_json, transaction_json
from tools.simulator.state import Simulator

MAX_SIGNATURES = 1_000
MAX_ACCOUNTS = 100
MAX_U64 = 18_446_744_073_709_551_615
GENESIS_BLOCK = {
    "blockHeight": 0,
    "blockTime": 1_584_368_940,
    "blockhash": "4sGjMW1sUnHzSxGspuhpqLDx6wiyjNtZAMdL4VZHirAn",
    "parentSlot": 0,
    "previousBlockhash": "4sGjMW1sUnHzSxGspuhpqLDx6wiyjNtZAMdL4VZHirAn",
    "rewards": [],
    "transactions": [],
}

Handler = Callable[[Cluster, list[Any]], Any]


def _config(params: list[Any], position: int) -> dict[str, Any]:
    config = params[position] if len(params) > position else None
    if config is None:
        return {}
    if isinstance(config, str):
        # The old positional form of getTransaction: an encoding name.
        return {"encoding": config}
    if not isinstance(config, dict):
        raise RpcError(-32602, "Invalid params: expected a configuration object")
    if config.get("commitment") == "processed":
        raise RpcError(-32602, COMMITMENT_TOO_LOW)
    return config


def _address(params: list[Any]) -> str:
    if not params or not isinstance(params[0], str):
        raise RpcError(-32602, "Invalid params: missing address")
    try:
        return check_address(params[0])
    except InvalidKey as error:
        raise RpcError(-32602, INVALID_PARAM) from error


def _signature(text: Any) -> bytes:
    if not isinstance(text, str):
        raise RpcError(-32602, INVALID_SIGNATURE)
    try:
        return decode(text, SIGNATURE_BYTES)
    except InvalidKey as error:
        raise RpcError(-32602, INVALID_SIGNATURE) from error


def _context(cluster: Cluster) -> dict[str, Any]:
    return {"apiVersion": API_VERSION, "slot": cluster.tip_slot}


def get_signatures_for_address(cluster: Cluster, params: list[Any]) -> list[dict[str, Any]]:
    """Newest first; `before` and `until` are both exclusive; failed transactions included."""
    address = _address(params)
    config = _config(params, 1)
    limit = config.get("limit", MAX_SIGNATURES)
    if limit is None:
        limit = MAX_SIGNATURES
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_SIGNATURES:
        raise RpcError(-32602, INVALID_LIMIT)
    before: Entry | None = None
    until: Entry | None = None
    if config.get("before") is not None:
        before = cluster.find(_signature(config["before"]))
        if before is None:
            return []
    if config.get("until") is not None:
        until = cluster.find(_signature(config["until"]))
    page = []
    for entry in cluster.newest_first(address, before=before, until=until):
        page.append(signature_json(entry))
        if len(page) == limit:
            break
    return page


def get_transaction(cluster: Cluster, params: list[Any]) -> dict[str, Any] | None:
    signature = _signature(params[0] if params else None)
    config = _config(params, 1)
    encoding = config.get("encoding", "json")
    if encoding != "json":
        raise RpcError(
            -32602, f"Invalid params: the simulator serves encoding json, not {encoding}"
        )
    entry = cluster.find(signature)
    if entry is None:
        return None
    supported = config.get("maxSupportedTransactionVersion")
    if supported is not None and (isinstance(supported, bool) or not isinstance(supported, int)):
        raise RpcError(-32602, "Invalid params: maxSupportedTransactionVersion is a number")
    if entry.version != LEGACY and (supported is None or supported < entry.version):
        raise RpcError(-32015, UNSUPPORTED_VERSION)
    return transaction_json(entry)


def get_balance(cluster: Cluster, params: list[Any]) -> dict[str, Any]:
    address = _address(params)
    _config(params, 1)
    return {"context": _context(cluster), "value": cluster.balance(address)}


def get_multiple_accounts(cluster: Cluster, params: list[Any]) -> dict[str, Any]:
    addresses = params[0] if params else None
    if not isinstance(addresses, list) or len(addresses) > MAX_ACCOUNTS:
        raise RpcError(-32602, f"Invalid params: up to {MAX_ACCOUNTS} addresses")
    _config(params, 1)
    value: list[dict[str, Any] | None] = []
    for text in addresses:
        address = _address([text])
        balance = cluster.balance(address)
        value.append(
            None
            if balance == 0
            else {
                "data": ["", "base64"],
                "executable": False,
                "lamports": balance,
                "owner": "11111111111111111111111111111111",
                "rentEpoch": MAX_U64,
                "space": 0,
            }
        )
    return {"context": _context(cluster), "value": value}


def get_block(cluster: Cluster, params: list[Any]) -> dict[str, Any]:
    """Only the genesis block, which clients ask for to see whether the node keeps history."""
    if params and params[0] == 0:
        return GENESIS_BLOCK
    slot = params[0] if params else None
    raise RpcError(-32004, f"Block not available for slot {slot}")


METHODS: dict[str, Handler] = {
    "getSignaturesForAddress": get_signatures_for_address,
    "getTransaction": get_transaction,
    "getBalance": get_balance,
    "getMultipleAccounts": get_multiple_accounts,
    "getSlot": lambda cluster, params: cluster.tip_slot,
    "getBlockHeight": lambda cluster, params: cluster.block_height,
    "getHealth": lambda cluster, params: "ok",
    "getFirstAvailableBlock": lambda cluster, params: 0,
    "getBlock": get_block,
}


class SolanaRpc:
    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    def routes(self) -> list[BaseRoute]:
        return [Route(SOLANA_PATH, self.endpoint, methods=["POST"])]

    async def endpoint(self, request: Request) -> Response:
        try:
            call = json.loads(await request.body())
        except ValueError:
            return JSONResponse(error_json(RpcError(-32700, "Parse error"), None))
        if isinstance(call, list):
            return JSONResponse([self.answer(item) for item in call])
        return JSONResponse(self.answer(call))

    def answer(self, call: Any) -> dict[str, Any]:
        if not isinstance(call, dict):
            return error_json(RpcError(-32600, "Invalid request"), None)
        request_id = call.get("id")
        method = call.get("method")
        params = call.get("params", [])
        handler = METHODS.get(method) if isinstance(method, str) else None
        try:
            if handler is None:
                raise RpcError(-32601, METHOD_NOT_FOUND)
            if not isinstance(params, list):
                raise RpcError(-32602, "Invalid params: expected an array")
            with self.simulator.lock:
                result = handler(self.simulator.solana, params)
        except RpcError as error:
            return error_json(error, request_id)
        return {"jsonrpc": "2.0", "result": result, "id": request_id}
