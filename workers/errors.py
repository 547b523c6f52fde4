"""The exceptions the sync engine knows, and what it does for each.

```
BaseException
├── asyncio.CancelledError . the worker is shutting down: the job goes back to QUEUED with
│                            its resume point kept, then the cancellation goes on (arq re-runs it)
└── Exception
    ├── ProviderError ...... a provider call failed; the engine notes why in the job's error
    │   ├── RateLimitedError .... 429/435 still after the retries (the shared rate limit was
    │   │                         paused meanwhile): circuit open UNAVAILABLE_SECONDS, next provider
    │   ├── TransientError ...... 5xx, timeouts, dropped connections, malformed bodies still
    │   │                         after the retries: circuit open UNAVAILABLE_SECONDS, next provider
    │   ├── BlockedError ........ 430/434, or 402 without a key: circuit open BLOCKED_SECONDS,
    │   │                         next provider
    │   ├── ApiKeyRejectedError . 402 with a key: no other provider is tried, the job FAILS
    │   ├── SettingRejectedError  a setting must change first (Solana's -32015: raise
    │   │                         SOLANA_MAX_TRANSACTION_VERSION): the job FAILS naming it
    │   └── AddressRejectedError  the provider says the address is invalid: the job FAILS
    ├── SyncMismatchError ...... stored history still disagrees with the provider after a full
    │                            re-sync: the job FAILS, no other provider is tried
    ├── LostClaimError ......... another run claimed the job (ours was presumed dead): this run
    │                            stops writing at once, logged at WARNING; the other run finishes
    └── anything else ......... a bug or an outage: logged once, at ERROR with the job id and
                                address, and the job FAILS with "internal error: ..."
```

When every provider was skipped or failed, the job FAILS with each one's reason. Expected
failures are data on the job (`SyncJob.error`, `TrackedAddress.last_sync_error`), never logged
as errors: an invalid address is the client's mistake, and an exhausted key an operator's
setting.
"""

from __future__ import annotations


class ProviderError(Exception):
    """A provider call that failed; subclasses say what the sync should do about it."""

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider


class RateLimitedError(ProviderError):
    """429/435: slow down and try again (not before `retry_after` seconds, when it says)."""

    def __init__(self, provider: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(provider, message)
        self.retry_after = retry_after


class TransientError(ProviderError):
    """5xx, timeouts, dropped connections, malformed bodies: retry, then fall back."""


class BlockedError(ProviderError):
    """The provider refuses this client (430/434, or 402 without a key): use another one."""


class ApiKeyRejectedError(ProviderError):
    """402 with a key: the key is invalid or exhausted; retrying cannot help."""


class SettingRejectedError(ProviderError):
    """The provider cannot answer until a setting changes; another node would say the same."""


class AddressRejectedError(ProviderError):
    """The provider says the address is invalid."""


class SyncMismatchError(Exception):
    """The stored history disagrees with the provider's summary even after a full re-sync."""


class LostClaimError(Exception):
    """Another run claimed this job (ours was presumed dead): stop without writing."""
