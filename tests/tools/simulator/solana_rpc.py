"""A small JSON-RPC client for the Solana tests."""

from __future__ import annotations

from typing import Any

import httpx

from tools.simulator.testing import RunningSimulator


def rpc(
    http: httpx.Client,
    simulator: RunningSimulator,
    method: str,
    *params: Any,
    request_id: Any = 1,
) -> httpx.Response:
    return http.post(
        simulator.solana_url,
        json={"jsonrpc": "2.0", "id": request_id, "method": method, "params": list(params)},
    )


def result(response: httpx.Response) -> Any:
    body = response.json()
    assert response.status_code == 200, body
    assert "error" not in body, body
    return body["result"]


def transaction(http: httpx.Client, simulator: RunningSimulator, signature: str) -> Any:
    config = {"encoding": "json", "commitment": "finalized", "maxSupportedTransactionVersion": 0}
    return result(rpc(http, simulator, "getTransaction", signature, config))
