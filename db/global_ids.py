"""The opaque global ids of rows (Relay `Node` ids), shared by the API and webhook bodies."""

from __future__ import annotations

import base64


def global_id(type_name: str, *keys: int) -> str:
    plain = ":".join([type_name, *(str(key) for key in keys)])
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


def opaque_key(prefix: str, last_key: int) -> str:
    """`global_id`'s encoding of `prefix` (type name and leading keys, each followed by ":")
    and one last key: for many ids or cursors that share their prefix (a page's)."""
    return base64.urlsafe_b64encode(f"{prefix}{last_key}".encode()).rstrip(b"=").decode()
