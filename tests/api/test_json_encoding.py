"""The response encoder writes exactly what Strawberry's json.dumps wrote, for every kind of
value a response can hold (seeded generated bodies, and the cases orjson writes differently)."""

from __future__ import annotations

import json
import random
import string
from typing import Any

from api.json_encoding import encode_response

SEEDS = range(40)
AWKWARD_STRINGS = [
    "",
    "plain",
    'quote " and backslash \\ and slash /',
    "controls \x00\x01\x08\t\n\x0b\x0c\r\x1f and delete \x7f",
    "non-ASCII é ü 日本 and an emoji 🎉 and a lone surrogate \ud800",
    "line separators \u2028 \u2029",
    "looks like numbers :1.5, ,2e-7 [3e+16 :-4.0",
]
AWKWARD_NUMBERS: list[Any] = [
    0,
    -1,
    2**63 - 1,
    -(2**63),
    2**64,
    10**80,
    0.0,
    -0.0,
    1.0,
    0.1 + 0.2,
    1e-4,
    5e-5,
    1e-7,
    1.5e-7,
    1e15,
    1e16,
    1.2345678901234568e17,
    5e-324,
    1e308,
    True,
    False,
    None,
]


def stock(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def generated(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < 4 else 4)
    if kind == 0:
        return rng.choice(AWKWARD_NUMBERS)
    if kind == 1:
        return rng.choice(AWKWARD_STRINGS)
    if kind == 2:
        alphabet = string.ascii_letters + string.digits + "-_:.+ e"
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
    if kind == 3:
        return rng.uniform(-1, 1) * 10 ** rng.randint(-12, 20)
    if kind in (4, 5):
        return {
            rng.choice(["data", "id", "é", "a.b", "e-1"]) + str(index): generated(rng, depth + 1)
            for index in range(rng.randrange(5))
        }
    return [generated(rng, depth + 1) for _ in range(rng.randrange(5))]


def test_every_generated_body_is_encoded_as_json_dumps_encodes_it() -> None:
    for seed in SEEDS:
        rng = random.Random(seed)
        for _ in range(50):
            body = {"data": generated(rng), "errors": [generated(rng)]}
            assert encode_response(body) == stock(body), (seed, body)


def test_each_value_orjson_writes_its_own_way_is_written_as_before() -> None:
    for value in [*AWKWARD_STRINGS, *AWKWARD_NUMBERS]:
        for body in ({"data": {"value": value}}, {"data": {"list": [value, value]}}):
            assert encode_response(body) == stock(body), body
