"""Calls to the simulated Etherscan and Blockscout, and the client side of paging by block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tools.simulator.testing import RunningSimulator

API_KEY = "test-key"


def etherscan(
    http: httpx.Client, simulator: RunningSimulator, action: str, **params: str | int
) -> httpx.Response:
    query = {"chainid": 1, "module": "account", "action": action, "apikey": API_KEY, **params}
    return http.get(simulator.etherscan_url, params={k: str(v) for k, v in query.items()})


def blockscout(
    http: httpx.Client, simulator: RunningSimulator, action: str, **params: str | int
) -> httpx.Response:
    query = {"module": "account", "action": action, **params}
    return http.get(simulator.blockscout_url, params={k: str(v) for k, v in query.items()})


def etherscan_from_block(
    http: httpx.Client,
    simulator: RunningSimulator,
    action: str,
    address: str,
    **params: str | int,
) -> Callable[[int], list[dict[str, Any]]]:
    """A `fetch` for page_by_block_range: the `result` rows of `action` from a start block."""

    def fetch(start: int) -> list[dict[str, Any]]:
        body = etherscan(http, simulator, action, address=address, startblock=start, **params)
        page: list[dict[str, Any]] = body.json()["result"]
        return page

    return fetch


def page_by_block_range(
    fetch: Callable[[int], list[dict[str, Any]]], key: Callable[[dict[str, Any]], Any], cap: int
) -> tuple[list[dict[str, Any]], int]:
    """The guide's loop: ascending pages of `cap` rows from `startblock`; when a page is full,
    ask again from its last row's block and drop the rows already seen. Returns the rows and
    how many page boundaries cut a block in two."""
    seen: dict[Any, dict[str, Any]] = {}
    start = 0
    cuts = 0
    while True:
        page = fetch(start)
        new = [row for row in page if key(row) not in seen]
        cuts += len(new) < len(page)
        seen.update((key(row), row) for row in new)
        if len(page) < cap:
            return list(seen.values()), cuts
        if not new:
            raise AssertionError(f"a block holds more than {cap} rows: paging cannot advance")
        start = int(page[-1]["blockNumber"])
