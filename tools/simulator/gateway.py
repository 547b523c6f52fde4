"""In front of every provider API: counts calls, then applies faults, rate limits and keys."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from typing import Any
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tools.simulator.blockchair_json import error_body
from tools.simulator.ethereum import gateway_rules
from tools.simulator.faults import Fault
from tools.simulator.networks import BITCOIN, Network
from tools.simulator.paths import kind_of, provider_of
from tools.simulator.provider_errors import (
    BLOCKCHAIR_MESSAGES,
    BLOCKED_MESSAGE,
    ESPLORA_MESSAGES,
    INVALID_API_TOKEN,
    TOO_MANY_REQUESTS_HTML,
)
from tools.simulator.provider_responses import (
    FAULT_STATUSES,
    RpcCall,
    error_status_response,
    null_result_response,
    over_limit_response,
    read_rpc_call,
    rpc_error_response,
)
from tools.simulator.rate_limit import RateLimit
from tools.simulator.request_log import RequestRecord
from tools.simulator.state import Simulator
from tools.simulator.types import Provider

UNFINISHED_RESPONSE_LOG = "ASGI callable returned without completing response."


class DroppedConnectionLogFilter(logging.Filter):
    """Hides uvicorn's error line for the connections the simulator drops on purpose."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._expected = 0

    def expect_one(self) -> None:
        with self._lock:
            self._expected += 1

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() != UNFINISHED_RESPONSE_LOG:
            return True
        with self._lock:
            if self._expected:
                self._expected -= 1
                return False
        return True


def blockchair_error(
    simulator: Simulator, status: int, message: str | None = None, network: Network = BITCOIN
) -> Response:
    with simulator.lock:
        body = error_body(
            simulator.chain_for(network),
            simulator.blockchair_price_usd(network),
            status,
            message or BLOCKCHAIR_MESSAGES[status],
        )
    return JSONResponse(body, status_code=status)


