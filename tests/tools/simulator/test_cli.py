"""`python -m tools.simulator` prints its base URLs and serves both providers."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tools.processes import SimulatorProcess


def test_python_dash_m_simulator_serves_until_stopped(http: httpx.Client, tmp_path: Path) -> None:
    log_path = tmp_path / "simulator.log"
    with SimulatorProcess(log_path, "--seed", "5", "--require-key", "k") as process:
        lines = process.printed_urls
        blockchair_url = lines[0].split()[-1]
        esplora_url = lines[1].split()[-1]
        stats = _get_when_ready(http, f"{blockchair_url}/bitcoin/stats?key=k")
        keyless = http.get(f"{blockchair_url}/bitcoin/stats")
        tip = http.get(f"{esplora_url}/blocks/tip/height")

    assert lines[0].startswith("Blockchair: http://127.0.0.1:")
    assert esplora_url == blockchair_url + "/esplora"
    assert lines[2].startswith("Admin:")
    assert stats.status_code == 200
    assert keyless.status_code == 430
    assert tip.text == str(stats.json()["data"]["best_block_height"])


def _get_when_ready(http: httpx.Client, url: str) -> httpx.Response:
    for _ in range(200):
        try:
            return http.get(url)
        except httpx.ConnectError:
            time.sleep(0.05)
    raise AssertionError(f"nothing answered at {url}")
