"""Standard Webhooks signing: secrets, message ids, and the headers that sign one delivery."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
MESSAGE_ID_PREFIX = "msg_"
# The spec asks for 24 to 64 random bytes; 32 match the key size of HMAC-SHA256.
SECRET_BYTES = 32
# token_urlsafe(20) gives 27 characters of base64url.
MESSAGE_ID_BYTES = 20


def new_secret() -> str:
    """A new signing secret, `whsec_` plus base64 of 32 random bytes; shown to the user once."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_message_id() -> str:
    """The id of one delivery (`webhook-id`), the same across all its retries."""
    return MESSAGE_ID_PREFIX + secrets.token_urlsafe(MESSAGE_ID_BYTES)


def secret_key_bytes(secret: str) -> bytes:
    """The HMAC key a `whsec_` secret stands for."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,` plus base64 of HMAC-SHA256 over `id.timestamp.body`, the `webhook-signature`."""
    signed_content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key_bytes(secret), signed_content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one attempt: id, timestamp (seconds), signature and the JSON type."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
        "content-type": "application/json",
    }