class Gateway:
    def __init__(self, app: ASGIApp, simulator: Simulator) -> None:
        self.app = app
        self.simulator = simulator
        self.drop_log_filter = DroppedConnectionLogFilter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        provider = provider_of(scope["path"]) if scope["type"] == "http" else None
        if provider is None:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        arrived = time.monotonic()
        rpc_call: RpcCall | None = None
        kind = kind_of(provider, path, query)
        client = _client_id(provider, scope, query)
        if provider == "solana":
            # JSON-RPC says what it calls in the body; limits and faults apply per method.
            receive, rpc_call = await read_rpc_call(receive)
            kind = rpc_call.method
            query = f"method={kind}"
            client = f"{client} method:{kind}"
        record = RequestRecord(
            provider=provider,
            kind=kind,
            path=path,
            query=query,
            client=client,
            at=arrived,
            params=rpc_call.params if rpc_call is not None else None,
        )
        self.simulator.request_log.add(record)
        send = _recording_status(send, record)

        fault = self.simulator.faults.take(provider, f"{path}?{query}" if query else path)
        if fault is not None:
            record.refused_by = fault.kind
            await self._apply_fault(fault, provider, scope, receive, send, rpc_call)
            return
        broken_limit = self.simulator.rate_limiter.admit(provider, record.client, record.at)
        if provider == "blockscout":
            send = gateway_rules.with_rate_headers(
                send, self.simulator.rate_limiter, provider, record.client, record.at
            )
        if broken_limit is not None:
            record.refused_by = "rate_limited"
            await self._over_limit(provider, broken_limit, rpc_call)(scope, receive, send)
            return
        refusal = self._key_refusal(query) if provider == "blockchair" else None
        if provider == "etherscan":
            with self.simulator.lock:
                refusal = gateway_rules.etherscan_key_refusal(
                    self.simulator.ethereum, path, query, _client_ip(scope), record.at
                )
        if refusal is not None:
            record.refused_by = "api_key"
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _over_limit(
        self, provider: Provider, limit: RateLimit, rpc_call: RpcCall | None = None
    ) -> Response:
        if provider == "blockchair":
            return blockchair_error(self.simulator, limit.blockchair_status)
        if provider in ("etherscan", "blockscout"):
            return gateway_rules.over_limit(provider)
        if provider == "esplora":
            return HTMLResponse(TOO_MANY_REQUESTS_HTML, status_code=429)
        return over_limit_response(provider, rpc_call)

    def _key_refusal(self, query: str) -> Response | None:
        with self.simulator.lock:
            required = self.simulator.api_key
        if required is None:
            return None
        key = parse_qs(query).get("key", [""])[0]
        if not key:
            return blockchair_error(self.simulator, 430, BLOCKED_MESSAGE)
        if key != required:
            return blockchair_error(self.simulator, 402, INVALID_API_TOKEN)
        return None

    async def _apply_fault(
        self,
        fault: Fault,
        provider: Provider,
        scope: Scope,
        receive: Receive,
        send: Send,
        rpc_call: RpcCall | None = None,
    ) -> None:
        if fault.kind == "null_result":
            await null_result_response(rpc_call)(scope, receive, send)
        elif fault.kind == "rpc_error":
            assert fault.status is not None
            await rpc_error_response(fault.status, rpc_call)(scope, receive, send)
        elif fault.kind == "error_status" and provider in FAULT_STATUSES:
            assert fault.status is not None
            await error_status_response(provider, fault.status, rpc_call)(scope, receive, send)
        elif fault.kind == "error_status":
            assert fault.status is not None
            if provider == "blockchair":
                response = blockchair_error(self.simulator, fault.status)
            elif provider in ("etherscan", "blockscout"):
                response = gateway_rules.error_status(fault.status)
            else:
                response = PlainTextResponse(ESPLORA_MESSAGES[fault.status], fault.status)
            await response(scope, receive, send)
        elif fault.kind == "notok":
            await gateway_rules.temporarily_unavailable()(scope, receive, send)
        elif fault.kind == "html_429":
            await HTMLResponse(TOO_MANY_REQUESTS_HTML, status_code=429)(scope, receive, send)
        elif fault.kind == "timeout":
            replay = await _wait_unless_disconnected(fault.delay_seconds, receive)
            if replay is not None:
                await self.app(scope, replay, send)
        elif fault.kind == "drop_connection":
            status, headers, body = await _capture(self.app, scope, receive)
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send(
                {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
            )
            # Returning now makes uvicorn close the connection mid-body.
            self.drop_log_filter.expect_one()
        elif fault.kind == "malformed_json":
            status, headers, body = await _capture(self.app, scope, receive)
            truncated = body[: len(body) // 2]
            kept = [(name, value) for name, value in headers if name.lower() != b"content-length"]
            kept.append((b"content-length", str(len(truncated)).encode()))
            await send({"type": "http.response.start", "status": 200, "headers": kept})
            await send({"type": "http.response.body", "body": truncated})


def _client_id(provider: Provider, scope: Scope, query: str) -> str:
    """Blockchair and Etherscan count by API key when one is sent, the others by IP address."""
    if provider == "blockchair":
        key = parse_qs(query).get("key", [""])[0]
        if key:
            return f"key:{key}"
    return gateway_rules.client_key(provider, query) or f"ip:{_client_ip(scope)}"


def _client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _recording_status(send: Send, record: RequestRecord) -> Send:
    async def recording_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            record.status = message["status"]
        await send(message)

    return recording_send


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[int, Any, bytes]:
    """Run the API and keep its whole response instead of sending it."""
    start: dict[str, Any] = {}
    body = bytearray()

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, keep)
    return start["status"], list(start.get("headers", [])), bytes(body)


async def _wait_unless_disconnected(delay_seconds: float, receive: Receive) -> Receive | None:
    """Wait; None if the client hung up meanwhile, else a receive that replays what was read."""
    consumed: list[Message] = []

    async def watch() -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            consumed.append(message)

    watcher = asyncio.ensure_future(watch())
    done, _ = await asyncio.wait({watcher}, timeout=delay_seconds)
    if done:
        return None
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher

    async def replay() -> Message:
        return consumed.pop(0) if consumed else await receive()

    return replay
