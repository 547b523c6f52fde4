"""`make demo`: the provider simulator and the server together, sample wallets added, offline."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from logs import configure_logging
from settings import get_settings
from tools.processes import PROJECT_ROOT, answers_ok
from tools.simulator.testing import RunningSimulator

SAMPLE_WALLETS = {
    "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h": "Exchange cold wallet (156,000 transactions)",
    "12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju": "Busy address (900 transactions)",
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy": "With unconfirmed transactions",
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa": "Genesis address",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq": "Never used",
}
ADD_WALLET = """
mutation($address: String!, $label: String) {
  addWallet(input: {address: $address, label: $label}) { errors { code message } }
}
"""


def add_sample_wallets(base_url: str) -> None:
    """Waits for the server, then adds the samples through the public API, as a user would."""
    answers_ok(f"{base_url}/readyz", within_seconds=60)
    for address, label in SAMPLE_WALLETS.items():
        httpx.post(
            f"{base_url}/graphql",
            json={"query": ADD_WALLET, "variables": {"address": address, "label": label}},
        )
    print(f"\nDemo ready: {len(SAMPLE_WALLETS)} sample wallets are syncing.")
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
        "SOLANA_RPC_URLS": simulator.solana_url,
        "SOLANA_RATE_LIMIT": "20",
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
