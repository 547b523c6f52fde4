"""`make demo`: the provider simulator and the server together, sample wallets added, offline."""

from __future__ import annotations

import threading

import httpx

from logs import configure_logging
from server import serve
from settings import Settings, get_settings
from tools.processes import answers_ok
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


def main() -> None:
    configured = get_settings()
    configure_logging(level=configured.log_level, log_format=configured.log_format)
    with RunningSimulator() as simulator:
        settings = Settings.model_validate(
            {
                **configured.model_dump(),
                "database_url": f"sqlite+aiosqlite:///{configured.var_dir}/demo.db",
                "redis_url": None,
                "var_dir": configured.var_dir / "demo",
                "blockchair_url": simulator.blockchair_url,
                "esplora_url": simulator.esplora_url,
                "blockchair_api_key": "demo-key",
                "blockchair_rate_limit": 20.0,
                "run_worker": True,
            }
        )
        print(f"Provider simulator: {simulator.base_url} (admin: {simulator.admin_url})")
        base_url = f"http://{settings.host}:{settings.port}"
        threading.Thread(target=add_sample_wallets, args=(base_url,), daemon=True).start()
        serve(settings)


if __name__ == "__main__":
    main()
