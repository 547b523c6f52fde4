"""`make demo` (python -m tools.demo): the whole product working offline, sample wallets of every
chain syncing."""

from __future__ import annotations

import time
from pathlib import Path

from tests.utils.graphql import GraphQLClient
from tools.demo import SAMPLE_WALLETS
from tools.processes import ServerProcess

CHAINS = ("BITCOIN", "LITECOIN", "DOGECOIN", "BITCOIN_CASH", "ETHEREUM", "SOLANA")
WALLETS = "{ wallets(first: 50) { totalCount edges { node { chain address label syncStatus } } } }"


def test_the_demo_adds_sample_wallets_on_every_chain_and_syncs_them_without_internet(
    tmp_path: Path,
) -> None:
    demo = ServerProcess(
        {"VAR_DIR": str(tmp_path / "var")}, tmp_path / "demo.log", arguments=["-m", "tools.demo"]
    )
    try:
        demo.wait_until_ready()
        with GraphQLClient(demo.base_url) as graphql:
            deadline = time.monotonic() + 60
            while True:
                wallets = graphql.data(WALLETS)["wallets"]
                statuses = {
                    edge["node"]["label"]: edge["node"]["syncStatus"] for edge in wallets["edges"]
                }
                small_ones = [
                    s.label for s in SAMPLE_WALLETS if not s.address.startswith("bc1qm34")
                ]
                if len(statuses) == len(SAMPLE_WALLETS) and all(
                    statuses[label] == "SYNCED" for label in small_ones
                ):
                    break
                assert time.monotonic() < deadline, statuses
                time.sleep(0.2)
        shown = {(edge["node"]["chain"], edge["node"]["label"]) for edge in wallets["edges"]}
        assert shown == {(sample.chain, sample.label) for sample in SAMPLE_WALLETS}
        assert {chain for chain, _ in shown} == set(CHAINS)
    finally:
        output = demo.stop()
    assert demo.process.returncode == 0, output
    assert "Demo ready" in output
    assert "Traceback" not in output
