"""BigInt and DateTime: exact integers as strings, timestamps always with an offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from schema.scalars import (
    parse_big_int,
    parse_datetime,
    serialize_big_int,
    serialize_datetime,
)

TWENTY_ONE_MILLION_BTC = 21_000_000 * 10**8


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (0, 0),
        ("-1500", -1500),
        (TWENTY_ONE_MILLION_BTC, TWENTY_ONE_MILLION_BTC),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**70), 2**70),
        (str(2**256 - 1), 2**256 - 1),
        (-(2**256 - 1), -(2**256 - 1)),
    ],
)
def test_big_int_parses_integers_and_decimal_strings(given: object, expected: int) -> None:
    assert parse_big_int(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (1.5, "must be an integer"),
        ("1.5", "must be an integer"),
        ("1e8", "must be an integer"),
        (" 12", "must be an integer"),
        (True, "not a boolean"),
        (str(2**256), "out of range"),
        (-(2**256), "out of range"),
        ("1" * 79, "must be an integer"),
    ],
)
def test_big_int_rejects_non_integers_and_out_of_range_values(given: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_big_int(given)


def test_big_int_serializes_as_a_decimal_string_without_float_rounding() -> None:
    assert serialize_big_int(TWENTY_ONE_MILLION_BTC + 1) == "2100000000000001"
    assert serialize_big_int(-1500) == "-1500"


def test_datetime_serializes_in_utc_with_an_offset() -> None:
    berlin = datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert serialize_datetime(berlin) == "2024-05-01T12:00:00+00:00"


def test_datetime_parses_offsets_and_z() -> None:
    assert parse_datetime("2024-05-01T12:00:00Z") == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert parse_datetime("2024-05-01T14:00:00+02:00") == datetime(2024, 5, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "message"), [("2024-05-01T12:00:00", "no UTC offset"), ("yesterday", "not ISO-8601")]
)
def test_datetime_rejects_naive_and_garbage(given: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_datetime(given)
