"""Blockchain data providers behind one interface: Blockchair first, Esplora as fallback."""

from __future__ import annotations

from contextlib import AsyncExitStack

import httpx

from settings import Settings
from workers.metrics import SharedMetrics
from workers.providers.base import Provider
from workers.providers.blockchair import BlockchairProvider
from workers.providers.esplora import EsploraProvider
from workers.providers.http import ProviderHttp, RetryPolicy
from workers.rate_limit import RateLimiter

USER_AGENT = "wallet-tracker/0.1"


async def open_providers(
    settings: Settings,
    *,
    limiter: RateLimiter,
    exits: AsyncExitStack,
    retry: RetryPolicy | None = None,
    metrics: SharedMetrics | None = None,
) -> list[Provider]:
    """The configured providers in PROVIDERS order, each with one pooled HTTP client."""
    retry = retry or RetryPolicy()
    metrics = metrics or SharedMetrics(None)
    timeout = httpx.Timeout(settings.provider_timeout_seconds)
    base_urls = {"blockchair": settings.blockchair_url, "esplora": settings.esplora_url}
    providers: list[Provider] = []
    for name in settings.provider_order:
        client = await exits.enter_async_context(
            provider_client(base_urls[name], name, timeout, metrics)
        )
        http = ProviderHttp(
            provider=name, client=client, limiter=limiter, retry=retry, metrics=metrics
        )
        if name == "blockchair":
            key = settings.blockchair_api_key
            providers.append(
                BlockchairProvider(http, api_key=key.get_secret_value() if key else None)
            )
        else:
            providers.append(EsploraProvider(http))
    return providers


def provider_client(
    base_url: str, provider: str, timeout: httpx.Timeout, metrics: SharedMetrics
) -> httpx.AsyncClient:
    """A pooled client for one provider that counts its answers, by status, in `metrics`."""

    async def count_response(response: httpx.Response) -> None:
        await metrics.provider_call(provider, str(response.status_code))

    return httpx.AsyncClient(
        base_url=base_url,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        event_hooks={"response": [count_response]},
    )


def rates_per_second(settings: Settings) -> dict[str, float]:
    return {
        "blockchair": settings.blockchair_requests_per_second,
        "esplora": settings.esplora_rate_limit,
    }
