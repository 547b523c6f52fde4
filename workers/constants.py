"""Every Redis key and queue name wallet-tracker uses."""

from __future__ import annotations

QUEUE_NAME = "wallet-tracker:queue"
HEALTH_CHECK_KEY = f"{QUEUE_NAME}:health-check"
SYNC_TASK = "sync_address"

KEY_PREFIX = "wallet-tracker"


def rate_limit_key(provider: str) -> str:
    return f"{KEY_PREFIX}:rate-limit:{provider}"


def circuit_key(provider: str, chain: str, configuration: str) -> str:
    """Circuit of one provider as configured for one chain (`configuration`: a fingerprint of
    URL and key)."""
    return f"{KEY_PREFIX}:circuit:{provider}:{chain}:{configuration}"


def sync_arq_job_id(job_id: int, run: int = 0) -> str:
    """arq's id for a run of a sync job; a re-queued run needs a new one (arq keeps old ids)."""
    return f"sync-job:{job_id}" if run == 0 else f"sync-job:{job_id}:run-{run}"


# Set for PRICE_REFRESH_INTERVAL by the worker that refreshes prices: one refresh per interval,
# however many workers run the periodic check.
PRICE_REFRESH_KEY = f"{KEY_PREFIX}:price-refresh"


def sync_requests_key(account_id: int, minute: int) -> str:
    """Counter of one account's sync requests in one clock minute."""
    return f"{KEY_PREFIX}:sync-requests:{account_id}:{minute}"


def client_rate_key(client: str) -> str:
    """Rate-limit state of one API client (`token:<hash>` or `ip:<address>`)."""
    return f"{KEY_PREFIX}:client-rate:{client}"


def persisted_query_key(sha256_hash: str) -> str:
    """The text of an automatic persisted query, under the SHA-256 hex of that text."""
    return f"{KEY_PREFIX}:persisted-query:{sha256_hash}"


def job_channel(job_id: int) -> str:
    """Pub/sub channel of one sync job's state changes."""
    return f"{KEY_PREFIX}:job:{job_id}"


def address_channel(address_id: int) -> str:
    """Pub/sub channel announcing that an address's chain data changed."""
    return f"{KEY_PREFIX}:address:{address_id}"


# The live relay listens here so that its pub/sub connection stays open while no subscriber does.
LIVE_IDLE_CHANNEL = f"{KEY_PREFIX}:hub"

# A hash of counters every worker adds to; each server's /metrics reads it.
SHARED_METRICS_KEY = f"{KEY_PREFIX}:metrics"


def in_process_worker_key(server: str) -> str:
    """The in-process worker's state ("ok", or why it stopped) of one `python server.py` that
    started several server processes (`server`: its host name and pid), as its process 0 last
    reported it for the others' /readyz."""
    return f"{KEY_PREFIX}:in-process-worker:{server}"
