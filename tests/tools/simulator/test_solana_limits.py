"""Solana's rate limits per method answer the provider's exact 429 body with Retry-After;
injected faults give its 403/410 bodies and JSON-RPC errors such as -32005."""

from __future__ import annotations

import httpx

from tests.tools.simulator.shapes import SAMPLES, load_sample
from tests.tools.simulator.solana_rpc import result, rpc
from tools.simulator.solana.seeds import SOLANA_BUSY_ADDRESS, SOLANA_V0_ADDRESS
from tools.simulator.testing import RunningSimulator

RATE_LIMITED_ID = "45f00a36-53c5-4037-9a1d-867fd6536afe"
FORBIDDEN_ID = "faa3a5cf-dd21-40c3-8a76-540c7e44f3b9"


def _sample_bytes(prefix: str) -> bytes:
    [path] = (SAMPLES / "solana").glob(f"{prefix}*")
    return path.read_bytes().strip()


def test_over_the_method_limit_is_the_recorded_429(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    fresh_simulator.admin.set_rate_limit("solana", 2, per_seconds=10)

    def signatures() -> httpx.Response:
        return rpc(
            http,
            fresh_simulator,
            "getSignaturesForAddress",
            SOLANA_V0_ADDRESS,
            request_id=RATE_LIMITED_ID,
        )

    allowed = [signatures(), signatures()]
    refused = signatures()
    other_method = rpc(http, fresh_simulator, "getBalance", SOLANA_V0_ADDRESS)

    assert [response.status_code for response in allowed] == [200, 200]
    assert refused.status_code == 429
    assert refused.content == _sample_bytes("solana_error-429")
    assert refused.headers["retry-after"] == "1"
    assert other_method.status_code == 200
    kinds = [record.kind for record in fresh_simulator.admin.requests("solana")]
    assert kinds == ["getSignaturesForAddress"] * 3 + ["getBalance"]
    assert fresh_simulator.admin.requests("solana")[2].refused_by == "rate_limited"


def test_blocking_faults_are_the_recorded_bodies(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    admin = fresh_simulator.admin
    admin.inject_fault("solana", "error_status", status=403, path_contains="getTransaction")
    admin.inject_fault("solana", "error_status", status=410)

    slot = rpc(http, fresh_simulator, "getSlot", request_id=21)
    forbidden = rpc(http, fresh_simulator, "getTransaction", "1" * 64, request_id=FORBIDDEN_ID)

    assert slot.status_code == 410
    assert slot.content == _sample_bytes("solana_error-410")
    assert forbidden.status_code == 403
    assert forbidden.content == _sample_bytes("solana_error-403")


def test_node_unhealthy_is_a_json_rpc_error(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    fresh_simulator.admin.inject_fault("solana", "rpc_error", status=-32005)

    unhealthy = rpc(http, fresh_simulator, "getHealth")
    healthy = rpc(http, fresh_simulator, "getHealth")

    assert unhealthy.status_code == 200
    assert unhealthy.json() == load_sample(
        "solana/solana_error-32005-node-unhealthy_from-docs.json"
    )
    assert result(healthy) == "ok"


def test_solana_admin_over_http(http: httpx.Client, fresh_simulator: RunningSimulator) -> None:
    admin_url = fresh_simulator.admin_url

    state = http.get(f"{admin_url}/solana/state").json()
    mined = http.post(
        f"{admin_url}/solana/slots",
        json={"transfers": [{"address": SOLANA_V0_ADDRESS, "lamports": 1_234, "version": 0}]},
    ).json()
    history = http.get(f"{admin_url}/solana/addresses/{SOLANA_V0_ADDRESS}/transactions").json()
    limit = http.post(f"{admin_url}/rate-limit", json={"provider": "solana", "requests": 1})
    fault = http.post(
        f"{admin_url}/faults", json={"provider": "solana", "kind": "rpc_error", "status": -32016}
    )
    bad_fault = http.post(
        f"{admin_url}/faults", json={"provider": "esplora", "kind": "rpc_error", "status": -32005}
    )

    assert SOLANA_BUSY_ADDRESS in state["seeded_addresses"]
    assert mined["slot"] == state["tip_slot"] + 1
    assert history["transactions"][0]["signature"] == mined["signatures"][0]
    assert history["transactions"][0]["lamports"] == 1_234
    assert history["balance_lamports"] == fresh_simulator.solana.balance_lamports(SOLANA_V0_ADDRESS)
    assert (limit.status_code, fault.status_code, bad_fault.status_code) == (200, 200, 400)
    # The fault answers before the limit counts the call.
    assert rpc(http, fresh_simulator, "getSlot").json()["error"]["code"] == -32016
    assert rpc(http, fresh_simulator, "getSlot").status_code == 200
    assert rpc(http, fresh_simulator, "getSlot").status_code == 429


def test_slot_version_and_missing_transaction_faults(
    http: httpx.Client, fresh_simulator: RunningSimulator
) -> None:
    signature = fresh_simulator.solana.transactions(SOLANA_V0_ADDRESS)[0].signature
    config = {"encoding": "json", "maxSupportedTransactionVersion": 0}
    for code in (-32007, -32009, -32015):
        fresh_simulator.admin.inject_fault("solana", "rpc_error", status=code)
    fresh_simulator.admin.inject_fault("solana", "null_result")

    answers = [rpc(http, fresh_simulator, "getTransaction", signature, config) for _ in range(5)]

    skipped, missing, version, null, found = (answer.json() for answer in answers)
    for answer, sample in (
        (skipped, "solana/solana_error-32007-slot-skipped_from-docs.json"),
        (missing, "solana/solana_error-32009-slot-missing-long-term-storage_from-docs.json"),
    ):
        expected = load_sample(sample)
        assert answer["error"]["code"] == expected["error"]["code"]
        assert (
            answer["error"]["message"].split(" ", 2)[2]
            == (expected["error"]["message"].split(" ", 2)[2])
        )
    assert version == load_sample(
        "solana/solana_error-32015-unsupported-tx-version-current-message_from-docs.json"
    )
    assert null == {"jsonrpc": "2.0", "result": None, "id": 1}
    assert found["result"]["transaction"]["signatures"][0] == signature
