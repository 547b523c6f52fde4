"""Deliveries signed by us verify with the Standard Webhooks reference library."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from workers.webhooks.signing import new_message_id, new_secret, signature, signed_headers

BODY = json.dumps(
    {"type": "transaction.new", "timestamp": "2026-11-02T10:00:00Z", "data": {"amount": "0.1"}}
).encode()


def test_a_receiver_verifies_a_signed_delivery_with_the_reference_library() -> None:
    secret = new_secret()
    headers = signed_headers(secret, new_message_id(), int(time.time()), BODY)

    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)
    assert headers["content-type"] == "application/json"


def test_a_tampered_body_fails_verification() -> None:
    secret = new_secret()
    headers = signed_headers(secret, new_message_id(), int(time.time()), BODY)

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"0.1", b"9.1"), headers)


def test_another_secret_fails_verification() -> None:
    headers = signed_headers(new_secret(), new_message_id(), int(time.time()), BODY)

    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_an_old_delivery_fails_verification() -> None:
    secret = new_secret()
    an_hour_ago = int(time.time()) - 3600
    headers = signed_headers(secret, new_message_id(), an_hour_ago, BODY)

    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, headers)


def test_a_retry_with_the_same_id_and_a_new_timestamp_verifies() -> None:
    secret, message_id = new_secret(), new_message_id()
    first = signed_headers(secret, message_id, int(time.time()) - 60, BODY)
    retry = signed_headers(secret, message_id, int(time.time()), BODY)

    assert first["webhook-id"] == retry["webhook-id"] == message_id
    assert first["webhook-signature"] != retry["webhook-signature"]
    Webhook(secret).verify(BODY, retry)


def test_the_signature_is_v1_hmac_of_id_timestamp_and_body() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    expected = Webhook(secret).sign(
        "msg_1", datetime.fromtimestamp(1_700_000_000, tz=UTC), BODY.decode()
    )

    assert signature(secret, "msg_1", 1_700_000_000, BODY) == expected
    assert signed_headers(secret, "msg_1", 1_700_000_000, BODY)["webhook-timestamp"] == (
        "1700000000"
    )


def test_secrets_hold_at_least_24_random_bytes_and_differ_each_time() -> None:
    secrets = {new_secret() for _ in range(100)}

    assert len(secrets) == 100
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24


def test_message_ids_are_unique_and_url_safe() -> None:
    message_ids = {new_message_id() for _ in range(100)}

    assert len(message_ids) == 100
    for message_id in message_ids:
        assert message_id.startswith("msg_")
        suffix = message_id.removeprefix("msg_")
        assert len(suffix) == 27
        assert set(suffix) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )
