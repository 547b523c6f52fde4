"""Provider HTTP calls: the shared rate limit before each call, retries with jittered backoff."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import random
import socket
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import httpx

from workers.metrics import SharedMetrics
from workers.providers.base import RateLimitedError, TransientError
from workers.rate_limit import RateLimiter

logger = logging.getLogger(__name__)

ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class RetryPolicy:
    transient_attempts: int = 4
    rate_limited_attempts: int = 8
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (attempt counts from 1)."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)


class ProviderHttp:
    """One pooled httpx client per provider; every call waits its turn on the shared limiter."""

    def __init__(
        self,
        *,
        provider: str,
        client: httpx.AsyncClient,
        limiter: RateLimiter,
        retry: RetryPolicy,
        metrics: SharedMetrics | None = None,
    ) -> None:
        self.provider = provider
        self.client = client
        self.limiter = limiter
        self.retry = retry
        self.metrics = metrics or SharedMetrics(None)

    async def call(
        self,
        request: Callable[[httpx.AsyncClient], Awaitable[ResultT]],
        *,
        what: str,
        limit: str | None = None,
    ) -> ResultT:
        """`limit`: the rate limit this call counts against (default: the provider's own),
        for providers that limit each method apart (Solana's RPC)."""
        limit = limit or self.provider
        transient_failures = 0
        rate_limited = 0
        while True:
            try:
                async with self.limiter.slot(limit):
                    return await request(self.client)
            except RateLimitedError as error:
                rate_limited += 1
                if rate_limited >= self.retry.rate_limited_attempts:
                    raise
                # Never sooner than the provider's Retry-After.
                delay = max(self.retry.backoff(rate_limited), error.retry_after or 0.0)
                # Every worker sharing this provider waits too: the limit is per client.
                await self.limiter.pause(limit, delay)
                logger.warning(
                    "%s rate-limited on %s; backing off %.2fs", self.provider, what, delay
                )
            except (httpx.TimeoutException, httpx.TransportError) as error:
                kind = (
                    "timeout" if isinstance(error, httpx.TimeoutException) else "connection_error"
                )
                await self.metrics.provider_call(self.provider, kind)
                transient_failures += 1
                if transient_failures >= self.retry.transient_attempts:
                    raise TransientError(
                        self.provider, f"{what}: {in_words(error, self.client)}"
                    ) from error
                await asyncio.sleep(self.retry.backoff(transient_failures))
            except TransientError:
                transient_failures += 1
                if transient_failures >= self.retry.transient_attempts:
                    raise
                await asyncio.sleep(self.retry.backoff(transient_failures))


# The first class an error is an instance of says what happened; subclasses come first.
_TRANSPORT_FAILURES: tuple[tuple[type[httpx.TransportError], str], ...] = (
    (httpx.ConnectTimeout, "timed out connecting to {host}{within_connect}"),
    (httpx.ReadTimeout, "{host} did not answer{within_read}"),
    (httpx.WriteTimeout, "timed out sending the request to {host}{within_write}"),
    (httpx.PoolTimeout, "no free connection to {host}{within_pool}"),
    (httpx.ConnectError, "could not connect to {host}: {reason}"),
    (
        httpx.RemoteProtocolError,
        "{host} closed the connection or broke the HTTP protocol before answering in full",
    ),
    (httpx.ReadError, "the connection to {host} broke while reading the answer"),
    (httpx.WriteError, "the connection to {host} broke while sending the request"),
    (httpx.ProxyError, "the proxy did not let the request through to {host}"),
    (httpx.UnsupportedProtocol, "{host} is not an http:// or https:// URL"),
    (httpx.TransportError, "the request to {host} failed"),
)


def in_words(error: httpx.TransportError, client: httpx.AsyncClient) -> str:
    """What went wrong on the way to the provider, naming its host, for people to read: this
    becomes the job's error ("could not connect to api.blockchair.com: connection refused")."""
    timeout = client.timeout
    words = next(words for kind, words in _TRANSPORT_FAILURES if isinstance(error, kind))
    return words.format(
        host=_host(client.base_url),
        within_connect=_within(timeout.connect),
        within_read=_within(timeout.read),
        within_write=_within(timeout.write),
        within_pool=_within(timeout.pool),
        reason=_connect_failure(error) if "{reason}" in words else "",
    )


def _host(url: httpx.URL) -> str:
    return url.host if url.port is None else f"{url.host}:{url.port}"


def _within(seconds: float | None) -> str:
    return "" if seconds is None else f" within {seconds:g} s"


def _connect_failure(error: BaseException) -> str:
    """The operating system's reason under httpx's and httpcore's wrappers, in words."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            if cause.errno == socket.EAI_AGAIN:
                return "the host name could not be looked up (temporary DNS failure)"
            return "the host name was not found (DNS lookup failed)"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"its TLS certificate is not trusted ({cause.verify_message})"
        if isinstance(cause, ssl.SSLError):
            return f"the TLS handshake failed ({cause.reason or 'no reason given'})"
        if isinstance(cause, OSError) and cause.errno is not None:
            return _OS_ERRORS.get(cause.errno) or os.strerror(cause.errno).lower()
        cause = cause.__cause__ or cause.__context__
    return "the connection failed"


_OS_ERRORS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "the connection was reset",
    errno.ENETUNREACH: "the network is unreachable",
    errno.EHOSTUNREACH: "the host is unreachable",
    errno.ETIMEDOUT: "the connection attempt timed out",
}


async def get_content(
    client: httpx.AsyncClient, url: str, *, params: Mapping[str, str | int] | None = None
) -> tuple[int, bytes]:
    """GET `url`: the answer's status and its whole body, in a buffer of the caller's own.

    httpx keeps each response and its stream in a reference cycle (the stream points back at
    the response), so the body `client.get` leaves on a response is freed only when the
    garbage collector next looks at the generation the response reached, which with the
    process's raised thresholds (`garbage_collection.py`) took up to seven of Blockchair's
    1.5 MB pages in a full sync. Read from the stream, the body is never stored on the
    response and goes as soon as the caller lets go of it."""
    async with client.stream("GET", url, params=params) as response:
        content = b"".join([chunk async for chunk in response.aiter_bytes()])
    return response.status_code, content
