"""The live relay: a bounded inbox per subscriber, and nothing left open after it stops."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from api.live import Inbox, LiveHub
from workers.redis_server import RedisServer


async def test_a_full_inbox_drops_the_oldest_messages_and_keeps_the_latest() -> None:
    inbox = Inbox(size=3)
    for number in range(10):
        inbox.put(f"state {number}")

    assert [await inbox.get(), *inbox.drain()] == ["state 7", "state 8", "state 9"]
    assert inbox.drain() == []


async def test_a_subscriber_that_leaves_after_the_server_stopped_leaves_no_connection_open(
    redis_server: RedisServer,
) -> None:
    """A subscription's handler can outlive the server's shutdown by a moment (its task is
    cancelled, not awaited): its unsubscribe must not open a connection again once the hub and
    the pool are closed, since nobody would close that one (on Redis it stays open until the
    garbage collector finds it, with a ResourceWarning in whatever runs then)."""
    name = f"live-hub-test-{uuid.uuid4().hex[:8]}"
    redis = Redis.from_url(redis_server.url, client_name=name)
    hub = LiveHub(redis)
    await hub.start()
    listening = hub.listen("wallet-tracker:test:late-leaver")
    await listening.__aenter__()
    await hub.stop()
    await redis.aclose()

    await listening.__aexit__(None, None, None)

    async with Redis.from_url(redis_server.url) as observer:
        clients = await observer.client_list()
    assert [client for client in clients if client["name"] == name] == []


async def test_a_subscription_started_after_the_server_stopped_is_refused_and_opens_nothing(
    redis_server: RedisServer,
) -> None:
    name = f"live-hub-test-{uuid.uuid4().hex[:8]}"
    redis = Redis.from_url(redis_server.url, client_name=name)
    hub = LiveHub(redis)
    await hub.start()
    await hub.stop()
    await redis.aclose()

    with pytest.raises(RedisConnectionError, match="the server is shutting down"):
        async with hub.listen("wallet-tracker:test:late-comer"):
            pass

    async with Redis.from_url(redis_server.url) as observer:
        clients = await observer.client_list()
    assert [client for client in clients if client["name"] == name] == []
