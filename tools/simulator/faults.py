"""Faults queued for the next calls of a provider, optionally only for matching paths."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from tools.simulator.ethereum.errors import ETHEREUM_FAULT_STATUSES
from tools.simulator.provider_errors import BLOCKCHAIR_FAULT_STATUSES, ESPLORA_FAULT_STATUSES
from tools.simulator.provider_responses import FAULT_STATUSES, RPC_FAULT_CODES
from tools.simulator.types import FAULT_KINDS, PROVIDERS, FaultKind, Provider


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do instead of (or before) answering.

    - error_status: the provider's real error body with `status`;
    - html_429: an nginx HTML 429 page;
    - timeout: wait `delay_seconds` (or until the client gives up), then answer normally;
    - drop_connection: send the headers and half the body, then close the connection;
    - malformed_json: a 200 whose body is the real body cut in half;
    - notok (Etherscan only): HTTP 200 `status "0"` NOTOK "Free API access is temporarily
      unavailable…";
    - rpc_error (Solana only): a JSON-RPC error with HTTP 200, `status` being its code
      (-32005 node unhealthy, -32007, -32009, -32011, -32014, -32015, -32016, -32019);
    - null_result (Solana only): HTTP 200 with `"result": null`, as a node answers
      getTransaction for a signature it does not have (yet).
    """

    kind: FaultKind
    count: int = 1
    status: int | None = None
    delay_seconds: float = 30.0
    # Matched against the path plus "?query", e.g. "/txs/chain" or "offset=10000".
    path_contains: str | None = None

    def validate(self, provider: Provider) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(FAULT_KINDS)}")
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if self.kind == "timeout" and self.delay_seconds <= 0:
            raise ValueError("a timeout needs a positive delay_seconds")
        if self.kind == "notok" and provider != "etherscan":
            raise ValueError("only Etherscan answers NOTOK")
        if self.kind == "null_result" and provider != "solana":
            raise ValueError("null_result is for solana")
        if self.kind == "rpc_error" and (
            provider != "solana" or self.status not in RPC_FAULT_CODES
        ):
            raise ValueError(
                f"rpc_error is for solana, with status one of {sorted(RPC_FAULT_CODES)}"
            )
        if self.kind == "error_status":
            allowed = {
                "blockchair": BLOCKCHAIR_FAULT_STATUSES,
                "esplora": ESPLORA_FAULT_STATUSES,
                "etherscan": ETHEREUM_FAULT_STATUSES,
                "blockscout": ETHEREUM_FAULT_STATUSES,
                **FAULT_STATUSES,
            }[provider]
            if self.status not in allowed:
                raise ValueError(f"{provider} error statuses: {sorted(allowed)}")

    def matches(self, target: str) -> bool:
        return self.path_contains is None or self.path_contains in target


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: dict[Provider, list[Fault]] = {provider: [] for provider in PROVIDERS}

    def add(self, provider: Provider, fault: Fault) -> None:
        fault.validate(provider)
        with self._lock:
            self._queued[provider].append(fault)

    def take(self, provider: Provider, target: str) -> Fault | None:
        """The first queued fault matching the call, used up by one."""
        with self._lock:
            queued = self._queued[provider]
            for position, fault in enumerate(queued):
                if fault.matches(target):
                    if fault.count == 1:
                        del queued[position]
                    else:
                        queued[position] = replace(fault, count=fault.count - 1)
                    return fault
            return None

    def clear(self) -> None:
        with self._lock:
            for faults in self._queued.values():
                faults.clear()
