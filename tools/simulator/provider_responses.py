"""Refusals of the providers besides Blockchair and Bitcoin's Esplora: what an injected fault
or a broken rate limit answers for Litecoin's Esplora, Solana and CoinGecko."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.types import Message, Receive

from tools.simulator.prices import rate_limited_response
from tools.simulator.provider_errors import ESPLORA_MESSAGES, TOO_MANY_REQUESTS_HTML
from tools.simulator.solana.errors import (
    BLOCKING_MESSAGES,
    RPC_FAULT_MESSAGES,
    blocking_response,
    error_json,
    rpc_fault,
)
from tools.simulator.types import Provider

FAULT_STATUSES: dict[Provider, frozenset[int]] = {
    "litecoin-esplora": frozenset(ESPLORA_MESSAGES),
    "solana": frozenset(BLOCKING_MESSAGES) | {500, 502, 503, 504},
    "coingecko": frozenset({429, 500, 502, 503, 504}),
}
RPC_FAULT_CODES = frozenset(RPC_FAULT_MESSAGES)


@dataclass(frozen=True, slots=True)
class RpcCall:
    """What the gateway needs of a JSON-RPC request: its method (`batch` for an array, `?`
    when unreadable), id and params (for the request log)."""

    method: str
    request_id: Any = None
    params: Any = None


async def read_rpc_call(receive: Receive) -> tuple[Receive, RpcCall]:
    """Read the whole body, and a receive that hands it to the app again."""
    messages: list[Message] = []
    body = bytearray()
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body.extend(message.get("body", b""))
        if not message.get("more_body", False):
            break
    try:
        call = json.loads(bytes(body))
    except ValueError:
        call = None
    if isinstance(call, list):
        rpc_call = RpcCall("batch")
    elif isinstance(call, dict) and isinstance(call.get("method"), str):
        rpc_call = RpcCall(call["method"], call.get("id"), call.get("params"))
    else:
        rpc_call = RpcCall("?")

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay, rpc_call


def over_limit_response(provider: Provider, rpc_call: RpcCall | None) -> Response:
    if provider == "solana":
        return blocking_response(429, None if rpc_call is None else rpc_call.request_id)
    if provider == "coingecko":
        return rate_limited_response()
    return HTMLResponse(TOO_MANY_REQUESTS_HTML, status_code=429)


def error_status_response(provider: Provider, status: int, rpc_call: RpcCall | None) -> Response:
    if provider == "solana" and status in BLOCKING_MESSAGES:
        return blocking_response(status, None if rpc_call is None else rpc_call.request_id)
    if provider == "coingecko" and status == 429:
        return rate_limited_response()
    return PlainTextResponse(ESPLORA_MESSAGES[status], status)


def null_result_response(rpc_call: RpcCall | None) -> Response:
    """`"result": null`, as for a transaction the node does not have."""
    request_id = None if rpc_call is None else rpc_call.request_id
    return JSONResponse({"jsonrpc": "2.0", "result": None, "id": request_id})


def rpc_error_response(code: int, rpc_call: RpcCall | None) -> Response:
    """A JSON-RPC error with HTTP 200, e.g. -32005 node unhealthy."""
    return JSONResponse(
        error_json(rpc_fault(code), None if rpc_call is None else rpc_call.request_id)
    )
