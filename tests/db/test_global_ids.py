"""Ids and cursors a page builds from a shared prefix are the ones the API gives one at a time:
a client holding either kind keeps using it (`node(id:)`, `after:`)."""

from __future__ import annotations

from db.global_ids import global_id, opaque_key
from resolvers.pagination import CursorCodec
from resolvers.transactions import transaction_cursors
from schema.transactions import transaction_id_prefix

# Keys of every length from 1 to 19 digits, so the base64 text ends in every padding.
KEYS = [int("9" * digits) for digits in range(1, 20)] + [0, 1, 10, 100, 2**63 - 1]


def test_a_transaction_id_from_a_prefix_is_the_global_id() -> None:
    for wallet_id in (1, 42, 12_345):
        for key in KEYS:
            assert opaque_key(transaction_id_prefix(wallet_id), key) == global_id(
                "Transaction", wallet_id, key
            )


def test_a_cursor_from_the_codecs_prefix_is_the_encoded_cursor() -> None:
    for codec in (transaction_cursors(7), CursorCodec(kind="wallet", scope=123, key_length=1)):
        for sort_key in (0, 1_800_000_000, 9_999_999_999_999):
            for key in KEYS:
                full = (sort_key, key) if codec.key_length == 2 else (key,)
                leading = "".join(f"{part}:" for part in full[:-1])
                encoded = opaque_key(f"{codec.prefix()}{leading}", full[-1])
                assert encoded == codec.encode(full)
                assert codec.decode(encoded, argument="after") == full
