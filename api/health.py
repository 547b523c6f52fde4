"""`/healthz` (the process answers) and `/readyz` (its database, Redis and worker work, and
which providers syncs skip for now)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable
from typing import TypedDict

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.runtime import runtime_of
from api.worker_state import reported_worker_state
from settings import Settings
from workers.circuit import SkippedProvider, skipped_providers
from workers.providers import left_out_providers

READINESS_TIMEOUT_SECONDS = 2.0


async def healthz(request: Request) -> Response:
    process = runtime_of(request).process
    if process is None:
        return JSONResponse({"status": "ok"})
    # Which of the server processes answered (WEB_CONCURRENCY > 1), to tell them apart.
    return JSONResponse({"status": "ok", "process": process, "pid": os.getpid()})


async def readyz(request: Request) -> Response:
    runtime = runtime_of(request)
    checks = {
        "database": await _check(_ping_database(runtime.engine)),
        "redis": await _check(runtime.redis.ping()),
    }
    if runtime.worker_task is not None:
        checks["worker"] = runtime.worker_state()
    elif runtime.worker_elsewhere:
        checks["worker"] = await _reported(reported_worker_state(runtime.redis))
    ready = all(result == "ok" for result in checks.values())
    skipped: list[LeftOutProvider | SkippedProvider] | None = None
    circuits = await skipped_providers(runtime.redis, runtime.settings)
    if circuits is not None:
        skipped = [*_left_out(runtime.settings), *circuits]
    return JSONResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": checks,
            # Information, not a readiness check: syncs go on with the next provider.
            "skipped_providers": skipped,
        },
        status_code=200 if ready else 503,
    )


class LeftOutProvider(TypedDict):
    """A provider the configuration leaves out (Etherscan without a key): skipped until the
    configuration changes, so `until` is None."""

    provider: str
    chain: str
    reason: str
    until: None


def _left_out(settings: Settings) -> list[LeftOutProvider]:
    return [
        LeftOutProvider(provider=name, chain=chain.value, reason=reason, until=None)
        for name, chain, reason in left_out_providers(settings)
    ]


async def _ping_database(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _reported(state: Awaitable[str]) -> str:
    """What process 0 reported of its worker, or why that could not be read."""
    try:
        return await asyncio.wait_for(state, READINESS_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", reported by name
        return f"error: {type(error).__name__}: {error}".strip()


async def _check(probe: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(probe, READINESS_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", reported by name
        return f"error: {type(error).__name__}: {error}".strip()
    return "ok"
