"""Solana's error bodies: the RPC provider's blocking answers and JSON-RPC errors."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

# The provider (rpcpool, behind api.mainnet-beta) writes these with odd spacing and the
# HTTP status as the code; the bytes below follow the recordings.
BLOCKING_MESSAGES = {
    403: "Access forbidden, contact your app developer or support@rpcpool.com.",
    410: "The RPC call or parameters have been disabled.",
    429: "Too many requests for a specific RPC call, contact your app developer or "
    "support@rpcpool.com.",
}
RETRY_AFTER_SECONDS = 1
NODE_BEHIND_SLOTS = 42
# JSON-RPC errors a fault can inject (anza-xyz/agave rpc-client-api custom_error.rs).
RPC_FAULT_MESSAGES = {
    -32005: f"Node is behind by {NODE_BEHIND_SLOTS} slots",
    -32007: "Slot 0 was skipped, or missing due to ledger jump to recent snapshot",
    -32009: "Slot 0 was skipped, or missing in long-term storage",
    -32011: "Transaction history is not available from this node",
    -32014: "Block status not yet available for slot 0",
    -32016: "Minimum context slot has not been reached",
    -32019: "Failed to query long-term storage; please try again",
}
UNSUPPORTED_VERSION = (
    "Transaction version (0) is not supported by the requesting client. Please try the "
    'request again with the following configuration parameter: "maxSupportedTransactionVersion": 0'
)
RPC_FAULT_MESSAGES[-32015] = UNSUPPORTED_VERSION
INVALID_LIMIT = "Invalid limit; max 1000"
COMMITMENT_TOO_LOW = "Method does not support commitment below `confirmed`"
INVALID_PARAM = "Invalid param: Invalid"
INVALID_SIGNATURE = "Invalid param: WrongSize"
METHOD_NOT_FOUND = "Method not found"


class RpcError(Exception):
    """A JSON-RPC error answered with HTTP 200."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


def error_json(error: RpcError, request_id: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.data is not None:
        body["data"] = error.data
    return {"jsonrpc": "2.0", "error": body, "id": request_id}


def rpc_fault(code: int) -> RpcError:
    data = {"numSlotsBehind": NODE_BEHIND_SLOTS} if code == -32005 else None
    return RpcError(code, RPC_FAULT_MESSAGES[code], data)


def blocking_response(status: int, request_id: Any) -> Response:
    """403, 410 or 429 exactly as recorded; 429 also says when to come back."""
    separator = " " if status == 429 or status == 403 else ""
    text = (
        f'{{"jsonrpc":"2.0","error":{{"code": {status},{separator}"message":'
        f'{json.dumps(BLOCKING_MESSAGES[status])}}}, "id": {json.dumps(request_id)} }}'
    )
    headers = {"retry-after": str(RETRY_AFTER_SECONDS)} if status == 429 else None
    return Response(text, status_code=status, media_type="application/json", headers=headers)
