"""The JSON of a GraphQL response over HTTP: orjson's speed, byte for byte the text that
`json.dumps(body, separators=(",", ":"))` (Strawberry's encoder) gives."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# Where orjson's text can differ from json.dumps' (ensure_ascii): json escapes every byte
# outside printable ASCII (DEL and anything non-ASCII as \uXXXX; orjson writes DEL and UTF-8
# as they are), and writes floats its own way (1e-05, 5e-05 where orjson writes 1e-5,
# 0.00005). Integers past 64 bits and anything orjson does not take raise in orjson.
DELETE = b"\x7f"
# Digits, and what precedes a number in compact JSON: a key's colon, a comma, a list's start.
DIGITS = frozenset(b"0123456789")
BEFORE_A_NUMBER = frozenset(b":,[")
# An exponent as orjson writes it (always signed); a regex scans for it faster than find().
EXPONENT = re.compile(rb"e[-+][0-9]")


def encode_response(body: Any) -> bytes:
    """`body` as Strawberry's `json.dumps(body, separators=(",", ":"))`, encoded (ASCII)."""
    try:
        text = orjson.dumps(body)
    except TypeError:
        return _stock(body)
    if not text.isascii() or DELETE in text or _may_hold_a_float(text):
        return _stock(body)
    return text


def _stock(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def _may_hold_a_float(text: bytes) -> bool:
    """Whether orjson wrote a float: a number with a fraction (`1.5`, `1.5e-7`) or an exponent
    (orjson always signs it: `1e-7`, `2e+16`). Anything that looks like one inside a string
    counts too (a needless fallback, never a missed float). GraphQL's Float refuses NaN and
    the infinities, so none reaches a response (orjson would write null, json NaN)."""
    found = text.find(b".")
    while found != -1:
        if _integer_part_ends_at(text, found):
            return True
        found = text.find(b".", found + 1)
    return any(_integer_part_ends_at(text, match.start()) for match in EXPONENT.finditer(text))


def _integer_part_ends_at(text: bytes, end: int) -> bool:
    """Whether `text[:end]` ends in a number's integer part: digits, maybe after a minus, after
    a colon, a comma or a list's `[` (compact JSON puts nothing else before a value)."""
    position = end - 1
    while position >= 0 and text[position] in DIGITS:
        position -= 1
    if position == end - 1:
        return False
    if position >= 0 and text[position] == ord("-"):
        position -= 1
    return position >= 0 and text[position] in BEFORE_A_NUMBER
