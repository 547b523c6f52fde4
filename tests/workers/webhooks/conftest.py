"""A webhook receiver on loopback (plain or TLS) that records what reaches it."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
import uvicorn

HUGE_BODY_BYTES = 5_000_000
SLOW_ANSWER_SECONDS = 5.0


@dataclass(frozen=True)
class TLSFiles:
    cert: Path
    key: Path


@dataclass(frozen=True)
class ReceivedRequest:
    client_port: int
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """uvicorn on a free port in a background thread. Paths: /hook answers 200 "thanks",
    /fail 500, /redirect 302 to `?to=`, /huge 5 MB, /slow after SLOW_ANSWER_SECONDS."""

    def __init__(self, *, host: str = "127.0.0.1", tls_files: TLSFiles | None = None) -> None:
        self.requests: list[ReceivedRequest] = []
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, 0))
        self.port: int = self._socket.getsockname()[1]
        scheme = "http" if tls_files is None else "https"
        self.base_url = f"{scheme}://{f'[{host}]' if ':' in host else host}:{self.port}"
        tls: dict[str, Any] = {}
        if tls_files is not None:
            tls = {"ssl_certfile": str(tls_files.cert), "ssl_keyfile": str(tls_files.key)}
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            lifespan="off",
            interface="asgi3",
            ws="none",
            timeout_graceful_shutdown=1,
            **tls,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the webhook receiver did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=20)
        self._socket.close()

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode(): value.decode() for name, value in scope["headers"]}
        self.requests.append(
            ReceivedRequest(scope["client"][1], scope["method"], scope["path"], headers, body)
        )
        path = scope["path"]
        if path == "/slow":
            await asyncio.sleep(SLOW_ANSWER_SECONDS)
        if path == "/huge":
            await _answer_huge(send)
            return
        if path == "/redirect":
            target = scope["query_string"].decode().removeprefix("to=")
            await _answer(send, 302, b"moved", [(b"location", target.encode())])
            return
        status, answer = (500, b"boom") if path == "/fail" else (200, b"thanks")
        await _answer(send, status, answer)


async def _answer(
    send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _answer_huge(send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    chunk = b"x" * 65_536
    for _ in range(HUGE_BODY_BYTES // len(chunk)):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


StartReceiver = Callable[..., Receiver]


@pytest.fixture
def start_receiver() -> Iterator[StartReceiver]:
    """Starts receivers (`host=`, `tls_files=`), all stopped after the test."""
    started: list[Receiver] = []

    def start(**options: Any) -> Receiver:
        receiver = Receiver(**options)
        receiver.start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def receiver(start_receiver: StartReceiver) -> Receiver:
    return start_receiver()


@pytest.fixture
def certificate_authority() -> trustme.CA:
    return trustme.CA()


def tls_files_for(ca: trustme.CA, directory: Path, *host_names: str) -> TLSFiles:
    """A certificate of `ca` for these names, written as PEM files for uvicorn."""
    certificate = ca.issue_cert(*host_names)
    files = TLSFiles(directory / f"{host_names[0]}.pem", directory / f"{host_names[0]}.key")
    files.cert.write_bytes(b"".join(pem.bytes() for pem in certificate.cert_chain_pems))
    files.key.write_bytes(certificate.private_key_pem.bytes())
    return files
