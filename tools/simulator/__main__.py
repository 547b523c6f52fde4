"""`python -m tools.simulator`: serve the provider simulator until interrupted."""

from __future__ import annotations

import argparse

from tools.simulator.ethereum.paths import BLOCKSCOUT_PATH, ETHERSCAN_V2_PATH
from tools.simulator.paths import (
    ADMIN_PREFIX,
    COINGECKO_PREFIX,
    ESPLORA_PREFIX,
    LITECOIN_ESPLORA_PREFIX,
    SOLANA_PATH,
)
from tools.simulator.serve import SimulatorServer, bind
from tools.simulator.state import DEFAULT_MARKET_PRICE_USD, Simulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tools.simulator",
        description="Serve simulated Blockchair and Esplora APIs from one deterministic chain.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--require-key", metavar="KEY", help="Blockchair API key to require")
    parser.add_argument(
        "--etherscan-key", metavar="KEY", help="the one Etherscan API key to accept (default: any)"
    )
    parser.add_argument("--market-price-usd", type=int, default=DEFAULT_MARKET_PRICE_USD)
    parser.add_argument("--log-level", default="warning")
    arguments = parser.parse_args(argv)

    simulator = Simulator(
        seed=arguments.seed,
        market_price_usd=arguments.market_price_usd,
        api_key=arguments.require_key,
        etherscan_api_key=arguments.etherscan_key,
    )
    bound = bind(arguments.host, arguments.port)
    base_url = f"http://{arguments.host}:{bound.getsockname()[1]}"
    print(f"Blockchair: {base_url}", flush=True)
    print(f"Esplora:    {base_url}{ESPLORA_PREFIX}", flush=True)
    print(f"Admin:      {base_url}{ADMIN_PREFIX}", flush=True)
    # After the first three lines, which tools.processes reads.
    print(f"Etherscan:  {base_url}{ETHERSCAN_V2_PATH}", flush=True)
    print(f"Blockscout: {base_url}{BLOCKSCOUT_PATH}", flush=True)
    print(f"Litecoin Esplora: {base_url}{LITECOIN_ESPLORA_PREFIX}", flush=True)
    print(f"Solana:     {base_url}{SOLANA_PATH}", flush=True)
    print(f"CoinGecko:  {base_url}{COINGECKO_PREFIX}", flush=True)
    SimulatorServer(simulator, log_level=arguments.log_level).run(bound)


if __name__ == "__main__":
    main()
