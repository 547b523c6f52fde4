"""The contract's custom scalars: BigInt (satoshi as decimal strings) and DateTime (with offset)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

BigInt = NewType("BigInt", int)


class InvalidScalarError(ValueError):
    """A client's value that is not a valid BigInt or DateTime; its message says why."""


# Every amount of every chain: wei amounts go far past 64 bits, up to 2**256 - 1.
BIGINT_MAX = 2**256 - 1
BIGINT_MIN = -BIGINT_MAX
_INTEGER_TEXT = re.compile(r"-?[0-9]{1,78}")


def serialize_big_int(value: int) -> str:
    return str(value)


def parse_big_int(value: object) -> int:
    if isinstance(value, bool):
        raise InvalidScalarError("BigInt must be an integer, not a boolean.")
    if isinstance(value, int):
        parsed = value
    elif isinstance(value, str) and _INTEGER_TEXT.fullmatch(value):
        parsed = int(value)
    else:
        raise InvalidScalarError(
            f'BigInt must be an integer or a decimal string of one, like "-1500"; got {value!r}.'
        )
    if not BIGINT_MIN <= parsed <= BIGINT_MAX:
        raise InvalidScalarError(
            f"BigInt {parsed} is out of range: its size must be at most 2**256 - 1."
        )
    return parsed


def parse_big_int_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> int:
    if isinstance(node, IntValueNode):
        return parse_big_int(int(node.value))
    if isinstance(node, StringValueNode):
        return parse_big_int(node.value)
    raise InvalidScalarError('BigInt must be an integer or a decimal string of one, like "-1500".')


def serialize_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} cannot be serialized with an offset")
    return value.astimezone(UTC).isoformat()


def parse_datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise InvalidScalarError(f"DateTime must be an ISO-8601 string; got {value!r}.")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidScalarError(
            f'DateTime {value!r} is not ISO-8601, e.g. "2024-05-01T12:00:00+00:00".'
        ) from None
    if parsed.tzinfo is None:
        raise InvalidScalarError(
            f'DateTime {value!r} has no UTC offset; add one, e.g. "2024-05-01T12:00:00+00:00".'
        )
    return parsed.astimezone(UTC)


def parse_datetime_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> datetime:
    if isinstance(node, StringValueNode):
        return parse_datetime(node.value)
    raise InvalidScalarError(
        'DateTime must be an ISO-8601 string, e.g. "2024-05-01T12:00:00+00:00".'
    )


SCALAR_MAP: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        description=(
            'A signed integer of arbitrary size, serialized as a decimal string (e.g. "-1500").'
        ),
        serialize=serialize_big_int,
        parse_value=parse_big_int,
        parse_literal=parse_big_int_literal,
    ),
    datetime: strawberry.scalar(
        name="DateTime",
        description='An ISO-8601 timestamp with a UTC offset, e.g. "2024-05-01T12:00:00+00:00".',
        serialize=serialize_datetime,
        parse_value=parse_datetime,
        parse_literal=parse_datetime_literal,
    ),
}
