"""A request-rate limit per API client (token, or IP address without one), kept in Redis so
every server process shares it; `api.middleware.client_rate_limit` applies it to requests."""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.datastructures import Headers
from starlette.types import Scope

from workers.constants import client_rate_key

logger = logging.getLogger(__name__)

# GCRA: the key holds the "theoretical arrival time" (ms) of the client's next request; a
# request is allowed while that time is at most `burst` intervals ahead of now. Returns 0, or
# the milliseconds to wait.
_ADMIT = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local interval = tonumber(ARGV[1])
local capacity = interval * tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now_ms) + interval
local over = tat - now_ms - capacity
if over > 0 then
  return over
end
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', tat - now_ms + 1000)
return 0
"""


@dataclass(frozen=True)
class Refusal:
    retry_after_seconds: int

    @property
    def message(self) -> str:
        return f"Too many requests: retry after {self.retry_after_seconds} s."


class ClientRateLimiter:
    """`per_minute` requests a minute per client, up to `burst` at once; None or 0: no limit."""

    def __init__(self, redis: Redis, *, per_minute: int | None, burst: int) -> None:
        self.enabled = bool(per_minute)
        self.interval_ms = math.ceil(60_000 / per_minute) if per_minute else 0
        self.burst = burst
        self._admit = redis.register_script(_ADMIT)

    async def admit(self, client: str) -> Refusal | None:
        """Counts one request of `client`; a refusal when it is over the limit."""
        if not self.enabled:
            return None
        try:
            wait_ms = int(
                await self._admit(
                    keys=[client_rate_key(client)], args=[self.interval_ms, self.burst]
                )
            )
        except RedisError:
            # Redis down must not take the API down with it; /readyz reports the outage.
            logger.warning("rate limit not checked: Redis is unavailable", exc_info=True)
            return None
        return Refusal(max(1, math.ceil(wait_ms / 1000))) if wait_ms > 0 else None


def bearer_token(headers: Headers) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if there is one."""
    return bearer_from_value(headers.get("authorization"))


def bearer_from_value(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def client_key(scope: Scope) -> str:
    """Who a request counts against: its bearer token (hashed), or else its IP address."""
    token = bearer_token(Headers(scope=scope))
    return token_key(token) if token is not None else ip_key(scope)


def token_key(token: str) -> str:
    return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def ip_key(scope: Scope) -> str:
    client = scope.get("client")
    return "ip:" + (client[0] if client else "unknown")
