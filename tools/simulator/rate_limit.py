"""Per-client request limits over a sliding window, one limit per provider."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from tools.simulator.types import Provider


@dataclass(frozen=True, slots=True)
class RateLimit:
    requests: int
    per_seconds: float = 1.0
    # What Blockchair answers over the limit: 429 (limit exceeded) or 435 (too fast).
    blockchair_status: int = 435


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limits: dict[Provider, RateLimit] = {}
        self._admitted: dict[tuple[Provider, str], deque[float]] = {}

    def configure(self, provider: Provider, limit: RateLimit | None) -> None:
        if limit is not None and (limit.requests < 1 or limit.per_seconds <= 0):
            raise ValueError("a rate limit needs at least one request per positive period")
        if limit is not None and limit.blockchair_status not in (429, 435):
            raise ValueError("Blockchair answers 429 or 435 over its limits")
        with self._lock:
            if limit is None:
                self._limits.pop(provider, None)
            else:
                self._limits[provider] = limit
            self._admitted = {
                key: times for key, times in self._admitted.items() if key[0] != provider
            }

    def admit(self, provider: Provider, client: str, now: float) -> RateLimit | None:
        """None when the call may proceed, else the limit it broke. Refused calls do not
        count against the client, so one that slows down gets through again."""
        with self._lock:
            limit = self._limits.get(provider)
            if limit is None:
                return None
            admitted = self._admitted.setdefault((provider, client), deque())
            while admitted and now - admitted[0] >= limit.per_seconds:
                admitted.popleft()
            if len(admitted) >= limit.requests:
                return limit
            admitted.append(now)
            return None

    def usage(self, provider: Provider, client: str, now: float) -> tuple[int, int, float] | None:
        """The limit, the calls the client has left and seconds until a slot frees up;
        None when the provider has no limit."""
        with self._lock:
            limit = self._limits.get(provider)
            if limit is None:
                return None
            admitted = self._admitted.get((provider, client), deque())
            recent = [at for at in admitted if now - at < limit.per_seconds]
            reset = limit.per_seconds - (now - recent[0]) if recent else 0.0
            return limit.requests, max(limit.requests - len(recent), 0), max(reset, 0.0)
