"""`make demo` (python -m tools.demo): the whole product working offline, sample wallets syncing."""

from __future__ import annotations

import time
from pathlib import Path

from tests.utils.graphql import GraphQLClient
from tools.demo import SAMPLE_WALLETS
from tools.processes import ServerProcess

WALLETS = "{ wallets(first: 10) { totalCount edges { node { address label syncStatus } } } }"


def test_the_demo_adds_the_sample_wallets_and_syncs_them_without_internet(
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
                    edge["node"]["address"]: edge["node"]["syncStatus"] for edge in wallets["edges"]
                }
                small_ones = [a for a in SAMPLE_WALLETS if not a.startswith("bc1qm34")]
                if len(statuses) == len(SAMPLE_WALLETS) and all(
                    statuses[address] == "SYNCED" for address in small_ones
                ):
                    break
                assert time.monotonic() < deadline, statuses
                time.sleep(0.2)
        labels = {edge["node"]["address"]: edge["node"]["label"] for edge in wallets["edges"]}
        assert labels == SAMPLE_WALLETS
    finally:
        output = demo.stop()
    assert demo.process.returncode == 0, output
    assert "Demo ready" in output
    assert "Traceback" not in output
