"""What the gateway does differently for Etherscan and Blockscout: clients counted by
`apikey`, Etherscan's key checks and NOTOK bodies, Blockscout's rate headers and 429s."""

from __future__ import annotations

import math
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Message, Send

from tools.simulator.ethereum import errors
from tools.simulator.ethereum.etherscan import notok
from tools.simulator.ethereum.paths import ETHERSCAN_V2_PATH
from tools.simulator.ethereum.state import EthereumState
from tools.simulator.rate_limit import RateLimiter
from tools.simulator.types import Provider

# What Blockscout's headers advertise when the simulator enforces no limit.
BLOCKSCOUT_ADVERTISED_LIMIT = 5


def etherscan_key(query: str) -> str:
    return parse_qs(query).get("apikey", [""])[0]


def client_key(provider: Provider, query: str) -> str | None:
    """Etherscan counts calls by API key (limits add up per key); None: count by IP."""
    if provider == "etherscan":
        key = etherscan_key(query)
        if key:
            return f"key:{key}"
    return None


def over_limit(provider: Provider) -> Response:
    if provider == "etherscan":
        return JSONResponse(notok(errors.MAX_RATE_LIMIT))
    return JSONResponse({"message": errors.BLOCKSCOUT_TOO_MANY_REQUESTS}, status_code=429)


def error_status(status: int) -> Response:
    return HTMLResponse(errors.http_error_page(status), status_code=status)


def temporarily_unavailable() -> Response:
    return JSONResponse(notok(errors.TEMPORARILY_UNAVAILABLE))


def etherscan_key_refusal(
    state: EthereumState, path: str, query: str, ip: str, now: float
) -> Response | None:
    """Keyless calls are refused; with a key configured, other keys too, and over five bad
    keys from one IP in 30 s throttle it."""
    if path != ETHERSCAN_V2_PATH:
        return None
    key = etherscan_key(query)
    if state.invalid_keys.throttled(ip, now):
        return JSONResponse(notok(errors.TOO_MANY_INVALID_KEYS))
    if not key:
        return JSONResponse(notok(errors.MISSING_API_KEY))
    if state.etherscan_api_key is not None and key != state.etherscan_api_key:
        state.invalid_keys.add(ip, now)
        return JSONResponse(notok(errors.INVALID_API_KEY))
    return None


def with_rate_headers(
    send: Send, limiter: RateLimiter, provider: Provider, client: str, now: float
) -> Send:
    """Blockscout tells keyless clients their limit on every answer (`reset` in ms)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            usage = limiter.usage(provider, client, now)
            limit, remaining, reset = usage or (BLOCKSCOUT_ADVERTISED_LIMIT,) * 2 + (0.0,)
            headers = list(message.get("headers", []))
            headers += [
                (b"x-ratelimit-limit", str(limit).encode()),
                (b"x-ratelimit-remaining", str(remaining).encode()),
                (b"x-ratelimit-reset", str(math.ceil(reset * 1000)).encode()),
            ]
            message = {**message, "headers": headers}
        await send(message)

    return sending
