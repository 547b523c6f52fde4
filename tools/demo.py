"""`make demo`: the provider simulator and the server together, sample wallets added, offline."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx

from logs import configure_logging
from settings import get_settings
from tools.processes import PROJECT_ROOT, answers_ok
from tools.simulator import coin_seeds
from tools.simulator.ethereum import seeds as ethereum_seeds
from tools.simulator.solana import seeds as solana_seeds
from tools.simulator.testing import RunningSimulator


@dataclass(frozen=True)
class SampleWallet:
    chain: str
    """As in GraphQL (`Chain`)."""
    address: str
    label: str


SAMPLE_WALLETS = (
    SampleWallet(
        "BITCOIN",
        "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h",
        "Exchange cold wallet (156,000 transactions)",
    ),
    SampleWallet(
        "BITCOIN", "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju", "Busy address (900 transactions)"
    ),
    SampleWallet("BITCOIN", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "With unconfirmed transactions"),
    SampleWallet("BITCOIN", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "Genesis address"),
    SampleWallet("BITCOIN", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "Never used"),
    # The same string is a Litecoin address too: the chain always comes from the user.
    SampleWallet("LITECOIN", coin_seeds.LITECOIN_OLD_P2SH_ADDRESS, "Litecoin, old P2SH form"),
    SampleWallet("LITECOIN", coin_seeds.LITECOIN_SEGWIT_ADDRESS, "Litecoin savings"),
    SampleWallet("DOGECOIN", coin_seeds.DOGECOIN_BUSY_ADDRESS, "Dogecoin tips (300 transactions)"),
    SampleWallet("BITCOIN_CASH", coin_seeds.BITCOIN_CASH_P2SH_ADDRESS, "Bitcoin Cash"),
    SampleWallet(
        "ETHEREUM",
        ethereum_seeds.CHECKSUMMED[ethereum_seeds.BUSY_ADDRESS],
        "Ethereum: swaps, failed calls, internal refunds",
    ),
    SampleWallet("ETHEREUM", ethereum_seeds.WHALE_ADDRESS, "Ethereum whale (10^24 wei)"),
    SampleWallet("ETHEREUM", ethereum_seeds.VALIDATOR_ADDRESS, "Ethereum validator withdrawals"),
    SampleWallet("SOLANA", solana_seeds.SOLANA_SENDER_ADDRESS, "Solana spending account"),
    SampleWallet("SOLANA", solana_seeds.SOLANA_FAILED_ADDRESS, "Solana bot (failed transactions)"),
)
ADD_WALLET = """
mutation($address: String!, $chain: Chain!, $label: String) {
  addWallet(input: {address: $address, chain: $chain, label: $label}) { errors { code message } }
}
"""


def add_sample_wallets(base_url: str) -> None:
    """Waits for the server, then adds the samples through the public API, as a user would."""
    answers_ok(f"{base_url}/readyz", within_seconds=60)
    for sample in SAMPLE_WALLETS:
        variables = {"address": sample.address, "chain": sample.chain, "label": sample.label}
        answer = httpx.post(
            f"{base_url}/graphql", json={"query": ADD_WALLET, "variables": variables}
        )
        errors = answer.json().get("errors") or answer.json()["data"]["addWallet"]["errors"]
        if errors:
            print(f"Could not add the {sample.chain} sample {sample.address}: {errors}", flush=True)
    chains = len({sample.chain for sample in SAMPLE_WALLETS})
    print(f"\nDemo ready: {len(SAMPLE_WALLETS)} sample wallets on {chains} chains are syncing.")
    print(f"Dashboard: {base_url}/   GraphiQL: {base_url}/graphql", flush=True)
    print("(Ctrl-C stops everything)\n", flush=True)


def main() -> int:
    configured = get_settings()
    configure_logging(level=configured.log_level, log_format=configured.log_format)
    with RunningSimulator() as simulator:
        print(f"Provider simulator: {simulator.base_url} (admin: {simulator.admin_url})")
        base_url = f"http://{configured.host}:{configured.port}"
        threading.Thread(target=add_sample_wallets, args=(base_url,), daemon=True).start()
        return serve_against(simulator, var_dir=configured.var_dir)


def serve_against(simulator: RunningSimulator, *, var_dir: Path) -> int:
    """`python server.py`, as a user runs it, with its own database and embedded Redis, synced
    from the simulator; Ctrl-C stops it (and its embedded Redis) cleanly."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{var_dir}/demo.db",
        "VAR_DIR": str(var_dir / "demo"),
        "BLOCKCHAIR_URL": simulator.blockchair_url,
        "ESPLORA_URL": simulator.esplora_url,
        "PRICE_URL": simulator.coingecko_url,
        "LITECOIN_ESPLORA_URL": simulator.litecoin_esplora_url,
        "ETHERSCAN_URL": simulator.etherscan_url,
        "ETHERSCAN_API_KEY": "demo-key",
        "ETHERSCAN_RATE_LIMIT": "20",
        "BLOCKSCOUT_URL": simulator.blockscout_url,
        "SOLANA_RPC_URLS": simulator.solana_url,
        "SOLANA_RATE_LIMIT": "50",
        "BLOCKCHAIR_API_KEY": "demo-key",
        "BLOCKCHAIR_RATE_LIMIT": "20",
        "RUN_WORKER": "true",
    }
    environment.pop("REDIS_URL", None)
    server = subprocess.Popen([sys.executable, "server.py"], cwd=PROJECT_ROOT, env=environment)
    try:
        return server.wait()
    except KeyboardInterrupt:
        # A terminal's Ctrl-C reached the server too; a signal sent to this process alone did not.
        server.send_signal(signal.SIGINT)
        return server.wait()


if __name__ == "__main__":
    sys.exit(main())
