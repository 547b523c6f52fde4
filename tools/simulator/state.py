"""The simulator's shared state: the chain and the knobs tests turn."""

from __future__ import annotations

import threading

from tools.simulator.chain import Chain
from tools.simulator.ethereum.state import EthereumState
from tools.simulator.faults import FaultPlan
from tools.simulator.rate_limit import RateLimiter
from tools.simulator.request_log import RequestLog
from tools.simulator.seeds import install_seeded_histories

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
