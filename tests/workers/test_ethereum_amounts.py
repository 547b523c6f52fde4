"""Normal and internal rows of one hash net to one exact amount, in the order hashes first
appear, with withdrawals after them."""

from __future__ import annotations

from datetime import UTC, datetime

from workers.ethereum_amounts import net_transactions
from workers.providers.base import ProviderTransaction
from workers.providers.ethereum_rows import InternalRow, NormalRow, StreamRow, WithdrawalRow

ME = "0x706a70067be19bdadbea3600db0626859ff25d74"
OTHER = "0x1109706b91358195f9f6cffd29469abd8a8275b3"
LARGEST = 2**256 - 1
T1 = datetime(2024, 1, 1, tzinfo=UTC)
T2 = datetime(2024, 1, 2, tzinfo=UTC)


def test_each_hash_nets_to_one_exact_amount_in_the_order_it_first_appears() -> None:
    rows: list[StreamRow] = [
        # Received in full, beyond 256 bits' worth of wei less one.
        NormalRow("0xa", 10, T1, OTHER, ME, LARGEST, 21_000, False),
        # An internal row before its own normal row: the hash keeps this first place, at the
        # normal row's block and time.
        InternalRow("0xb", "0_1", 11, T2, OTHER, ME, 7, False),
        # Sent: value and fee leave.
        NormalRow("0xc", 12, T2, ME, OTHER, 5, 3, False),
        WithdrawalRow(4, 13, T2, 10**18),
        # Failed and sent: only the fee leaves, its internal calls move nothing.
        NormalRow("0xd", 14, T2, ME, OTHER, 9, 2, True),
        InternalRow("0xd", "0", 14, T2, OTHER, ME, 100, False),
        NormalRow("0xb", 12, T1, ME, OTHER, 1, 4, False),
        # Internal rows alone, one of them failed: only the others count.
        InternalRow("0xe", "0", 15, T1, OTHER, ME, LARGEST, False),
        InternalRow("0xe", "1", 15, T1, ME, OTHER, 1, False),
        InternalRow("0xe", "2", 15, T1, OTHER, ME, 50, True),
        # Not this address's at all (a fee paid by another): nothing moves.
        NormalRow("0xf", 16, T1, OTHER, OTHER, 8, 8, False),
    ]

    assert net_transactions(ME, rows) == [
        ProviderTransaction("0xa", 10, T1, LARGEST, None, False),
        ProviderTransaction("0xb", 12, T1, 7 - 1 - 4, 4, False),
        ProviderTransaction("0xc", 12, T2, -8, 3, False),
        ProviderTransaction("0xd", 14, T2, -2, 2, True),
        ProviderTransaction("0xe", 15, T1, LARGEST - 1, None, False),
        ProviderTransaction("0xf", 16, T1, 0, None, False),
        ProviderTransaction("withdrawal:4", 13, T2, 10**18, None, False),
    ]
    assert all(type(transaction.amount_sat) is int for transaction in net_transactions(ME, rows))
