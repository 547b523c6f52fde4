"""The sync engine on real parts (simulator over HTTP, Redis, both databases), for tests/workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from db.session import SessionFactory
from tests.utils.sync_harness import SyncHarness, harness_settings, sync_harness
from tools.simulator.testing import RunningSimulator
from workers.redis_server import RedisServer


@pytest.fixture
def harness_overrides() -> dict[str, Any]:
    """Settings a test changes for its harness (parametrize it)."""
    return {}


@pytest.fixture
async def harness(
    sessions: SessionFactory,
    redis_server: RedisServer,
    simulator: RunningSimulator,
    harness_overrides: dict[str, Any],
) -> AsyncIterator[SyncHarness]:
    settings = harness_settings(simulator, **harness_overrides)
    async with sync_harness(
        sessions=sessions, redis_server=redis_server, simulator=simulator, settings=settings
    ) as running:
        yield running
