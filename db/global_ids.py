"""The opaque global ids of rows (Relay `Node` ids), shared by the API and webhook bodies."""

from __future__ import annotations

import base64


def global_id(type_name: str, *keys: int) -> str:
    plain = ":".join([type_name, *(str(key) for key in keys)])
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")
