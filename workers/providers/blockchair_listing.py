"""A Blockchair address dashboard decoded straight into typed rows.

A first full sync of a large address reads pages of 10,000 transactions (1.3 MB of JSON each),
and the next page is decoded while the current one is written, so the decoded page adds to the
worker's peak memory. A dictionary for each row (four keys) took 3-4 times the memory of the
row's typed struct, and building it took the longest; msgspec builds only the four fields read
here and skips the rest of the answer (the UTXO list, the USD figures) in C.

Only what the general path (`blockchair._page_from` over `orjson.loads`) reads the same way is
taken: 64-bit integers (orjson reads integers up to 2**64 - 1 exactly and larger ones as floats,
which the general path rejects as amounts; msgspec would read any size, and bounds it checks
must fit 64 bits), strings where it reads strings, and a missing or null time.
Anything else (a string or float amount, a null hash, an answer without the address's entry)
decodes to None, and the caller reads the answer the general way, which reads or rejects it as
before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import msgspec

# Integers orjson reads as integers too (and 2**63 up to 2**64 - 1 go the general way).
_JsonInteger = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


class ListedTransaction(msgspec.Struct, gc=False):
    """One `transaction_details=true` row: block (-1 in the mempool), txid, time, net amount."""

    block_id: _JsonInteger
    hash: str
    balance_change: _JsonInteger
    time: str | None = None


class _Entry(msgspec.Struct, gc=False):
    address: dict[str, Any]
    transactions: list[ListedTransaction] | None = None


class _Dashboard(msgspec.Struct, gc=False):
    data: dict[str, _Entry]
    context: dict[str, Any]


_DASHBOARD = msgspec.json.Decoder(_Dashboard)


@dataclass(frozen=True, slots=True)
class AddressListing:
    """The parts of an address dashboard a page is made of."""

    transactions: list[ListedTransaction]
    summary_fields: dict[str, Any]
    """The entry's `address` object, as the general path reads it."""
    context: dict[str, Any]


def address_listing(body: bytes, address: str) -> AddressListing | None:
    """The dashboard's entry for `address` (keyed by the exact string requested); None for an
    answer the general path must read."""
    try:
        dashboard = _DASHBOARD.decode(body)
    except msgspec.DecodeError:  # a ValidationError too
        return None
    entry = dashboard.data.get(address)
    if entry is None:
        return None
    return AddressListing(entry.transactions or [], entry.address, dashboard.context)
