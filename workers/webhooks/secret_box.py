"""Webhook signing secrets sealed at rest with AES-256-GCM under the server key (SECRET_KEY)."""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from Crypto.Cipher import AES
from Crypto.Hash import SHA256
from Crypto.Protocol.KDF import HKDF

if TYPE_CHECKING:
    from settings import Settings

logger = logging.getLogger(__name__)

SEALED_PREFIX = "v1:"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_FILE_NAME = "secret.key"
# Binds keys derived from SECRET_KEY to this one use; another use would get another key.
KEY_CONTEXT = b"wallet-tracker webhook secrets v1"


class SecretBoxError(Exception):
    """A sealed value that this server key cannot open: another key sealed it, or it changed."""


class SecretBox:
    """Seals and opens short texts with one 32-byte key; each seal has its own random nonce."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"a SecretBox key has {KEY_BYTES} bytes, not {len(key)}")
        self._key = key

    def seal(self, plaintext: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        cipher = AES.new(self._key, AES.MODE_GCM, nonce=nonce)
        ciphertext, tag = cipher.encrypt_and_digest(plaintext.encode())
        return SEALED_PREFIX + base64.b64encode(nonce + ciphertext + tag).decode("ascii")

    def open(self, sealed: str) -> str:
        if not sealed.startswith(SEALED_PREFIX):
            raise SecretBoxError(_cannot_open("it is not a value sealed by wallet-tracker"))
        try:
            raw = base64.b64decode(sealed.removeprefix(SEALED_PREFIX), validate=True)
        except binascii.Error:
            raise SecretBoxError(_cannot_open("it is not valid base64")) from None
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise SecretBoxError(_cannot_open("it is too short"))
        nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        cipher = AES.new(self._key, AES.MODE_GCM, nonce=nonce)
        try:
            plaintext = cipher.decrypt_and_verify(ciphertext, tag)
        except ValueError:
            raise SecretBoxError(
                _cannot_open("it was sealed with another server key or altered since")
            ) from None
        return plaintext.decode()


def _cannot_open(why: str) -> str:
    return (
        f"cannot open a stored webhook secret: {why}. The server key (SECRET_KEY, or "
        f"{KEY_FILE_NAME} in VAR_DIR when SECRET_KEY is unset) must be the one that sealed it; "
        "recreate the webhook to get a new secret"
    )


def server_key(settings: Settings) -> bytes:
    """The 32-byte key from SECRET_KEY, or else from VAR_DIR/secret.key (made on first use)."""
    if settings.secret_key is not None:
        return _derived_key(settings.secret_key.get_secret_value())
    return _key_from_file(settings.var_dir / KEY_FILE_NAME)


def _derived_key(secret_key: str) -> bytes:
    """SECRET_KEY may be any text: HKDF-SHA256 turns it into an AES-256 key."""
    return HKDF(secret_key.encode(), KEY_BYTES, None, SHA256, context=KEY_CONTEXT)


def _key_from_file(path: Path) -> bytes:
    if not path.exists():
        _create_key_file(path)
    text = path.read_text().strip()
    try:
        key = base64.b64decode(text, validate=True)
    except binascii.Error:
        key = b""
    if len(key) != KEY_BYTES:
        raise SecretBoxError(
            f"{path} does not hold a server key (base64 of {KEY_BYTES} bytes): restore the "
            "file that was there, or set SECRET_KEY to the key used so far"
        )
    return key


def _create_key_file(path: Path) -> None:
    """Writes a new key to a private temporary file, then links it in place if still absent.

    `os.link` fails when the name exists (like O_CREAT|O_EXCL), so of two processes racing
    here one wins and the other reads the winner's key; nobody ever sees a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    key_text = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii") + "\n"
    # mkstemp creates the file with mode 0600.
    descriptor, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=".secret.key.")
    try:
        with os.fdopen(descriptor, "w") as temporary:
            temporary.write(key_text)
            temporary.flush()
            os.fsync(temporary.fileno())
        try:
            os.link(temporary_name, path)
        except FileExistsError:
            return
    finally:
        os.unlink(temporary_name)
    logger.warning(
        "SECRET_KEY is unset: generated a server key in %s. Keep this file (back it up with "
        "the database) or set SECRET_KEY: stored webhook secrets cannot be read without it",
        path.resolve(),
    )


def secret_box(settings: Settings) -> SecretBox:
    """The SecretBox of the server key; cached, so cheap to call for every request."""
    secret_key = None if settings.secret_key is None else settings.secret_key.get_secret_value()
    return _cached_box(secret_key, settings.var_dir.resolve())


@lru_cache(maxsize=8)
def _cached_box(secret_key: str | None, var_dir: Path) -> SecretBox:
    if secret_key is not None:
        return SecretBox(_derived_key(secret_key))
    return SecretBox(_key_from_file(var_dir / KEY_FILE_NAME))
