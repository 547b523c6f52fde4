"""RunningSimulator: a simulator served on a free loopback port for the length of a `with`."""

from __future__ import annotations

import threading
import time

from tools.simulator.admin import SimulatorAdmin
from tools.simulator.chain_admin import ChainAdmin
from tools.simulator.ethereum.paths import BLOCKSCOUT_PATH, ETHERSCAN_V2_PATH
from tools.simulator.networks import network_named
from tools.simulator.paths import (
    ADMIN_PREFIX,
    COINGECKO_PREFIX,
    ESPLORA_PREFIX,
    LITECOIN_ESPLORA_PREFIX,
    SOLANA_PATH,
)
from tools.simulator.price_admin import PriceAdmin
from tools.simulator.serve import SimulatorServer, bind
from tools.simulator.solana.admin import SolanaAdmin
from tools.simulator.state import DEFAULT_MARKET_PRICE_USD, Simulator

START_TIMEOUT_SECONDS = 20


class RunningSimulator:
    """Starts uvicorn in a background thread on 127.0.0.1; `admin` changes the chain."""

    def __init__(
        self,
        *,
        seed: int = 0,
        api_key: str | None = None,
        market_price_usd: int = DEFAULT_MARKET_PRICE_USD,
        host: str = "127.0.0.1",
        etherscan_api_key: str | None = None,
    ) -> None:
        self.simulator = Simulator(
            seed=seed,
            market_price_usd=market_price_usd,
            api_key=api_key,
            etherscan_api_key=etherscan_api_key,
        )
        self.admin = SimulatorAdmin(self.simulator)
        self._socket = bind(host, 0)
        port = self._socket.getsockname()[1]
        self.base_url = f"http://{host}:{port}"
        self.blockchair_url = self.base_url
        self.esplora_url = self.base_url + ESPLORA_PREFIX
        self.admin_url = self.base_url + ADMIN_PREFIX
        self.etherscan_url = self.base_url + ETHERSCAN_V2_PATH
        self.blockscout_url = self.base_url + BLOCKSCOUT_PATH
        self.litecoin_esplora_url = self.base_url + LITECOIN_ESPLORA_PREFIX
        self.solana_url = self.base_url + SOLANA_PATH
        self.coingecko_url = self.base_url + COINGECKO_PREFIX
        self.solana = SolanaAdmin(self.simulator)
        self.prices = PriceAdmin(self.simulator)
        self._server = SimulatorServer(self.simulator)
        self._thread = threading.Thread(
            target=self._server.run, args=(self._socket,), name="provider-simulator", daemon=True
        )

    def chain_admin(self, chain: str) -> ChainAdmin:
        """The admin handle of "litecoin", "dogecoin" or "bitcoin-cash"."""
        return ChainAdmin(self.simulator, network_named(chain))

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.uvicorn.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the provider simulator did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.uvicorn.exit()
        if self._thread.is_alive():
            self._thread.join(timeout=START_TIMEOUT_SECONDS)
        self._socket.close()

    def __enter__(self) -> RunningSimulator:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
