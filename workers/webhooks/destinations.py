"""Where a webhook may send (https, public addresses), and one safe POST to such a URL.

A URL is checked when a webhook is created (`refusal_of_url`) and again at every attempt
(`WebhookSender.post`): the host is resolved then, every address must be public, and the
request goes to the checked address itself, so a name that changes its answer between the
check and the connection (DNS rebinding) cannot steer a delivery into the local network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections import OrderedDict
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2_000
# How much of a receiver's answer a delivery keeps.
MAX_RESPONSE_BYTES = 1_024
# A name that takes longer than this to resolve when a webhook is created does not resolve.
RESOLVE_TIMEOUT_SECONDS = 10.0
# Receivers whose connections stay pooled at once; the least recently used idle one goes.
MAX_POOLED_RECEIVERS = 256
USER_AGENT = "wallet-tracker-webhooks"
PRIVATE_RULE = "webhooks are only sent to public addresses (WEBHOOK_ALLOW_PRIVATE=true lifts this)"

_CLOUD_METADATA = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
_SHARED_NAT = ipaddress.ip_network("100.64.0.0/10")
_DOCUMENTATION = tuple(
    ipaddress.ip_network(network)
    for network in (
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "2001:db8::/32",
        "3fff::/20",
    )
)
_BENCHMARKING = tuple(ipaddress.ip_network(network) for network in ("198.18.0.0/15", "2001:2::/48"))
_PRIVATE = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refusal(Exception):
    """A URL or address a webhook must not be sent to; the message is meant for the user."""


def why_not_public(address: IPAddress) -> str | None:
    """None for a public address, else what it is ("a loopback address")."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = why_not_public(embedded)
        return None if reason is None else f"{reason} (IPv4 {embedded} wrapped in IPv6)"
    if address.is_unspecified or address in ipaddress.ip_network("0.0.0.0/8"):
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address in _CLOUD_METADATA:
        return "the cloud metadata address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address in _SHARED_NAT:
        return "a carrier-grade NAT (shared) address"
    if any(address in network for network in _DOCUMENTATION):
        return "a documentation address"
    if any(address in network for network in _BENCHMARKING):
        return "a benchmarking address"
    if any(address in network for network in _PRIVATE):
        return "a private address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "a special-purpose address, not a public one"
    return None


def shown(address: IPAddress) -> str:
    """The address as people write it: ::ffff:127.0.0.1 rather than ::ffff:7f00:1."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return str(address)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), which is where it leads."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    # Teredo (2001::/32) is not global, so it is refused whatever it wraps.
    return None


async def refusal_of_url(url: str, *, allow_http: bool, allow_private: bool) -> str | None:
    """None when a webhook may send to `url`, else a sentence that tells the user why not."""
    try:
        parsed = _checked_url(url, allow_http=allow_http)
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            addresses = await _resolve(parsed)
        if not allow_private:
            _check_public(url, parsed, addresses)
    except TimeoutError:
        return f"{url}: its host name does not resolve (no answer in time)"
    except Refusal as refusal:
        return str(refusal)
    return None


def _checked_url(url: str, *, allow_http: bool) -> httpx.URL:
    """The URL parsed, when its form is acceptable: https (or http), a host, no password."""
    if len(url) > MAX_URL_LENGTH:
        raise Refusal(f"the URL is {len(url):,} characters long; at most {MAX_URL_LENGTH:,}")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as invalid:
        raise Refusal(f"{url} is not a valid URL ({invalid})") from None
    if parsed.scheme == "http" and not allow_http:
        raise Refusal(
            f"{url} uses plain http: webhooks are sent over https only "
            "(WEBHOOK_ALLOW_HTTP=true allows http)"
        )
    if parsed.scheme not in ("https", "http"):
        raise Refusal(f"{url} is not an absolute https:// URL")
    if not parsed.host:
        raise Refusal(f"{url} names no host")
    if parsed.userinfo:
        raise Refusal(f"{url} contains a user name or password; put credentials elsewhere")
    return parsed


async def _resolve(url: httpx.URL) -> list[IPAddress]:
    """Every address the URL's host resolves to, in the resolver's order of preference."""
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        answers = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refusal(f"{url}: its host name {url.host} does not resolve") from None
    addresses: list[IPAddress] = []
    for _family, _type, _protocol, _name, socket_address in answers:
        # A link-local IPv6 answer may carry its interface (%eth0); the address is the rest.
        address = ipaddress.ip_address(str(socket_address[0]).partition("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Refusal(f"{url}: its host name {url.host} does not resolve")
    return addresses


def _check_public(url: str, parsed: httpx.URL, addresses: list[IPAddress]) -> None:
    literal = _literal_address(parsed)
    for address in addresses:
        reason = why_not_public(address)
        if reason is not None:
            verb = "is" if literal == address else "resolves to"
            raise Refusal(f"{url} {verb} {shown(address)}, {reason}: {PRIVATE_RULE}")


def _literal_address(url: httpx.URL) -> IPAddress | None:
    try:
        return ipaddress.ip_address(url.host)
    except ValueError:
        return None


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt got: the answer's status and start, or why there was none."""

    status_code: int | None
    # At most MAX_RESPONSE_BYTES of the answer, decoded with errors="replace".
    response_body: str | None
    # None only for a 2xx answer.
    error: str | None
    # The IP address the request went to; None when it was refused or never connected.
    connected_to: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


