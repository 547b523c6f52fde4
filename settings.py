"""The one settings object of wallet-tracker, read from environment variables."""

from __future__ import annotations

import ipaddress
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DURATION = re.compile(r"(?P<amount>[0-9]+)\s*(?P<unit>[smh]?)")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600}
KNOWN_PROVIDERS = ("blockchair", "esplora")
# The per-client limit when AUTH=token and RATE_LIMIT_PER_MINUTE is unset.
TOKEN_CLIENT_RATE_LIMIT_PER_MINUTE = 600
LOOPBACK_HOST_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# What a browser or client on this machine sends as `Host` to a loopback-only server.
LOOPBACK_REQUEST_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


class Settings(BaseSettings):
    """Configuration with documented defaults; the README's table lists every field."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/wallet-tracker.db"
    # Unset: the server starts an embedded redis-server with its files under `var_dir`.
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    # "off": one implicit local account (loopback only); "token": Bearer API tokens.
    auth: Literal["off", "token"] = "off"
    # Lets anyone call `createAccount`; otherwise accounts come from `server.py create-account`.
    allow_signup: bool = False
    # Run the arq worker inside the server process; turn off when separate workers run.
    run_worker: bool = True
    # Freeze what start-up built out of the garbage collector and make collections rarer
    # (garbage_collection.py). Off leaves Python's collector as it is: for a process that runs
    # the app beside other work, like the test suite, which starts hundreds of servers in its
    # own process and would otherwise pay a full collection of its whole heap for each.
    gc_tuning: bool = True
    var_dir: Path = Path("./var")
    # Server processes `python server.py` starts, each with its own SO_REUSEPORT socket on
    # HOST:PORT; 1 serves from the one process itself. Unset: one per core this process may use.
    web_concurrency: int = Field(default_factory=lambda: _usable_cores(), ge=1)
    # permessage-deflate on websockets (RFC 7692). Off: every subscriber of a job is sent the
    # same bytes, and compressing them costs each connection its own deflate context and CPU on
    # every frame (about 15 % of a send), for frames of a few hundred bytes.
    ws_per_message_deflate: bool = False

    # Browser-facing switches: GraphiQL at GET /graphql, schema introspection, and the origins
    # (comma-separated) allowed to call the API from another site; none by default.
    graphiql: bool = True
    introspection: bool = True
    cors_origins: str = ""
    # Host names (comma-separated, any port; `*.example.com` for subdomains, `*` for any) the
    # server answers to. Unset: the loopback names with AUTH=off, any with AUTH=token.
    allowed_hosts: str | None = None
    max_body_bytes: int = Field(default=1_000_000, ge=1_000)
    # How long Redis keeps an automatic persisted query after it was last registered or used.
    persisted_query_ttl: int = Field(default=86_400, ge=60)
    # Per-account limits.
    max_wallets_per_account: int = Field(default=1000, ge=1)
    # HD wallets: unused addresses in a row that end a scan of a keychain, when addWallet
    # gives no gapLimit (each wallet may set 1 to MAX_GAP_LIMIT).
    default_gap_limit: int = Field(default=20, ge=1, le=1000)
    sync_requests_per_minute: int = Field(default=30, ge=1)
    # Per client (API token, or IP address without one): requests and subscriptions per minute,
    # and how many may come at once. Unset: 600 with AUTH=token, off with AUTH=off (the one
    # local user is not throttled); 0 turns it off. After validation: None (off) or the limit.
    rate_limit_per_minute: int | None = Field(default=None, ge=0)
    rate_limit_burst: int = Field(default=60, ge=1)

    # Providers, in the order they are tried.
    providers: str = "blockchair,esplora"
    blockchair_url: str = "https://api.blockchair.com"
    blockchair_api_key: SecretStr | None = None
    esplora_url: str = "https://mempool.space/api"
    # Litecoin's Esplora (litecoinspace.org, the mempool.space port); empty: none.
    litecoin_esplora_url: str | None = "https://litecoinspace.org/api"
    # Requests per second per provider, shared by all workers; unset: a safe default.
    blockchair_rate_limit: float | None = Field(default=None, gt=0)
    esplora_rate_limit: float = Field(default=2.0, gt=0)
    litecoin_esplora_rate_limit: float = Field(default=2.0, gt=0)
    provider_timeout_seconds: float = Field(default=30.0, gt=0)
    # Ethereum: Etherscan V2 first (skipped without a key), then Blockscout's Etherscan-compatible
    # API (keyless). Requests per second, shared by all workers (Etherscan's free tier: 3).
    etherscan_url: str = "https://api.etherscan.io/v2/api"
    etherscan_api_key: SecretStr | None = None
    etherscan_rate_limit: float = Field(default=3.0, gt=0)
    blockscout_url: str | None = "https://eth.blockscout.com/api"
    blockscout_rate_limit: float = Field(default=5.0, gt=0)
    # Rows asked for per explorer call (Etherscan's free tier returns at most 1,000); shrunk by
    # itself when an explorer's result window is smaller.
    ethereum_page_size: int = Field(default=1_000, ge=1, le=10_000)
    # Blocks below the previous tip an incremental Ethereum sync reads again (reorgs).
    ethereum_reorg_depth: int = Field(default=12, ge=12)
    # Solana JSON-RPC URLs (comma-separated), tried in order: `solana`, `solana-2`, … in jobs,
    # metrics and circuits. Requests per second for each method on each URL, shared by all
    # workers (the public endpoint allows about 2 a second per method; stay under it).
    solana_rpc_urls: str = "https://api.mainnet-beta.solana.com"
    solana_rate_limit: float = Field(default=1.5, gt=0)
    # Sent as maxSupportedTransactionVersion; a node answering -32015 asks for a higher one.
    solana_max_transaction_version: int = Field(default=0, ge=0)
    # getTransaction calls in flight at once per sync (the rate limit still paces them).
    solana_concurrent_requests: int = Field(default=4, ge=1, le=64)
    # Re-sync every tracked address whose last sync is older than this (seconds, or "10m", "1h").
    refresh_interval: int = Field(default=600, ge=10)
    # A RUNNING job without a heartbeat for this long is re-queued (seconds, or "2m").
    stale_job_timeout: int = Field(default=120, ge=10)

    # Prices of every chain's coin from CoinGecko's simple-price API, refreshed this often
    # (seconds, or "5m"); a demo or pro key is optional. Requests per second, shared by workers.
    price_url: str = "https://api.coingecko.com/api/v3"
    coingecko_api_key: SecretStr | None = None
    price_refresh_interval: int = Field(default=300, ge=10)
    price_rate_limit: float = Field(default=0.5, gt=0)

    # Encrypts webhook signing secrets at rest. Unset: a key generated on first start and kept
    # in `var_dir` (secret.key); losing it makes stored webhook secrets unreadable.
    secret_key: SecretStr | None = None
    # Webhook URLs must be https and resolve to public addresses; these lift either rule
    # (a receiver on this machine or the local network).
    webhook_allow_http: bool = False
    webhook_allow_private: bool = False
    # Seconds between a failed delivery's attempts (jittered); after the last, it is FAILED.
    webhook_retry_schedule: str = "5,300,1800,7200,18000,36000"
    # A webhook whose last this-many deliveries all FAILED is disabled.
    webhook_disable_after: int = Field(default=20, ge=1)
    # One attempt's whole time: connect, send, answer.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=10.0)
    max_webhooks_per_account: int = Field(default=20, ge=1)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "redis_url",
        "coingecko_api_key",
        "litecoin_esplora_url",
        "etherscan_api_key",
        "blockscout_url",
        "secret_key",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator(
        "refresh_interval",
        "stale_job_timeout",
        "persisted_query_ttl",
        "price_refresh_interval",
        mode="before",
    )
    @classmethod
    def _duration_seconds(cls, value: object) -> object:
        if isinstance(value, str):
            match = DURATION.fullmatch(value.strip().lower())
            if match is None:
                raise ValueError(f"{value!r} is not a duration: use seconds or e.g. 90s, 10m, 1h")
            return int(match["amount"]) * DURATION_UNITS[match["unit"] or "s"]
        return value

    @model_validator(mode="after")
    def _rate_limit_follows_auth(self) -> Settings:
        if self.rate_limit_per_minute is None and self.auth == "token":
            self.rate_limit_per_minute = TOKEN_CLIENT_RATE_LIMIT_PER_MINUTE
        elif self.rate_limit_per_minute == 0:
            self.rate_limit_per_minute = None
        return self

    @field_validator("providers")
    @classmethod
    def _known_providers(cls, value: str) -> str:
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = sorted(set(names) - set(KNOWN_PROVIDERS))
        if not names or unknown:
            raise ValueError(
                f"PROVIDERS must list some of {', '.join(KNOWN_PROVIDERS)}; unknown: {unknown}"
            )
        return ",".join(names)

    @property
    def trusted_hosts(self) -> list[str] | None:
        """The host names requests may name, or None for any."""
        if self.allowed_hosts is None:
            if self.auth != "off":
                return None
            listening = f"[{self.host}]" if ":" in self.host else self.host
            return sorted(LOOPBACK_REQUEST_HOSTS | {listening.lower()})
        hosts = [host.strip() for host in self.allowed_hosts.split(",") if host.strip()]
        return None if "*" in hosts else hosts

    @property
    def allowed_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @field_validator("solana_rpc_urls")
    @classmethod
    def _some_solana_url(cls, value: str) -> str:
        urls = [url.strip() for url in value.split(",") if url.strip()]
        if not urls:
            raise ValueError("SOLANA_RPC_URLS must list at least one JSON-RPC URL")
        return ",".join(urls)

    @property
    def solana_rpc_url_list(self) -> list[str]:
        return self.solana_rpc_urls.split(",")

    @field_validator("webhook_retry_schedule")
    @classmethod
    def _seconds_list(cls, value: str) -> str:
        try:
            seconds = [float(part) for part in value.split(",") if part.strip()]
        except ValueError:
            seconds = []
        if not seconds or any(second < 0 for second in seconds):
            raise ValueError(
                f"WEBHOOK_RETRY_SCHEDULE must list seconds between attempts, e.g. 5,300,1800; "
                f"got {value!r}"
            )
        return value

    @property
    def webhook_retry_seconds(self) -> list[float]:
        return [float(part) for part in self.webhook_retry_schedule.split(",") if part.strip()]

    @property
    def provider_order(self) -> list[str]:
        return self.providers.split(",")

    @property
    def blockchair_requests_per_second(self) -> float:
        if self.blockchair_rate_limit is not None:
            return self.blockchair_rate_limit
        # Blockchair's soft limit is 5 req/s with a key; keyless clients get 30 a minute.
        return 4.0 if self.blockchair_api_key else 0.5

    @property
    def listens_on_loopback_only(self) -> bool:
        if self.host.lower() in LOOPBACK_HOST_NAMES:
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def startup_problems(self) -> list[str]:
        """Reasons the server must refuse to start with these settings."""
        problems = []
        if self.auth == "off" and not self.listens_on_loopback_only:
            problems.append(
                f"HOST={self.host} is not a loopback address and AUTH=off: anyone who can reach "
                "this port would act as the local account. Listen on 127.0.0.1, or set "
                "AUTH=token."
            )
        return problems


def _usable_cores() -> int:
    # The cores this process may run on (taskset, cpusets), else all the machine's.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
