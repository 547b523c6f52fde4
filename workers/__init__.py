"""Background work on arq: `arq workers.WorkerSettings` runs a standalone worker."""

from __future__ import annotations


def __getattr__(name: str) -> object:
    # Built on access so that importing `workers.*` in the server never needs REDIS_URL.
    if name == "WorkerSettings":
        from workers.worker import standalone_worker_settings

        return standalone_worker_settings()
    raise AttributeError(f"module 'workers' has no attribute {name!r}")
