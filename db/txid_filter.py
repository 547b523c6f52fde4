"""`txid IN (...)` over one address's transactions, fast on both databases."""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

from db.models import Transaction


def txid_among(txids: list[str], dialect: str) -> ColumnElement[bool]:
    """`txid IN (...)` for a page of up to 10,000 txids.

    PostgreSQL gets them as one array parameter, which it hashes; as 10,000 parameters it
    compared each row with every one of them (a 156k-row sync took minutes instead of
    seconds)."""
    if dialect == "postgresql":
        return Transaction.txid == any_(bindparam("txids", txids, type_=ARRAY(String)))
    return Transaction.txid.in_(txids)
