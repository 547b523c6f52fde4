"""Subscribers of the same subscription on this process riding one stream of serialized payloads:
one execution per event for all of them, each sent the newest payload at its own pace."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Hashable

logger = logging.getLogger(__name__)


class Rider:
    """One subscriber's seat on a shared stream. It holds only the newest payload not yet taken,
    so a subscriber whose socket is slow skips to the latest state instead of queueing a
    backlog, and never holds up the stream or the other riders."""

    __slots__ = ("_ended", "_payload", "_wake")

    def __init__(self) -> None:
        self._payload: str | None = None
        self._ended = False
        self._wake: asyncio.Future[None] | None = None

    def offer(self, payload: str) -> None:
        self._payload = payload
        self._wake_up()

    def end(self) -> None:
        """No payload follows the one waiting, if any."""
        self._ended = True
        self._wake_up()

    async def next_payload(self) -> str | None:
        """The newest payload not yet taken, or None once the stream ended and none is left."""
        while self._payload is None:
            if self._ended:
                return None
            self._wake = asyncio.get_running_loop().create_future()
            try:
                await self._wake
            finally:
                self._wake = None
        payload, self._payload = self._payload, None
        return payload

    def _wake_up(self) -> None:
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)


class SharedStream:
    """One source of payloads read by one task and offered to every rider; the source stops
    when its last rider leaves."""

    def __init__(
        self,
        registry: SharedSubscriptions,
        key: Hashable,
        source: AsyncGenerator[str, None],
        latest: str,
    ) -> None:
        self._registry = registry
        self._key = key
        self._source = source
        # What every rider was last offered (or sent as its own first payload): a subscriber
        # whose own latest payload is this one may ride from here without going back in time.
        self.latest = latest
        self._riders: set[Rider] = set()
        self._reading = True
        self._task = asyncio.create_task(self._read(), name="shared-subscription")

    @property
    def riders(self) -> int:
        return len(self._riders)

    @property
    def reading(self) -> bool:
        """Whether the source is still open (and holds its own listener of the live relay)."""
        return self._reading

    def join(self) -> Rider:
        rider = Rider()
        self._riders.add(rider)
        return rider

    def leave(self, rider: Rider) -> None:
        self._riders.discard(rider)
        if not self._riders:
            self._registry.forget(self._key, self)
            self._task.cancel()

    async def _read(self) -> None:
        try:
            async for payload in self._source:
                self.latest = payload
                for rider in self._riders:
                    rider.offer(payload)
        except Exception:
            # The subscribers' frames say nothing more than `complete`, as Strawberry does for
            # an operation that fails outside the resolvers.
            logger.exception("a shared subscription failed")
        finally:
            self._registry.forget(self._key, self)
            for rider in self._riders:
                rider.end()
            try:
                with contextlib.suppress(Exception):
                    await self._source.aclose()
            finally:
                self._reading = False


class SharedSubscriptions:
    """This process's shared streams, by what makes two subscriptions the same."""

    def __init__(self) -> None:
        self._streams: dict[Hashable, SharedStream] = {}

    def find(self, key: Hashable) -> SharedStream | None:
        return self._streams.get(key)

    def start(self, key: Hashable, source: AsyncGenerator[str, None], latest: str) -> SharedStream:
        """A stream of `source`'s payloads for `key`, after `latest` (the one already sent)."""
        stream = SharedStream(self, key, source, latest)
        self._streams[key] = stream
        return stream

    def forget(self, key: Hashable, stream: SharedStream) -> None:
        """No new rider joins `stream` (it ended, or its last rider left)."""
        if self._streams.get(key) is stream:
            del self._streams[key]

    @property
    def riders(self) -> int:
        return sum(stream.riders for stream in self._streams.values())

    @property
    def sources(self) -> int:
        """Sources still reading: each holds one listener of the live relay for its riders."""
        return sum(stream.reading for stream in self._streams.values())
