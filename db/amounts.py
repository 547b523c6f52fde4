"""Exact amounts in a chain's base unit, up to 2**256 - 1 in size, on both databases.

PostgreSQL stores them as NUMERIC(78, 0) and sums them exactly. SQLite has no integer wider
than 64 bits: an amount column there has no type affinity, so an amount that fits 64 bits is
stored as an INTEGER (every Bitcoin-like amount: native SUM stays fast) and a larger one (wei)
as its decimal TEXT. Native SUM would turn such TEXT into a float, and overflows on sums past
64 bits, so sums over a chain whose amounts can outgrow 64 bits go through `exact_sum`, a Python
aggregate and window function registered on every SQLite connection (`register_functions`);
on PostgreSQL it is plain SUM. `amount_sign` likewise compares amounts of any size with 0."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, and_, case, func, literal_column
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql._typing import ColumnExpressionArgument
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType
from sqlalchemy.util import await_only

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# 2**256 - 1 has 78 decimal digits.
AMOUNT_DIGITS = 78


class _UntypedSQLiteColumn(UserDefinedType[Any]):
    """A column SQLite gives no type affinity ("BLOB"): values keep the type they are bound
    with, INTEGER or TEXT, so a 2**70 wei amount is never turned into a float."""

    cache_ok = True

    def get_col_spec(self, **_: Any) -> str:
        return "BLOB"


class Amount(TypeDecorator[int]):
    """A signed amount in base units as a Python int, exact up to 2**256 - 1 in size."""

    impl = Numeric(AMOUNT_DIGITS, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_UntypedSQLiteColumn())
        return dialect.type_descriptor(Numeric(AMOUNT_DIGITS, 0))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> int | str | None:
        if value is None or dialect.name != "sqlite":
            return value
        return value if INT64_MIN <= value <= INT64_MAX else str(value)

    def process_result_value(self, value: object, dialect: Dialect) -> int | None:
        return stored_amount(value)


def stored_amount(value: object) -> int | None:
    """An amount as a query returns it (int, Decimal or SQLite TEXT), as an int."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value)
    return int(str(value))


class exact_sum(GenericFunction[int]):
    """SUM over amounts of any size: `exact_sum` on SQLite, SUM on PostgreSQL."""

    type = Amount()
    inherit_cache = True


class amount_sign(GenericFunction[int]):
    """-1, 0 or 1 for an amount of any size: `amount_sign` on SQLite, SIGN elsewhere."""

    inherit_cache = True


@compiles(exact_sum, "postgresql")
def _sum_on_postgresql(element: exact_sum, compiler: SQLCompiler, **kw: Any) -> str:
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(amount_sign, "postgresql")
def _sign_on_postgresql(element: amount_sign, compiler: SQLCompiler, **kw: Any) -> str:
    return f"sign({compiler.process(element.clauses, **kw)})"


def amount_total(column: ColumnExpressionArgument[Any], *, big_amounts: bool) -> ColumnElement[Any]:
    """SUM of `column`: the native one when every amount and sum fits 64 bits (fast), else
    the exact one."""
    return exact_sum(column) if big_amounts else func.sum(column)


def amount_sign_of(
    column: ColumnElement[Any] | InstrumentedAttribute[Any], *, big_amounts: bool
) -> ColumnElement[Any]:
    """-1, 0 or 1 for `column`: compared in SQL when amounts fit 64 bits (SQLite orders any
    TEXT after every number, so a large negative amount needs `amount_sign`)."""
    if big_amounts:
        return amount_sign(column)
    return case((column > 0, 1), (column < 0, -1), else_=0)


_HALF_BITS = 32
_LOW_HALF = 2**_HALF_BITS - 1


