"""A webhook receiver on loopback for tests, benchmarks and trying webhooks out: it records every
request (headers, exact body, arrival time) and answers with the statuses it is told to.

    python -m tools.webhook_receiver --port 9000      # prints each delivery it gets
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes
    at: float
    """time.time() when the body had been read."""


class WebhookReceiver:
    """Answers 200 unless told otherwise: `answer_with(500, 500)` answers the next two 500."""

    def __init__(self, port: int = 0, *, delay_seconds: float = 0.0) -> None:
        self.received: list[Received] = []
        self.delay_seconds = delay_seconds
        self._statuses: list[int] = []
        self._holds: list[float] = []
        self._lock = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The headers and the body go out in two writes: with Nagle's algorithm the body
            # waits for the client's delayed ACK of the headers, 40 ms on every request.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                status, hold = receiver._record(
                    Received(
                        method=self.command,
                        path=self.path,
                        headers={name.lower(): value for name, value in self.headers.items()},
                        body=body,
                        at=time.time(),
                    )
                )
                if hold or receiver.delay_seconds:
                    time.sleep(hold or receiver.delay_seconds)
                answer = b'{"ok":true}' if status < 300 else b'{"error":"told to fail"}'
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    # The sender gave up waiting (a held answer): nothing to tell it.
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def answer_with(self, *statuses: int) -> None:
        with self._lock:
            self._statuses.extend(statuses)

    def hold_next(self, seconds: float) -> None:
        """The next request waits `seconds` before it is answered (a receiver hanging)."""
        with self._lock:
            self._holds.append(seconds)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """The first `count` requests, once they have come (AssertionError after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"the receiver got {len(self.received)} requests, not {count}, "
                        f"in {timeout} s"
                    )
                self._lock.wait(left)
            return list(self.received[:count])

    def _record(self, request: Received) -> tuple[int, float]:
        with self._lock:
            self.received.append(request)
            self._lock.notify_all()
            status = self._statuses.pop(0) if self._statuses else 200
            return status, self._holds.pop(0) if self._holds else 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


@contextmanager
def running_receiver(port: int = 0, *, delay_seconds: float = 0.0) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(port, delay_seconds=delay_seconds)
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000)
    arguments = parser.parse_args()
    with running_receiver(arguments.port) as receiver:
        print(
            f"receiving at {receiver.url} (start the server with WEBHOOK_ALLOW_HTTP=true and "
            "WEBHOOK_ALLOW_PRIVATE=true); Ctrl-C stops"
        )
        shown = 0
        try:
            while True:
                requests = receiver.wait_for(shown + 1, timeout=3600)
                latest = requests[-1]
                print(latest.headers.get("webhook-id"), latest.body.decode(errors="replace"))
                shown += 1
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
