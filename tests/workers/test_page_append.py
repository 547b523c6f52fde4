"""A page appended on SQLite stores its times exactly as SQLAlchemy would bind them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from workers.page_append import stored_time

BIND = sqlite.DATETIME().bind_processor(sqlite.dialect())  # type: ignore[no-untyped-call]


@pytest.mark.parametrize(
    "time",
    [
        datetime.fromtimestamp(1_695_777_985, UTC),
        datetime(2015, 7, 30, 15, 26, 13, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ],
)
def test_a_time_is_stored_as_sqlalchemy_binds_it_in_utc(time: datetime) -> None:
    assert BIND is not None
    assert stored_time(time) == BIND(time.astimezone(UTC).replace(tzinfo=None))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        stored_time(datetime(2024, 1, 1))
