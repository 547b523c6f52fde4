"""An explorer's `txlist`/`txlistinternal` answer decoded straight into typed rows.

A full sync reads about 100 answers of 1,000 rows (600 KB each, 20 fields a row). Decoding
them into dictionaries of every field, then picking fields out, was the sync's largest cost;
msgspec reads only the fields listed here and skips the rest in C. Numbers stay strings until
`int()` turns them into exact integers, as the general path does: msgspec's own lenient
string-to-int conversion would accept "1e3" and go through a float for large exponents. Any
answer that is not an ordinary listing (an error, `status` "2", a missing field, a number
where a string is expected) decodes to None, and the caller reads it the general way."""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from workers.providers.ethereum_rows import (
    GENESIS_PREFIX,
    InternalRow,
    NormalRow,
    StreamRow,
    parse_time,
)

ListingDecoder = Callable[[bytes], "list[StreamRow] | None"]

_new_tuple = tuple.__new__
"""Makes a named tuple from its fields in order without its Python-level `__new__`."""


# Fields without a default are required, as the general path's `row[...]` requires them;
# keyword-only, so that required fields may follow optional ones. Field names are the
# explorer's (camelCase).


class _Normal(msgspec.Struct, kw_only=True, gc=False):
    """The `txlist` fields a sync reads (`to` is absent or empty for a contract creation)."""

    hash: str
    blockNumber: str
    timeStamp: str
    sender: str = msgspec.field(name="from")
    to: str | None = None
    value: str
    gasUsed: str | None = None
    gasPrice: str | None = None
    isError: str | None = "0"
    txreceipt_status: str | None = ""


class _Internal(msgspec.Struct, kw_only=True, gc=False):
    """The `txlistinternal` fields a sync reads; each explorer's subclass adds the
    transaction's hash and the row's place in its call tree, under its own names."""

    hash: str
    trace: str
    blockNumber: str
    timeStamp: str
    sender: str = msgspec.field(name="from")
    to: str | None
    contractAddress: str | None = None
    value: str
    isError: str


class _EtherscanInternal(_Internal, kw_only=True, gc=False):
    trace: str = msgspec.field(name="traceId")


class _BlockscoutInternal(_Internal, kw_only=True, gc=False):
    hash: str = msgspec.field(name="transactionHash")
    trace: str = msgspec.field(name="index")


class _NormalListing(msgspec.Struct, gc=False):
    status: str
    result: list[_Normal]


class _EtherscanInternalListing(msgspec.Struct, gc=False):
    status: str
    result: list[_EtherscanInternal]


class _BlockscoutInternalListing(msgspec.Struct, gc=False):
    status: str
    result: list[_BlockscoutInternal]


_NORMAL = msgspec.json.Decoder(_NormalListing)
_ETHERSCAN_INTERNAL = msgspec.json.Decoder(_EtherscanInternalListing)
_BLOCKSCOUT_INTERNAL = msgspec.json.Decoder(_BlockscoutInternalListing)


def normal_rows(body: bytes) -> list[StreamRow] | None:
    """The rows of a `txlist` answer with `status` "1", as `etherscan.normal_row` reads
    them; None for anything else."""
    try:
        listing = _NORMAL.decode(body)
    except msgspec.DecodeError:
        return None
    if listing.status != "1":
        return None
    rows: list[StreamRow] = []
    append = rows.append
    try:
        for row in listing.result:
            transaction_hash = row.hash
            if not transaction_hash.startswith(GENESIS_PREFIX):
                transaction_hash = transaction_hash.lower()
            # The tuple made directly: `NormalRow(...)` is a Python function that makes it,
            # a quarter of a row's cost. In field order. An explicit null `isError` is not
            # "0" (the general path's `str()` reads "None"), so it fails the transaction.
            append(
                _new_tuple(
                    NormalRow,
                    (
                        transaction_hash,
                        int(row.blockNumber),
                        parse_time(row.timeStamp),
                        row.sender.lower(),
                        (row.to or "").lower(),
                        int(row.value),
                        int(row.gasUsed or 0) * int(row.gasPrice or 0),
                        row.isError != "0" or row.txreceipt_status == "0",
                    ),
                )
            )
    except ValueError:
        return None
    return rows


def etherscan_internal_rows(body: bytes) -> list[StreamRow] | None:
    """The rows of an Etherscan `txlistinternal` answer with `status` "1"; else None."""
    return _internal_rows(_ETHERSCAN_INTERNAL, body)


def blockscout_internal_rows(body: bytes) -> list[StreamRow] | None:
    """The rows of a Blockscout `txlistinternal` answer with `status` "1"; else None."""
    return _internal_rows(_BLOCKSCOUT_INTERNAL, body)


def _internal_rows(
    decoder: msgspec.json.Decoder[_EtherscanInternalListing]
    | msgspec.json.Decoder[_BlockscoutInternalListing],
    body: bytes,
) -> list[StreamRow] | None:
    try:
        listing = decoder.decode(body)
    except msgspec.DecodeError:
        return None
    if listing.status != "1":
        return None
    try:
        return [
            _new_tuple(
                InternalRow,
                (
                    row.hash.lower(),
                    row.trace,
                    int(row.blockNumber),
                    parse_time(row.timeStamp),
                    row.sender.lower(),
                    (row.to or row.contractAddress or "").lower(),
                    int(row.value),
                    row.isError != "0",
                ),
            )
            for row in listing.result
        ]
    except ValueError:
        return None
