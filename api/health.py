"""`/healthz` (the process answers) and `/readyz` (its database, Redis and worker work, and
which providers syncs skip for now)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.runtime import runtime_of
from workers.circuit import skipped_providers

READINESS_TIMEOUT_SECONDS = 2.0


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    runtime = runtime_of(request)
    checks = {
        "database": await _check(_ping_database(runtime.engine)),
        "redis": await _check(runtime.redis.ping()),
    }
    if runtime.worker_task is not None:
        checks["worker"] = runtime.worker_state()
    ready = all(result == "ok" for result in checks.values())
    return JSONResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": checks,
            # Information, not a readiness check: syncs go on with the next provider.
            "skipped_providers": await skipped_providers(runtime.redis, runtime.settings),
        },
        status_code=200 if ready else 503,
    )


async def _ping_database(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _check(probe: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(probe, READINESS_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", reported by name
        return f"error: {type(error).__name__}: {error}".strip()
    return "ok"
