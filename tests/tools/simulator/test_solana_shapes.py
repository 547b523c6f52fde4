"""Solana JSON-RPC answers have the recorded keys and types, and the recorded error bodies."""

from __future__ import annotations

import httpx

from tests.tools.simulator.shapes import SAMPLES, Shape, load_sample
from tests.tools.simulator.solana_rpc import result, rpc, transaction
from tools.simulator.solana.seeds import (
    SOLANA_BUSY_ADDRESS,
    SOLANA_RECEIVER_ADDRESS,
    SOLANA_UNUSED_ADDRESS,
    SOLANA_V0_ADDRESS,
)
from tools.simulator.testing import RunningSimulator

SIGNATURES_1000 = load_sample(
    "solana/solana_getSignaturesForAddress-limit1000-312sigs-incl-failed_rotki-test-caching-2026.json"
)
SIGNATURES_BEFORE_UNTIL = load_sample(
    "solana/solana_getSignaturesForAddress-before-until_rotki-test-caching.json"
)
LEGACY_TRANSFER = load_sample(
    "solana/solana_getTransaction-legacy-native-SOL-transfer_rotki-test-caching-2026-03.json"
)
V0_TRANSACTION = load_sample(
    "solana/solana_getTransaction-v0-with-loadedAddresses_rotki-test-caching.json"
)
MULTIPLE_ACCOUNTS = load_sample(
    "solana/solana_getMultipleAccounts-lamports_rotki-test-caching.json"
)
GENESIS_BLOCK = load_sample(
    "solana/solana_getBlock-slot0-genesis-archive-check_rotki-test-caching.json"
)

ERROR_VARIANTS = frozenset({"InstructionError", "InsufficientFundsForRent"})


def _sample_text(name: str) -> str:
    return (SAMPLES / "solana" / name).read_text().strip()


def test_signatures_match_the_recordings(http: httpx.Client, simulator: RunningSimulator) -> None:
    shape = Shape.of(SIGNATURES_1000["result"], SIGNATURES_BEFORE_UNTIL["result"])

    page = result(rpc(http, simulator, "getSignaturesForAddress", SOLANA_BUSY_ADDRESS))

    assert len(page) == 1000
    # `err` is one of several variants, each an object with one key.
    assert shape.mismatches(page, optional=ERROR_VARIANTS) == []
    assert any(entry["err"] is not None for entry in page)
    assert {entry["confirmationStatus"] for entry in page} == {"finalized"}


def test_legacy_transaction_matches_the_recording(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    [signature] = [
        entry.signature
        for entry in simulator.solana.transactions(SOLANA_RECEIVER_ADDRESS)
        if not entry.failed
    ][:1]

    found = transaction(http, simulator, signature)

    assert Shape.of(LEGACY_TRANSFER["result"]).mismatches(found) == []
    assert found["version"] == "legacy"
    assert found["meta"]["loadedAddresses"] == {"readonly": [], "writable": []}


def test_v0_transaction_matches_the_recording(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    signatures = [
        entry.signature
        for entry in simulator.solana.transactions(SOLANA_V0_ADDRESS)
        if not entry.failed
    ]

    for signature in signatures[:5]:
        found = transaction(http, simulator, signature)
        # costUnits is newer than the v0 recording.
        problems = Shape.of(V0_TRANSACTION["result"]).mismatches(
            found, optional=frozenset({"costUnits"})
        )
        assert problems == []
        assert found["version"] == 0


def test_v0_without_max_version_is_the_recorded_error(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    signature = simulator.solana.transactions(SOLANA_V0_ADDRESS)[0].signature

    response = rpc(http, simulator, "getTransaction", signature, {"encoding": "json"})

    expected = _sample_text(
        "solana_error-32015-unsupported-tx-version-current-message_from-docs.json"
    )
    assert response.json() == httpx.Response(200, text=expected).json()


def test_unknown_signature_is_a_null_result(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    unknown = "1" * 64

    response = rpc(
        http, simulator, "getTransaction", unknown, {"maxSupportedTransactionVersion": 0}
    )

    assert response.json() == load_sample(
        "solana/solana_getTransaction-not-found-null_from-docs.json"
    )


def test_limit_outside_1_to_1000_is_the_recorded_error(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    expected = load_sample("solana/solana_error-32602-invalid-limit_from-docs.json")

    for limit in (0, 1001):
        response = rpc(
            http, simulator, "getSignaturesForAddress", SOLANA_BUSY_ADDRESS, {"limit": limit}
        )
        assert response.json() == expected


def test_balance_slot_height_health_accounts_and_genesis(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    balance = result(rpc(http, simulator, "getBalance", SOLANA_V0_ADDRESS))
    slot = result(rpc(http, simulator, "getSlot"))
    height = result(rpc(http, simulator, "getBlockHeight"))
    health = rpc(http, simulator, "getHealth", request_id=0)
    accounts = result(
        rpc(http, simulator, "getMultipleAccounts", [SOLANA_V0_ADDRESS, SOLANA_UNUSED_ADDRESS])
    )
    genesis = rpc(http, simulator, "getBlock", 0, request_id=0)

    assert balance["value"] == simulator.solana.balance_lamports(SOLANA_V0_ADDRESS)
    assert balance["context"]["slot"] == slot == simulator.solana.tip_slot
    assert isinstance(height, int)
    assert height < slot
    assert health.json() == load_sample("solana/solana_getHealth-ok_rotki-test-caching.json")
    assert (
        Shape.of(MULTIPLE_ACCOUNTS["result"]).mismatches(accounts, nullable=frozenset({"value"}))
        == []
    )
    assert accounts["value"][0]["lamports"] == balance["value"]
    assert accounts["value"][1] is None
    assert genesis.json() == GENESIS_BLOCK


def test_invalid_address_and_unknown_method(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    invalid = rpc(http, simulator, "getBalance", "1" * 31)
    unknown = rpc(http, simulator, "getProgramAccounts", SOLANA_V0_ADDRESS)

    assert invalid.json()["error"]["code"] == -32602
    assert unknown.json()["error"]["code"] == -32601
