"""Solana histories: paging through tens of thousands of signatures with before/until, and
each transaction's balances giving the address's true change (v0 loaded addresses and
failed transactions included)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.tools.simulator.solana_rpc import result, rpc, transaction
from tools.simulator.solana.admin import SolanaTransfer
from tools.simulator.solana.seeds import (
    SOLANA_FAILED_ADDRESS,
    SOLANA_LARGE_ADDRESS,
    SOLANA_LARGE_SIGNATURES,
    SOLANA_RECEIVER_ADDRESS,
    SOLANA_SENDER_ADDRESS,
    SOLANA_V0_ADDRESS,
)
from tools.simulator.testing import RunningSimulator


def _page(
    http: httpx.Client, simulator: RunningSimulator, address: str, **config: Any
) -> list[str]:
    entries = result(rpc(http, simulator, "getSignaturesForAddress", address, config))
    return [entry["signature"] for entry in entries]


def _change(found: dict[str, Any], address: str) -> int:
    """post - pre at the address's index in accountKeys + loaded writable + loaded read-only."""
    loaded = found["meta"]["loadedAddresses"]
    keys = [
        *found["transaction"]["message"]["accountKeys"],
        *loaded["writable"],
        *loaded["readonly"],
    ]
    assert len(keys) == len(found["meta"]["preBalances"]) == len(found["meta"]["postBalances"])
    if address not in keys:
        return 0
    index = keys.index(address)
    change: int = found["meta"]["postBalances"][index] - found["meta"]["preBalances"][index]
    return change


def test_backfill_pages_through_every_signature_newest_first(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    truth = [entry.signature for entry in simulator.solana.transactions(SOLANA_LARGE_ADDRESS)]

    fetched: list[str] = []
    page = _page(http, simulator, SOLANA_LARGE_ADDRESS, limit=1000)
    while True:
        fetched += page
        if len(page) < 1000:
            break
        page = _page(http, simulator, SOLANA_LARGE_ADDRESS, limit=1000, before=page[-1])

    assert len(truth) == SOLANA_LARGE_SIGNATURES
    assert fetched == truth


def test_before_and_until_are_exclusive(http: httpx.Client, simulator: RunningSimulator) -> None:
    truth = [entry.signature for entry in simulator.solana.transactions(SOLANA_LARGE_ADDRESS)]

    between = _page(http, simulator, SOLANA_LARGE_ADDRESS, before=truth[1500], until=truth[1520])
    newer = [
        *_page(http, simulator, SOLANA_LARGE_ADDRESS, until=truth[2500]),
        *_page(http, simulator, SOLANA_LARGE_ADDRESS, until=truth[2500], before=truth[999]),
        *_page(http, simulator, SOLANA_LARGE_ADDRESS, until=truth[2500], before=truth[1999]),
    ]

    assert between == truth[1501:1520]
    assert newer == truth[:2500]


def test_v0_balances_follow_account_keys_then_loaded_addresses(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    loaded_writable = 0
    for entry in simulator.solana.transactions(SOLANA_V0_ADDRESS):
        found = transaction(http, simulator, entry.signature)
        meta = found["meta"]

        assert _change(found, SOLANA_V0_ADDRESS) == entry.lamports
        assert sum(meta["postBalances"]) - sum(meta["preBalances"]) == -meta["fee"]
        static = found["transaction"]["message"]["accountKeys"]
        if SOLANA_V0_ADDRESS in meta["loadedAddresses"]["writable"]:
            loaded_writable += 1
            assert SOLANA_V0_ADDRESS not in static
            position = meta["loadedAddresses"]["writable"].index(SOLANA_V0_ADDRESS)
            index = len(static) + position
            change = meta["postBalances"][index] - meta["preBalances"][index]
            assert change == entry.lamports
    assert loaded_writable > 5


def test_failed_transactions_cost_the_payer_its_fee_only(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    failed = [e for e in simulator.solana.transactions(SOLANA_FAILED_ADDRESS) if e.failed]
    signatures = {
        entry["signature"]: entry
        for entry in result(rpc(http, simulator, "getSignaturesForAddress", SOLANA_FAILED_ADDRESS))
    }

    assert any(entry.fee_payer for entry in failed)
    assert any(not entry.fee_payer for entry in failed)
    for entry in failed:
        found = transaction(http, simulator, entry.signature)
        meta = found["meta"]
        changes = [
            post - pre for pre, post in zip(meta["preBalances"], meta["postBalances"], strict=True)
        ]

        assert meta["err"] is not None
        assert meta["status"] == {"Err": meta["err"]}
        assert signatures[entry.signature]["err"] == meta["err"]
        assert changes[0] == -meta["fee"]
        assert all(change == 0 for change in changes[1:])
        expected = -entry.fee if entry.fee_payer else 0
        assert _change(found, SOLANA_FAILED_ADDRESS) == entry.lamports == expected


def test_transfers_between_seeded_addresses_appear_in_both_histories(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    sent = {e.signature: e for e in simulator.solana.transactions(SOLANA_SENDER_ADDRESS)}
    received = {e.signature: e for e in simulator.solana.transactions(SOLANA_RECEIVER_ADDRESS)}

    shared = sent.keys() & received.keys()
    assert shared
    for signature in shared:
        found = transaction(http, simulator, signature)
        assert found["transaction"]["message"]["accountKeys"][0] == SOLANA_SENDER_ADDRESS
        assert sent[signature].lamports == -(received[signature].lamports + found["meta"]["fee"])


def test_mined_transfers_are_served_and_paged_with_until(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    solana = fresh_simulator.solana
    newest = solana.transactions(SOLANA_V0_ADDRESS)[0].signature
    balance = solana.balance_lamports(SOLANA_V0_ADDRESS)

    mined = solana.mine_slot(
        [
            SolanaTransfer(SOLANA_V0_ADDRESS, 2_000_000, version=0, loaded=True),
            SolanaTransfer(SOLANA_V0_ADDRESS, -500_000, counterparty=SOLANA_RECEIVER_ADDRESS),
            SolanaTransfer(SOLANA_V0_ADDRESS, -700_000, failed=True),
        ]
    )

    since = _page(http, fresh_simulator, SOLANA_V0_ADDRESS, until=newest)
    assert since == list(reversed(mined.signatures))
    assert solana.balance_lamports(SOLANA_V0_ADDRESS) == balance + 2_000_000 - 505_000 - 5_000
    changes = [
        _change(transaction(http, fresh_simulator, s), SOLANA_V0_ADDRESS) for s in mined.signatures
    ]
    assert changes == [2_000_000, -505_000, -5_000]
    receiver = transaction(http, fresh_simulator, mined.signatures[1])
    assert _change(receiver, SOLANA_RECEIVER_ADDRESS) == 500_000
    assert result(rpc(http, fresh_simulator, "getSlot")) == mined.slot
