"""Where webhooks may go, and what one POST there does: against real receivers on loopback.

No test contacts a public address: "public is accepted" is checked on IP literals, which
resolve without DNS and without a connection.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import trustme
from standardwebhooks.webhooks import Webhook

from tests.workers.webhooks.conftest import Receiver, StartReceiver, tls_files_for
from workers.webhooks.destinations import Outcome, WebhookSender, refusal_of_url
from workers.webhooks.signing import new_message_id, new_secret, signed_headers

BODY = json.dumps({"type": "transaction.new", "data": {"amount": "0.00012"}}).encode()
HEADERS = {"content-type": "application/json", "webhook-id": "msg_test"}


def closed_port() -> int:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port: int = unused.getsockname()[1]
    return port


# Creating a webhook: refusal_of_url


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.216.34/hooks/wallet",
        "https://93.184.216.34:8443/",
        "https://[2606:4700:4700::1111]/hook",
        # An IPv4-mapped or 6to4 address of a public IPv4 address leads to that address.
        "https://[::ffff:93.184.216.34]/",
        "https://[2002:5db8:d822::1]/",
    ],
)
async def test_an_https_url_of_a_public_address_is_accepted(url: str) -> None:
    assert await refusal_of_url(url, allow_http=False, allow_private=False) is None


async def test_plain_http_is_refused_unless_allowed() -> None:
    refusal = await refusal_of_url(
        "http://93.184.216.34/hook", allow_http=False, allow_private=False
    )

    assert refusal is not None
    assert "https" in refusal
    assert "WEBHOOK_ALLOW_HTTP" in refusal
    assert (
        await refusal_of_url("http://93.184.216.34/hook", allow_http=True, allow_private=False)
        is None
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://93.184.216.34/hook", "not an absolute https:// URL"),
        ("93.184.216.34/hook", "not an absolute https:// URL"),
        ("https:///hook", "names no host"),
        ("https://user:password@93.184.216.34/hook", "user name or password"),
        ("https://93.184.216.34/" + "x" * 2_000, "at most 2,000"),
        ("https://nothing-here.invalid/hook", "does not resolve"),
    ],
)
async def test_a_malformed_or_unknown_url_is_refused(url: str, expected: str) -> None:
    refusal = await refusal_of_url(url, allow_http=True, allow_private=True)

    assert refusal is not None
    assert expected in refusal


async def test_a_name_resolving_to_loopback_is_refused_with_the_address_and_the_way_out() -> None:
    refusal = await refusal_of_url("https://localhost/x", allow_http=False, allow_private=False)

    assert refusal is not None
    assert refusal.startswith("https://localhost/x resolves to ")
    assert "a loopback address" in refusal
    assert "127.0.0.1" in refusal or "::1" in refusal
    assert "WEBHOOK_ALLOW_PRIVATE=true" in refusal


@pytest.mark.parametrize(
    ("url", "address", "kind"),
    [
        ("https://127.0.0.1/hook", "127.0.0.1", "a loopback address"),
        ("https://127.8.9.10/hook", "127.8.9.10", "a loopback address"),
        ("https://[::1]/hook", "::1", "a loopback address"),
        ("https://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1", "a loopback address"),
        ("https://10.0.0.1/hook", "10.0.0.1", "a private address"),
        ("https://172.16.5.4/hook", "172.16.5.4", "a private address"),
        ("https://192.168.1.1/hook", "192.168.1.1", "a private address"),
        ("https://[fd12:3456::1]/hook", "fd12:3456::1", "a private address"),
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254", "cloud metadata"),
        ("https://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254", "cloud metadata"),
        ("https://169.254.1.1/hook", "169.254.1.1", "a link-local address"),
        ("https://[fe80::1]/hook", "fe80::1", "a link-local address"),
        ("https://100.64.0.1/hook", "100.64.0.1", "carrier-grade NAT"),
        ("https://0.0.0.0/hook", "0.0.0.0", "an unspecified address"),
        ("https://[::]/hook", "::", "an unspecified address"),
        ("https://224.0.0.1/hook", "224.0.0.1", "a multicast address"),
        ("https://[ff02::1]/hook", "ff02::1", "a multicast address"),
        ("https://240.0.0.1/hook", "240.0.0.1", "a reserved address"),
        ("https://255.255.255.255/hook", "255.255.255.255", "a reserved address"),
        ("https://192.0.2.1/hook", "192.0.2.1", "a documentation address"),
        ("https://[2001:db8::1]/hook", "2001:db8::1", "a documentation address"),
        ("https://198.18.0.1/hook", "198.18.0.1", "a benchmarking address"),
        ("https://[fec0::1]/hook", "fec0::1", "a site-local address"),
        # IPv6 wrappings of IPv4 loopback and private addresses: 6to4, NAT64, IPv4-compatible.
        ("https://[2002:7f00:1::1]/hook", "2002:7f00:1::1", "a loopback address"),
        ("https://[64:ff9b::a00:1]/hook", "64:ff9b::a00:1", "a private address"),
        ("https://[::127.0.0.1]/hook", "::7f00:1", "a reserved address"),
        # Teredo: not a public address whatever it carries.
        ("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", "2001:0:", "not a public one"),
    ],
)
async def test_an_address_that_is_not_public_is_refused_unless_allowed(
    url: str, address: str, kind: str
) -> None:
    refusal = await refusal_of_url(url, allow_http=False, allow_private=False)

    assert refusal is not None
    assert f"{url} is {address}" in refusal
    assert kind in refusal
    assert "WEBHOOK_ALLOW_PRIVATE=true" in refusal
    assert await refusal_of_url(url, allow_http=False, allow_private=True) is None


# Sending: WebhookSender.post


@pytest.mark.parametrize(
    "url_of",
    [
        lambda port: f"http://127.0.0.1:{port}/hook",
        lambda port: f"http://localhost:{port}/hook",
        lambda port: f"http://[::ffff:127.0.0.1]:{port}/hook",
    ],
    ids=["127.0.0.1", "localhost", "ipv4-mapped"],
)
async def test_a_delivery_to_loopback_is_refused_before_anything_is_sent(
    receiver: Receiver, url_of: Callable[[int], str]
) -> None:
    async with WebhookSender(allow_private=False, timeout_seconds=5) as sender:
        outcome = await sender.post(url_of(receiver.port), BODY, HEADERS)

    assert outcome == Outcome(
        status_code=None, response_body=None, error=outcome.error, connected_to=None
    )
    assert outcome.error is not None
    assert "a loopback address" in outcome.error
    assert "WEBHOOK_ALLOW_PRIVATE" in outcome.error
    assert not outcome.succeeded
    assert receiver.requests == []


async def test_plain_http_is_refused_at_send_time_once_no_longer_allowed(
    receiver: Receiver,
) -> None:
    async with WebhookSender(allow_private=True, allow_http=False, timeout_seconds=5) as sender:
        outcome = await sender.post(f"http://127.0.0.1:{receiver.port}/hook", BODY, HEADERS)

    assert outcome.error is not None
    assert "WEBHOOK_ALLOW_HTTP=true" in outcome.error
    assert receiver.requests == []


async def test_a_delivery_to_ipv6_loopback_is_refused_and_allowed_when_private_is(
    start_receiver: StartReceiver,
) -> None:
    receiver = start_receiver(host="::1")
    async with WebhookSender(allow_private=False, timeout_seconds=5) as sender:
        refused = await sender.post(f"{receiver.base_url}/hook", BODY, HEADERS)
    assert refused.error is not None
    assert "::1, a loopback address" in refused.error
    assert receiver.requests == []

    async with WebhookSender(allow_private=True, timeout_seconds=5) as sender:
        sent = await sender.post(f"{receiver.base_url}/hook", BODY, HEADERS)
    assert sent.succeeded
    assert sent.connected_to == "::1"
    assert [request.body for request in receiver.requests] == [BODY]
    assert receiver.requests[0].headers["host"] == f"[::1]:{receiver.port}"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://10.0.0.1/hook", "a private address"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://100.64.0.1/hook", "carrier-grade NAT"),
    ],
)
async def test_a_delivery_to_the_local_network_is_refused_without_connecting(
    url: str, kind: str
) -> None:
    started = time.monotonic()
    async with WebhookSender(allow_private=False, timeout_seconds=5) as sender:
        outcome = await sender.post(url, BODY, HEADERS)

    assert outcome.error is not None
    assert kind in outcome.error
    assert outcome.connected_to is None
    # A connection attempt to these (unreachable here) would take until the timeout.
    assert time.monotonic() - started < 2


async def test_a_delivery_reaches_the_receiver_signed_with_the_exact_body(
    receiver: Receiver,
) -> None:
    secret, message_id = new_secret(), new_message_id()
    headers = signed_headers(secret, message_id, int(time.time()), BODY)

    async with WebhookSender(allow_private=True, timeout_seconds=5) as sender:
        outcome = await sender.post(f"http://localhost:{receiver.port}/hook", BODY, headers)

    assert outcome == Outcome(
        status_code=200, response_body="thanks", error=None, connected_to="127.0.0.1"
    )
    assert outcome.succeeded
    [request] = receiver.requests
    assert (request.method, request.path, request.body) == ("POST", "/hook", BODY)
    assert request.headers["host"] == f"localhost:{receiver.port}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == message_id
    assert Webhook(secret).verify(request.body, request.headers) == json.loads(BODY)


async def test_a_redirect_is_not_followed(start_receiver: StartReceiver) -> None:
    receiver, elsewhere = start_receiver(), start_receiver()
    url = f"{receiver.base_url}/redirect?to={elsewhere.base_url}/hook"

    async with WebhookSender(allow_private=True, timeout_seconds=5) as sender:
        outcome = await sender.post(url, BODY, HEADERS)

    assert outcome.status_code == 302
    assert outcome.error is not None
    assert outcome.error.startswith("HTTP 302")
    assert not outcome.succeeded
    assert len(receiver.requests) == 1
    assert elsewhere.requests == []


async def test_a_server_error_is_an_unsuccessful_outcome_with_its_answer(
    receiver: Receiver,
) -> None:
    async with WebhookSender(allow_private=True, timeout_seconds=5) as sender:
        outcome = await sender.post(f"{receiver.base_url}/fail", BODY, HEADERS)

    assert outcome == Outcome(
        status_code=500, response_body="boom", error="HTTP 500", connected_to="127.0.0.1"
    )
    assert not outcome.succeeded


async def test_only_the_first_kilobyte_of_a_huge_answer_is_kept(receiver: Receiver) -> None:
    async with WebhookSender(allow_private=True, timeout_seconds=5) as sender:
        outcome = await sender.post(f"{receiver.base_url}/huge", BODY, HEADERS)
        after = await sender.post(f"{receiver.base_url}/hook", BODY, HEADERS)

    assert outcome.succeeded
    assert outcome.response_body == "x" * 1_024
    assert after.succeeded


async def test_a_slow_receiver_times_out(receiver: Receiver) -> None:
    started = time.monotonic()
    async with WebhookSender(allow_private=True, timeout_seconds=0.5) as sender:
        outcome = await sender.post(f"{receiver.base_url}/slow", BODY, HEADERS)

    assert outcome.error == "timed out after 0.5 s"
    assert outcome.status_code is None
    assert not outcome.succeeded
    assert time.monotonic() - started < 3


async def test_a_closed_port_is_a_connection_error() -> None:
    async with WebhookSender(allow_private=True, timeout_seconds=5) as sender:
        outcome = await sender.post(f"http://127.0.0.1:{closed_port()}/hook", BODY, HEADERS)

    assert outcome == Outcome(
        status_code=None, response_body=None, error="connection refused", connected_to=None
    )


async def test_https_to_a_receiver_without_tls_is_a_tls_error(receiver: Receiver) -> None:
    async with WebhookSender(allow_private=True, timeout_seconds=5) as sender:
        outcome = await sender.post(f"https://127.0.0.1:{receiver.port}/hook", BODY, HEADERS)

    assert outcome.error is not None
    assert outcome.error.startswith("TLS handshake failed")
    assert outcome.status_code is None
    assert receiver.requests == []


async def test_an_unresolvable_host_is_an_error_not_an_exception() -> None:
    async with WebhookSender(allow_private=True, timeout_seconds=5) as sender:
        outcome = await sender.post("https://nothing-here.invalid/hook", BODY, HEADERS)

    assert outcome.error is not None
    assert "does not resolve" in outcome.error


async def test_many_deliveries_to_one_receiver_share_a_connection(receiver: Receiver) -> None:
    async with WebhookSender(allow_private=True, timeout_seconds=5) as sender:
        outcomes = [
            await sender.post(f"{receiver.base_url}/hook", BODY, HEADERS) for _ in range(200)
        ]

    assert all(outcome.succeeded for outcome in outcomes)
    assert len(receiver.requests) == 200
    assert len({request.client_port for request in receiver.requests}) == 1


# Over TLS: the request goes to the checked address, the certificate is checked for the name.


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


async def test_an_https_delivery_verifies_the_certificate_of_the_host_name(
    start_receiver: StartReceiver, certificate_authority: trustme.CA, tmp_path: Path
) -> None:
    receiver = start_receiver(tls_files=tls_files_for(certificate_authority, tmp_path, "localhost"))
    url = f"https://localhost:{receiver.port}/hook"

    async with WebhookSender(
        allow_private=True, timeout_seconds=5, ssl_context=trusting(certificate_authority)
    ) as sender:
        outcome = await sender.post(url, BODY, HEADERS)

    assert outcome == Outcome(
        status_code=200, response_body="thanks", error=None, connected_to="127.0.0.1"
    )
    assert receiver.requests[0].headers["host"] == f"localhost:{receiver.port}"


async def test_a_certificate_for_another_name_is_refused(
    start_receiver: StartReceiver, certificate_authority: trustme.CA, tmp_path: Path
) -> None:
    receiver = start_receiver(
        tls_files=tls_files_for(certificate_authority, tmp_path, "receiver.example")
    )

    async with WebhookSender(
        allow_private=True, timeout_seconds=5, ssl_context=trusting(certificate_authority)
    ) as sender:
        outcome = await sender.post(f"https://localhost:{receiver.port}/hook", BODY, HEADERS)

    assert outcome.error is not None
    assert outcome.error.startswith("TLS certificate not accepted")
    assert receiver.requests == []


async def test_a_connection_verified_for_one_name_never_carries_another_names_delivery(
    start_receiver: StartReceiver, certificate_authority: trustme.CA, tmp_path: Path
) -> None:
    # localhost and 127.0.0.1 lead to one address; the certificate names only localhost.
    receiver = start_receiver(tls_files=tls_files_for(certificate_authority, tmp_path, "localhost"))

    async with WebhookSender(
        allow_private=True, timeout_seconds=5, ssl_context=trusting(certificate_authority)
    ) as sender:
        by_name = await sender.post(f"https://localhost:{receiver.port}/hook", BODY, HEADERS)
        by_address = await sender.post(f"https://127.0.0.1:{receiver.port}/hook", BODY, HEADERS)

    assert by_name.succeeded
    assert by_address.error is not None
    assert by_address.error.startswith("TLS certificate not accepted")
    assert len(receiver.requests) == 1
