"""A websocket client lean enough for 10,000 connections in one Python process: RFC 6455 text
frames over an asyncio Protocol, no extensions (no permessage-deflate), pings answered. It
measures the server, not a client library: the `websockets` client costs about 96 µs of CPU a
message at that scale, on the same cores as the servers it measures."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import struct
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

# RFC 6455 section 1.3: appended to the client's key to make the server's accept value.
ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OPCODE_CONTINUATION = 0x0
OPCODE_TEXT = 0x1
OPCODE_CLOSE = 0x8
OPCODE_PING = 0x9
OPCODE_PONG = 0xA
HANDSHAKE_SECONDS = 10.0

# Called with each whole text message and the time its bytes were read.
OnText = Callable[[str, float], None]


class LeanWebSocketError(OSError):
    """The server did not switch protocols as asked, or broke RFC 6455."""


def _frame(opcode: int, payload: bytes) -> bytes:
    """A final client frame: masked, as RFC 6455 requires of clients."""
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    repeated = (mask * (length // 4 + 1))[:length]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        length, "big"
    )
    return head + mask + masked


class LeanWebSocket(asyncio.Protocol):
    """One client connection: `on_text` gets every text message once the handshake is done."""

    def __init__(self, request: bytes, key: bytes, subprotocol: str) -> None:
        self._request = request
        self._accept = base64.b64encode(hashlib.sha1(key + ACCEPT_GUID).digest())
        self._subprotocol = subprotocol.encode()
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._fragments: list[bytes] = []
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.on_text: OnText | None = None
        # Text messages before `on_text` is set (the handshake's first replies).
        self.waiting: asyncio.Queue[str] = asyncio.Queue()

    @classmethod
    async def connect(cls, url: str, subprotocol: str) -> LeanWebSocket:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = parts.port or 80
        key = base64.b64encode(os.urandom(16))
        request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\n"
            f"Host: {parts.netloc}\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key.decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: {subprotocol}\r\n"
            "\r\n"
        ).encode()
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(
            lambda: cls(request, key, subprotocol), host, port
        )
        try:
            await asyncio.wait_for(asyncio.shield(protocol.opened), HANDSHAKE_SECONDS)
        except BaseException:
            protocol.abort()
            raise
        return protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        transport.write(self._request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc or LeanWebSocketError("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        arrived = time.time()
        self._buffer += data
        if not self.opened.done():
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
            del self._buffer[: end + 4]
            if not self._handshake_accepted(head):
                self.opened.set_exception(LeanWebSocketError(head[0]))
                self.abort()
                return
            self.opened.set_result(None)
        self._read_frames(arrived)

    def _handshake_accepted(self, head: list[str]) -> bool:
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        return (
            head[0].split(" ", 2)[1:2] == ["101"]
            and fields.get("sec-websocket-accept", "").encode() == self._accept
            and fields.get("sec-websocket-protocol", "").encode() == self._subprotocol
            # Nothing was offered, so nothing may be in force (a compressed frame would be
            # misread).
            and "sec-websocket-extensions" not in fields
        )

    def _read_frames(self, arrived: float) -> None:
        buffer = self._buffer
        while len(buffer) >= 2:
            first, second = buffer[0], buffer[1]
            if second & 0x80:
                raise LeanWebSocketError("a server must not mask its frames")
            length = second & 0x7F
            start = 2
            if length == 126:
                if len(buffer) < 4:
                    return
                (length,) = struct.unpack_from("!H", buffer, 2)
                start = 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                (length,) = struct.unpack_from("!Q", buffer, 2)
                start = 10
            if len(buffer) < start + length:
                return
            payload = bytes(buffer[start : start + length])
            del buffer[: start + length]
            self._frame_received(first & 0x0F, bool(first & 0x80), payload, arrived)

    def _frame_received(self, opcode: int, final: bool, payload: bytes, arrived: float) -> None:
        if opcode in (OPCODE_TEXT, OPCODE_CONTINUATION):
            self._fragments.append(payload)
            if final:
                text = b"".join(self._fragments).decode()
                self._fragments.clear()
                if self.on_text is None:
                    self.waiting.put_nowait(text)
                else:
                    self.on_text(text, arrived)
        elif opcode == OPCODE_PING:
            self._write(OPCODE_PONG, payload)
        elif opcode == OPCODE_CLOSE:
            self._write(OPCODE_CLOSE, payload[:2])
            self.abort()

    def _write(self, opcode: int, payload: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(_frame(opcode, payload))

    def send_text(self, text: str) -> None:
        self._write(OPCODE_TEXT, text.encode())

    async def receive_text(self) -> str:
        """The next text message, while no `on_text` takes them."""
        waiting = asyncio.ensure_future(self.waiting.get())
        either: set[asyncio.Future[Any]] = {waiting, self.closed}
        done, _ = await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if waiting not in done:
            waiting.cancel()
            raise LeanWebSocketError("closed before a reply")
        return waiting.result()

    async def close(self) -> None:
        """A close frame (going away), then the connection is closed from this side."""
        self._write(OPCODE_CLOSE, struct.pack("!H", 1001))
        self.abort()
        await self.closed

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.close()
