"""Blockchain data providers, routed per chain: Blockchair for every UTXO chain, an Esplora as
fallback where the chain has one (Bitcoin, Litecoin); for Ethereum Etherscan V2 (with a key)
then Blockscout; Solana's JSON-RPC URLs in order."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx

from db.models import Chain
from settings import Settings
from workers.metrics import SharedMetrics
from workers.providers.base import NamedProvider
from workers.providers.blockchair import BlockchairProvider
from workers.providers.blockscout import NAME as BLOCKSCOUT
from workers.providers.blockscout import BlockscoutProvider
from workers.providers.esplora import EsploraProvider
from workers.providers.etherscan import NAME as ETHERSCAN
from workers.providers.etherscan import EtherscanProvider
from workers.providers.http import ProviderHttp, RetryPolicy
from workers.providers.solana import METHODS as SOLANA_METHODS
from workers.providers.solana import SolanaRpcProvider, method_limit, rpc_url_names
from workers.rate_limit import RateLimiter

USER_AGENT = "wallet-tracker/0.1"

BLOCKCHAIR = "blockchair"
# Blockchair serves each of these chains below its own path segment (`Chain.slug`), with one
# key and one limit.
BLOCKCHAIR_CHAINS = (Chain.BITCOIN, Chain.LITECOIN, Chain.DOGECOIN, Chain.BITCOIN_CASH)
# The Esplora of each chain that has one: its provider name (in jobs, metrics, errors, rate
# limits and circuits) and the setting holding its URL.
ESPLORA_NAMES = {Chain.BITCOIN: "esplora", Chain.LITECOIN: "litecoin-esplora"}
# Chains served by one provider only: when it refuses, the job fails and says there is no other.
CHAINS_WITHOUT_FALLBACK = frozenset({Chain.DOGECOIN, Chain.BITCOIN_CASH})


@dataclass(frozen=True)
class ProviderRoute:
    """One provider as configured for one chain."""

    name: str
    chain: Chain
    base_url: str
    api_key: str | None = None


def provider_routes(settings: Settings) -> dict[Chain, list[ProviderRoute]]:
    """Each synced chain's providers in PROVIDERS order: `blockchair` is Blockchair's dashboards
    of that chain, `esplora` the chain's own Esplora where it has one (none for Dogecoin and
    Bitcoin Cash, which then have no fallback)."""
    key = settings.blockchair_api_key
    esplora_urls = {
        Chain.BITCOIN: settings.esplora_url,
        Chain.LITECOIN: settings.litecoin_esplora_url,
    }
    routes: dict[Chain, list[ProviderRoute]] = {}
    for chain in BLOCKCHAIR_CHAINS:
        chain_routes = routes[chain] = []
        for kind in settings.provider_order:
            if kind == BLOCKCHAIR:
                api_key = key.get_secret_value() if key else None
                chain_routes.append(
                    ProviderRoute(BLOCKCHAIR, chain, settings.blockchair_url, api_key)
                )
            elif (url := esplora_urls.get(chain)) is not None:
                chain_routes.append(ProviderRoute(ESPLORA_NAMES[chain], chain, url))
    routes[Chain.SOLANA] = [
        ProviderRoute(name, Chain.SOLANA, url)
        for name, url in zip(solana_names(settings), settings.solana_rpc_url_list, strict=True)
    ]
    routes[Chain.ETHEREUM] = ethereum_routes(settings)
    return routes


def solana_names(settings: Settings) -> list[str]:
    """`solana` for the first of SOLANA_RPC_URLS, `solana-2` for the second, …"""
    return rpc_url_names(len(settings.solana_rpc_url_list))


def ethereum_routes(settings: Settings) -> list[ProviderRoute]:
    """Etherscan V2 when a key is set (it refuses keyless calls), then Blockscout."""
    routes = []
    if settings.etherscan_api_key is not None:
        key = settings.etherscan_api_key.get_secret_value()
        routes.append(ProviderRoute(ETHERSCAN, Chain.ETHEREUM, settings.etherscan_url, key))
    if settings.blockscout_url is not None:
        routes.append(ProviderRoute(BLOCKSCOUT, Chain.ETHEREUM, settings.blockscout_url))
    return routes


def left_out_providers(settings: Settings) -> list[tuple[str, Chain, str]]:
    """Providers a chain would try that its syncs leave out as configured: (name, chain, why).
    Etherscan refuses keyless calls, so without `ETHERSCAN_API_KEY` it is not used at all."""
    if settings.etherscan_api_key is None:
        return [
            (ETHERSCAN, Chain.ETHEREUM, "no ETHERSCAN_API_KEY (Etherscan refuses keyless calls)")
        ]
    return []


async def open_providers(
    settings: Settings,
    *,
    limiter: RateLimiter,
    exits: AsyncExitStack,
    retry: RetryPolicy | None = None,
    metrics: SharedMetrics | None = None,
) -> dict[Chain, list[NamedProvider]]:
    """Each chain's providers in PROVIDERS order; one pooled HTTP client per provider name,
    so Blockchair's chains share one client as they share one rate limit."""
    retry = retry or RetryPolicy()
    metrics = metrics or SharedMetrics(None)
    timeout = httpx.Timeout(settings.provider_timeout_seconds)
    clients: dict[str, ProviderHttp] = {}
    providers: dict[Chain, list[NamedProvider]] = {}
    for chain, routes in provider_routes(settings).items():
        providers[chain] = []
        for route in routes:
            http = clients.get(route.name)
            if http is None:
                client = await exits.enter_async_context(
                    provider_client(route.base_url, route.name, timeout, metrics)
                )
                http = clients[route.name] = ProviderHttp(
                    provider=route.name,
                    client=client,
                    limiter=limiter,
                    retry=retry,
                    metrics=metrics,
                )
            if route.name == BLOCKCHAIR:
                providers[chain].append(
                    BlockchairProvider(http, api_key=route.api_key, chain_path=chain.slug)
                )
            elif route.name == ETHERSCAN:
                providers[chain].append(
                    EtherscanProvider(
                        http,
                        api_key=route.api_key,
                        page_size=settings.ethereum_page_size,
                        reorg_depth=settings.ethereum_reorg_depth,
                    )
                )
            elif route.name == BLOCKSCOUT:
                providers[chain].append(
                    BlockscoutProvider(
                        http,
                        page_size=settings.ethereum_page_size,
                        reorg_depth=settings.ethereum_reorg_depth,
                    )
                )
            elif chain is Chain.SOLANA:
                providers[chain].append(
                    SolanaRpcProvider(
                        http,
                        name=route.name,
                        url=route.base_url,
                        max_transaction_version=settings.solana_max_transaction_version,
                        concurrent_requests=settings.solana_concurrent_requests,
                    )
                )
            else:
                providers[chain].append(EsploraProvider(http, name=route.name))
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
    """Requests per second by provider name; Blockchair's is one limit for all its chains
    (the key's request points are one account's, whichever chain they are spent on). Each
    Solana RPC URL has one limit per method, as the public endpoint counts them."""
    return {
        BLOCKCHAIR: settings.blockchair_requests_per_second,
        ESPLORA_NAMES[Chain.BITCOIN]: settings.esplora_rate_limit,
        ESPLORA_NAMES[Chain.LITECOIN]: settings.litecoin_esplora_rate_limit,
        ETHERSCAN: settings.etherscan_rate_limit,
        BLOCKSCOUT: settings.blockscout_rate_limit,
        **{
            method_limit(name, method): settings.solana_rate_limit
            for name in solana_names(settings)
            for method in SOLANA_METHODS
        },
    }
