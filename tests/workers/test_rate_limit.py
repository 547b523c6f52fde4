"""The provider rate limit holds across limiter instances sharing one Redis (as workers do)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from db.models import Chain
from settings import Settings
from workers.circuit import CircuitBreaker, ProviderOnChain, configuration_fingerprint
from workers.rate_limit import RedisRateLimiter, Window
from workers.redis_server import RedisServer


@pytest.fixture
async def redis_clients(redis_server: RedisServer) -> AsyncIterator[list[Redis]]:
    clients = [Redis.from_url(redis_server.url) for _ in range(2)]
    yield clients
    for client in clients:
        await client.aclose()


async def test_two_workers_together_never_exceed_the_rate(redis_clients: list[Redis]) -> None:
    provider = f"test-{uuid.uuid4().hex}"
    rate = 40.0
    limiters = [RedisRateLimiter(client, {provider: rate}) for client in redis_clients]
    call_times: list[float] = []

    async def worker(limiter: RedisRateLimiter) -> None:
        for _ in range(10):
            async with limiter.slot(provider):
                call_times.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(worker(limiter) for limiter in limiters for _ in range(2)))

    call_times.sort()
    assert len(call_times) == 40
    # 40 calls at 40/s: the last can start no sooner than 39 intervals after the first slot.
    assert call_times[-1] - started >= 39 / rate * 0.95
    in_any_second = max(
        sum(1 for moment in call_times if start <= moment < start + 1.0) for start in call_times
    )
    assert in_any_second <= rate + 1


async def test_calls_delivered_late_never_put_more_than_the_rate_into_a_second(
    redis_clients: list[Redis],
) -> None:
    """Even spacing alone lets a call that left its slot late (a busy event loop) land in the
    same second as the ten after it; the window counts each call until its answer is back."""
    provider = f"test-{uuid.uuid4().hex}"
    rate = 10.0
    limiters = [RedisRateLimiter(client, {provider: rate}) for client in redis_clients]
    arrivals: list[float] = []

    async def worker(limiter: RedisRateLimiter, number: int) -> None:
        for call in range(8):
            async with limiter.slot(provider):
                if (number + call) % 4 == 0:
                    await asyncio.sleep(0.25)  # delivered a quarter of a second late
                arrivals.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(worker(limiter, number) for number, limiter in enumerate(limiters * 2)))
    elapsed = time.monotonic() - started

    arrivals.sort()
    assert len(arrivals) == 32
    in_any_second = max(
        sum(1 for moment in arrivals if start <= moment < start + 1.0) for start in arrivals
    )
    assert in_any_second <= rate
    # The window costs about one delay a second, not the rate: 32 calls in well under 6 s.
    assert elapsed < 32 / rate * 1.8


def test_a_rate_is_kept_as_whole_calls_in_a_window_of_a_second_or_more() -> None:
    assert Window.for_rate(10.0) == Window(calls=10, seconds=1.0)
    assert Window.for_rate(1.5) == Window(calls=2, seconds=2 / 1.5)
    assert Window.for_rate(0.5) == Window(calls=1, seconds=2.0)
    nine_and_a_bit = Window.for_rate(9.2)
    assert nine_and_a_bit.calls == 10
    assert nine_and_a_bit.seconds > 1.0


async def test_a_pause_holds_back_every_worker(redis_clients: list[Redis]) -> None:
    provider = f"test-{uuid.uuid4().hex}"
    first, second = (RedisRateLimiter(client, {provider: 1000.0}) for client in redis_clients)

    started = time.monotonic()
    await first.pause(provider, 0.3)
    async with second.slot(provider):
        pass

    assert time.monotonic() - started >= 0.29


async def test_the_circuit_opens_with_its_reason_and_closes_by_itself(
    redis_clients: list[Redis],
) -> None:
    provider = f"test-{uuid.uuid4().hex}"
    configurations: dict[ProviderOnChain, str] = {
        (provider, Chain.BITCOIN): configuration_fingerprint("http://provider.test", None)
    }
    circuit = CircuitBreaker(redis_clients[0], configurations)
    assert await circuit.open_reason(provider, Chain.BITCOIN) is None

    await circuit.open(provider, "HTTP 430: blocked", seconds=1, chain=Chain.BITCOIN)

    other_worker = CircuitBreaker(redis_clients[1], configurations)
    assert await other_worker.open_reason(provider, Chain.BITCOIN) == "HTTP 430: blocked"
    await asyncio.sleep(1.1)
    assert await circuit.open_reason(provider, Chain.BITCOIN) is None


async def test_a_new_key_or_url_gets_its_own_circuit_and_skips_are_listed(
    redis_clients: list[Redis],
) -> None:
    keyless = Settings(blockchair_url="http://provider.test", blockchair_api_key=None)
    blocked = CircuitBreaker.for_settings(redis_clients[0], keyless)
    opened_at = datetime.now(UTC)
    await blocked.open(
        "blockchair", "blockchair: HTTP 430: blocked", seconds=3600, chain=Chain.BITCOIN
    )

    [skipped] = await blocked.skipped()
    assert skipped["provider"] == "blockchair"
    assert skipped["reason"] == "blockchair: HTTP 430: blocked"
    until = datetime.fromisoformat(skipped["until"])
    assert opened_at + timedelta(seconds=3598) <= until <= opened_at + timedelta(seconds=3601)

    for changed in (
        keyless.model_copy(update={"blockchair_api_key": SecretStr("a-new-key")}),
        keyless.model_copy(update={"blockchair_url": "http://another-provider.test"}),
    ):
        circuit = CircuitBreaker.for_settings(redis_clients[1], changed)
        assert await circuit.open_reason("blockchair", Chain.BITCOIN) is None
        assert await circuit.skipped() == []
        # A circuit names its configuration by a hash: the key itself is never stored.
        await circuit.open("blockchair", "blockchair: HTTP 503", seconds=60, chain=Chain.BITCOIN)
        keys = [key.decode() for key in await redis_clients[0].keys("*circuit*")]
        assert "a-new-key" not in " ".join(keys)
    assert await blocked.open_reason("blockchair", Chain.BITCOIN) == "blockchair: HTTP 430: blocked"
