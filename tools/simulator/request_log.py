"""Every provider call the simulator received, with arrival times and the status sent."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tools.simulator.types import Provider


@dataclass(slots=True)
class RequestRecord:
    provider: Provider
    kind: str
    path: str
    query: str
    client: str
    # time.monotonic() at arrival.
    at: float
    status: int | None = None
    # The injected fault or refusal that answered instead of the API, if any:
    # a fault kind, "rate_limited" or "api_key".
    refused_by: str | None = None
    # A JSON-RPC call's params as sent (Solana), e.g. to see `before` and `until`.
    params: Any = None


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(
        self, provider: Provider | None = None, kind: str | None = None
    ) -> list[RequestRecord]:
        with self._lock:
            return [
                record
                for record in self._records
                if (provider is None or record.provider == provider)
                and (kind is None or record.kind == kind)
            ]

    def reset(self) -> None:
        with self._lock:
            self._records.clear()


def peak_rate(records: Iterable[RequestRecord], window_seconds: float) -> int:
    """The most of the records that arrived within any `window_seconds`."""
    times = sorted(record.at for record in records)
    peak = 0
    start = 0
    for end, arrived in enumerate(times):
        while arrived - times[start] >= window_seconds:
            start += 1
        peak = max(peak, end - start + 1)
    return peak