@dataclass(frozen=True)
class AmountSum:
    """SUM of an amount column over the rows of a query (or those meeting a condition), exact
    up to 2**256 - 1 in size: its `columns` go into the query, and `value` turns what they
    return into the sum.

    On SQLite with amounts past 64 bits, `exact_sum` costs a Python call a row (a full
    Ethereum history: 100,000 rows, of which a few hundred are TEXT). Here the INTEGER
    amounts are summed natively in two halves, `amount >> 32` (arithmetic, so it keeps the
    sign) and `amount & 0xFFFFFFFF`, each below 2**32 in size, so neither SUM can leave 64
    bits before 2**31 rows; only the TEXT amounts go through `exact_sum`. Each SUM takes its
    rows by a FILTER on the column itself (no CASE around it evaluated per aggregate).
    Elsewhere: one column, the SUM of `amount_total`."""

    columns: tuple[ColumnElement[Any], ...]

    def value(self, values: Sequence[object]) -> int:
        """The sum, from the values of `columns` in their order (a SUM of no rows is 0)."""
        if len(values) == 1:
            return stored_amount(values[0]) or 0
        high, low, text = values
        return (
            ((stored_amount(high) or 0) << _HALF_BITS)
            + (stored_amount(low) or 0)
            + (stored_amount(text) or 0)
        )


def amount_sum(
    amount: ColumnElement[Any] | InstrumentedAttribute[Any],
    *,
    dialect_name: str,
    big_amounts: bool,
    when: ColumnElement[bool] | None = None,
    positive: bool = False,
) -> AmountSum:
    """`AmountSum` of the `amount` column over the rows meeting `when` (all if None) and,
    with `positive`, only its amounts above 0."""
    if not big_amounts or dialect_name != "sqlite":
        conditions = [when] if when is not None else []
        if positive:
            conditions.append(amount_sign_of(amount, big_amounts=big_amounts) > 0)
        summed = case((and_(*conditions), amount), else_=0) if conditions else amount
        return AmountSum((amount_total(summed, big_amounts=big_amounts),))
    native = [func.typeof(amount) == "integer"]
    text = [func.typeof(amount) == "text"]
    if when is not None:
        native.append(when)
        text.append(when)
    if positive:
        native.append(amount > 0)
        # TEXT amounts are decimal digits, so the sign is the first character (a TEXT 0,
        # which `Amount` never binds, would add nothing either way).
        text.append(func.substr(amount, 1, 1) != "-")
    return AmountSum(
        (
            func.sum(amount.op(">>")(literal_column(str(_HALF_BITS)))).filter(and_(*native)),
            func.sum(amount.op("&")(literal_column(str(_LOW_HALF)))).filter(and_(*native)),
            exact_sum(amount).filter(and_(*text)),
        )
    )


class _ExactSum:
    """`exact_sum` for SQLite: an aggregate and window function over INTEGER and TEXT amounts;
    its result is an INTEGER when it fits 64 bits, else TEXT."""

    def __init__(self) -> None:
        self.total = 0
        self.seen = False

    def step(self, value: object) -> None:
        # Called once a row: an INTEGER (most amounts) is added without a call.
        if type(value) is int:
            self.total += value
            self.seen = True
        elif value is not None:
            self.total += stored_amount(value) or 0
            self.seen = True

    def inverse(self, value: object) -> None:
        if value is not None:
            self.total -= stored_amount(value) or 0

    def value(self) -> int | str | None:
        if not self.seen:
            return None
        return self.total if INT64_MIN <= self.total <= INT64_MAX else str(self.total)

    def finalize(self) -> int | str | None:
        return self.value()


def _amount_sign(value: object) -> int | None:
    if type(value) is int:
        return (value > 0) - (value < 0)
    amount = stored_amount(value)
    if amount is None:
        return None
    return int(amount > 0) - int(amount < 0)


def register_functions(dbapi_connection: Any) -> None:
    """Adds `exact_sum` and `amount_sign` to a new aiosqlite connection, on its own thread."""
    driver = dbapi_connection.driver_connection
    raw = driver._conn
    await_only(driver._execute(raw.create_window_function, "exact_sum", 1, _ExactSum))
    await_only(driver.create_function("amount_sign", 1, _amount_sign, deterministic=True))
