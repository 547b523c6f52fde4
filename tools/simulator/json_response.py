"""A JSON answer serialised by orjson: the bytes Starlette's `JSONResponse` sends for strings,
integers, booleans, None, lists and dicts (compact, UTF-8 unescaped), several times faster
for an explorer page of thousands of rows."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse


class FastJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