@dataclass
class _Receiver:
    """The pooled connections to one receiver (scheme, host, port), and requests using them."""

    client: httpx.AsyncClient
    in_flight: int = 0


class WebhookSender:
    """POSTs deliveries without following redirects, each attempt bounded and pinned to a
    checked address; reuses connections to each receiver. Use `async with` or `aclose()`.

    Connections are pooled per receiver, not in one shared pool: requests go to an IP
    address, and one pool would let a TLS connection verified for one host name carry a
    request meant for another host at the same address.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        timeout_seconds: float,
        allow_http: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """`allow_http`: False refuses plain http URLs at send time too (a webhook created
        while WEBHOOK_ALLOW_HTTP was on). `ssl_context`: the certificate authorities trusted;
        default: httpx's (certifi)."""
        self._allow_private = allow_private
        self._allow_http = allow_http
        self._timeout_seconds = timeout_seconds
        self._timeout_error = f"timed out after {timeout_seconds:g} s"
        # One certificate store for every receiver; loading it costs tens of milliseconds.
        self._ssl_context = ssl_context or httpx.create_ssl_context(trust_env=False)
        self._receivers: OrderedDict[str, _Receiver] = OrderedDict()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        receivers = list(self._receivers.values())
        self._receivers.clear()
        for receiver in receivers:
            await receiver.client.aclose()

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
        """One attempt; never raises for a refused URL or a network problem (see `error`)."""
        connection: list[str] = []
        try:
            async with asyncio.timeout(self._timeout_seconds):
                return await self._attempt(url, body, headers, connection)
        except (TimeoutError, httpx.TimeoutException):
            return Outcome(None, None, self._timeout_error, _last(connection))
        except Refusal as refusal:
            return Outcome(None, None, str(refusal), _last(connection))

    async def _attempt(
        self, url: str, body: bytes, headers: dict[str, str], connection: list[str]
    ) -> Outcome:
        parsed = _checked_url(url, allow_http=self._allow_http)
        addresses = await _resolve(parsed)
        if not self._allow_private:
            _check_public(url, parsed, addresses)
        receiver = self._check_out(parsed)
        try:
            for index, address in enumerate(addresses):
                try:
                    return await self._post_to(
                        receiver.client, parsed, address, body, headers, connection
                    )
                except httpx.ConnectError as error:
                    # Nothing was sent: try the host's next address, as a browser would.
                    if index == len(addresses) - 1:
                        return Outcome(None, None, _connect_error(error), None)
            raise AssertionError("a resolved host has at least one address")
        except httpx.TimeoutException:
            raise
        except httpx.HTTPError as error:
            return Outcome(None, None, _transport_error(error), _last(connection))
        finally:
            receiver.in_flight -= 1
            await self._close_idle_beyond_limit()

    async def _post_to(
        self,
        client: httpx.AsyncClient,
        url: httpx.URL,
        address: IPAddress,
        body: bytes,
        headers: dict[str, str],
        connection: list[str],
    ) -> Outcome:
        pinned = url.copy_with(host=str(address))
        request_headers = {**headers, "host": url.netloc.decode("ascii")}
        # TLS names (SNI) and verifies the URL's host, not the address connected to.
        extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
        async with client.stream(
            "POST", pinned, content=body, headers=request_headers, extensions=extensions
        ) as response:
            peer = _server_address(response) or address
            connection.append(str(peer))
            reason = None if self._allow_private else why_not_public(peer)
            if reason is not None:
                refusal = f"connected to {shown(peer)}, {reason}: {PRIVATE_RULE}"
                return Outcome(None, None, refusal, str(peer))
            response_body = await _start_of_body(response)
        status = response.status_code
        if 200 <= status < 300:
            error = None
        elif 300 <= status < 400:
            error = f"HTTP {status}: redirects are not followed"
        else:
            error = f"HTTP {status}"
        return Outcome(status, response_body, error, str(peer))

    def _check_out(self, url: httpx.URL) -> _Receiver:
        """The receiver's pool, counted as in use until the caller decrements `in_flight`."""
        key = f"{url.scheme}://{url.netloc.decode('ascii')}"
        receiver = self._receivers.get(key)
        if receiver is None:
            receiver = _Receiver(
                httpx.AsyncClient(
                    verify=self._ssl_context,
                    trust_env=False,
                    follow_redirects=False,
                    timeout=httpx.Timeout(self._timeout_seconds),
                    # Uncompressed answers: reading 1 KB of one reads 1 KB, whatever it holds.
                    headers={"user-agent": USER_AGENT, "accept-encoding": "identity"},
                )
            )
            self._receivers[key] = receiver
        self._receivers.move_to_end(key)
        receiver.in_flight += 1
        return receiver

    async def _close_idle_beyond_limit(self) -> None:
        excess = len(self._receivers) - MAX_POOLED_RECEIVERS
        if excess <= 0:
            return
        idle = [key for key, receiver in self._receivers.items() if receiver.in_flight == 0]
        closing = [self._receivers.pop(key).client for key in idle[:excess]]
        for client in closing:
            await client.aclose()


