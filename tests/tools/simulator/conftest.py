"""A running provider simulator and an HTTP client, shared by the tests of one module."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tools.simulator.testing import RunningSimulator


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    with RunningSimulator() as running:
        yield running


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture
def fresh_simulator() -> Iterator[RunningSimulator]:
    """For tests that change the chain or the simulator's settings."""
    with RunningSimulator() as running:
        yield running
