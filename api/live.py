"""The live relay: the workers' pub/sub messages, fanned out to this server process's
subscribers over one Redis connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from api.shared_subscriptions import SharedSubscriptions
from workers.constants import LIVE_IDLE_CHANNEL

logger = logging.getLogger(__name__)

INBOX_SIZE = 32
SUBSCRIBE_TIMEOUT_SECONDS = 5.0
CLOSE_TIMEOUT_SECONDS = 2.0


class Inbox:
    """One subscriber's messages. Bounded: when full the oldest is dropped, so a subscriber
    that falls behind catches up on the latest state instead of a backlog."""

    def __init__(self, size: int = INBOX_SIZE) -> None:
        self._messages: asyncio.Queue[str] = asyncio.Queue(size)

    def put(self, message: str) -> None:
        if self._messages.full():
            self._messages.get_nowait()
        self._messages.put_nowait(message)

    async def get(self) -> str:
        return await self._messages.get()

    def drain(self) -> list[str]:
        """Whatever else is waiting, without blocking."""
        waiting = []
        while not self._messages.empty():
            waiting.append(self._messages.get_nowait())
        return waiting


class LiveHub:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._pubsub = redis.pubsub()
        self._inboxes: dict[str, set[Inbox]] = {}
        self._subscribed: dict[str, asyncio.Event] = {}
        self._reader: asyncio.Task[None] | None = None
        # Once stopped, nothing may touch the pub/sub again: it would check a new connection
        # out of the pool, one nobody closes.
        self._stopped = False
        # Subscribers of the same subscription ride one listener (`api.graphql_view`).
        self.shared_subscriptions = SharedSubscriptions()

    @property
    def open_subscriptions(self) -> int:
        """GraphQL subscriptions open: those with a listener of their own, and every rider of
        a shared one (whose one listener is its source's)."""
        listeners = sum(len(inboxes) for inboxes in self._inboxes.values())
        shared = self.shared_subscriptions
        # A source's listener goes a moment before its stream's count of sources does.
        return max(0, listeners - shared.sources) + shared.riders

    async def start(self) -> None:
        await self._pubsub.subscribe(LIVE_IDLE_CHANNEL)
        self._reader = asyncio.create_task(self._read(), name="live-hub-reader")

    async def stop(self) -> None:
        self._stopped = True
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        # redis-py's PubSub.aclose() can hang on a dead connection.
        with contextlib.suppress(TimeoutError, RedisError, OSError):
            await asyncio.wait_for(
                self._pubsub.aclose(),  # type: ignore[no-untyped-call]
                CLOSE_TIMEOUT_SECONDS,
            )

    @contextlib.asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[Inbox]:
        """An inbox of `channel`'s messages, subscribed (and confirmed) before it is handed out."""
        if self._stopped:
            raise RedisConnectionError("live updates have stopped: the server is shutting down")
        inbox = Inbox()
        listeners = self._inboxes.setdefault(channel, set())
        listeners.add(inbox)
        if channel not in self._subscribed:
            self._subscribed[channel] = asyncio.Event()
            await self._pubsub.subscribe(channel)
        try:
            await asyncio.wait_for(self._subscribed[channel].wait(), SUBSCRIBE_TIMEOUT_SECONDS)
            yield inbox
        finally:
            listeners.discard(inbox)
            if not listeners and self._inboxes.get(channel) is listeners:
                del self._inboxes[channel]
                self._subscribed.pop(channel, None)
                # A subscription's task can end a moment after the server stopped the hub.
                if not self._stopped:
                    with contextlib.suppress(RedisError, OSError):
                        await self._pubsub.unsubscribe(channel)

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except (RedisConnectionError, OSError):
                logger.warning("live updates: lost the Redis connection; reconnecting")
                await asyncio.sleep(0.5)
                continue
            if message is not None:
                self._deliver(message)

    def _deliver(self, message: dict[str, Any]) -> None:
        channel = _text(message["channel"])
        if message["type"] == "subscribe" and channel in self._subscribed:
            self._subscribed[channel].set()
        elif message["type"] == "message":
            data = _text(message["data"])
            for inbox in self._inboxes.get(channel, ()):
                inbox.put(data)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
