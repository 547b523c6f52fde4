"""The simulator's shared state: the chain and the knobs tests turn."""

from __future__ import annotations

import threading

from tools.simulator.chain import Chain
from tools.simulator.coin_seeds import install_coin_histories
from tools.simulator.ethereum.state import EthereumState
from tools.simulator.faults import FaultPlan
from tools.simulator.networks import BITCOIN, Network
from tools.simulator.prices import PriceBook
from tools.simulator.rate_limit import RateLimiter
from tools.simulator.request_log import RequestLog
from tools.simulator.seeds import install_seeded_histories
from tools.simulator.solana.cluster import Cluster
from tools.simulator.solana.seeds import install_seeded_histories as install_solana_histories

DEFAULT_MARKET_PRICE_USD = 103_978


class Simulator:
    """Everything one simulator serves from; `lock` guards the chain and the settings."""

    def __init__(
        self,
        *,
        seed: int = 0,
        market_price_usd: int = DEFAULT_MARKET_PRICE_USD,
        api_key: str | None = None,
        etherscan_api_key: str | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.chain = Chain(seed)
        install_seeded_histories(self.chain)
        self.market_price_usd = market_price_usd
        # When set, Blockchair answers keyless calls with 430 and wrong keys with 402.
        self.api_key = api_key
        self.faults = FaultPlan()
        self.rate_limiter = RateLimiter()
        self.request_log = RequestLog()
        self.ethereum = EthereumState(seed=seed, etherscan_api_key=etherscan_api_key)
        self.prices = PriceBook()
        # When set, CoinGecko wants it in x-cg-demo-api-key or x-cg-pro-api-key.
        self.coingecko_api_key: str | None = None
        self._other_chains: dict[str, Chain] = {}
        self._solana: Cluster | None = None

    def chain_for(self, network: Network) -> Chain:
        """Bitcoin's chain, or another coin's, seeded on first use; hold `lock`."""
        if network is BITCOIN:
            return self.chain
        chain = self._other_chains.get(network.name)
        if chain is None:
            chain = Chain(self.chain.seed, network)
            install_coin_histories(chain)
            self._other_chains[network.name] = chain
        return chain

    def blockchair_price_usd(self, network: Network) -> float:
        """Bitcoin keeps its integer market price; the other coins follow CoinGecko's."""
        if network is BITCOIN:
            return self.market_price_usd
        price = self.prices.price(network.name)
        return 0 if price is None else float(price.usd)

    @property
    def solana(self) -> Cluster:
        """The Solana cluster, seeded on first use; hold `lock`."""
        if self._solana is None:
            self._solana = Cluster(self.chain.seed)
            install_solana_histories(self._solana)
        return self._solana