def _last(connection: list[str]) -> str | None:
    return connection[-1] if connection else None


def _server_address(response: httpx.Response) -> IPAddress | None:
    stream = response.extensions.get("network_stream")
    server_address = None if stream is None else stream.get_extra_info("server_addr")
    if not server_address:
        return None
    return ipaddress.ip_address(server_address[0])


async def _start_of_body(response: httpx.Response) -> str:
    """The first MAX_RESPONSE_BYTES of the answer; the rest is never read (or buffered)."""
    start = b""
    async for chunk in response.aiter_raw():
        start += chunk
        if len(start) >= MAX_RESPONSE_BYTES:
            break
    return start[:MAX_RESPONSE_BYTES].decode("utf-8", errors="replace")


def _connect_error(error: httpx.ConnectError) -> str:
    for cause in _causes(error):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not accepted: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake failed: {cause.reason or cause}"
    deepest = _causes(error)[-1]
    return f"could not connect: {deepest or type(deepest).__name__}"


def _transport_error(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the receiver broke the HTTP exchange: {error or 'no answer'}"
    if isinstance(error, httpx.NetworkError):
        return f"the connection failed: {error or type(error).__name__}"
    return f"the request failed: {error or type(error).__name__}"


def _causes(error: BaseException) -> list[BaseException]:
    causes = []
    current: BaseException | None = error
    while current is not None and current not in causes:
        causes.append(current)
        current = current.__cause__ or current.__context__
    return causes
