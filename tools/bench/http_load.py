"""A lean HTTP/1.1 keep-alive client for GraphQL POSTs, so the load generator costs little CPU."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit


class GraphQLConnection:
    """One keep-alive connection sending GraphQL requests one after another."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str):
        self.reader = reader
        self.writer = writer
        self.host = host

    @classmethod
    async def open(cls, base_url: str) -> GraphQLConnection:
        parts = urlsplit(base_url)
        assert parts.hostname is not None
        assert parts.port is not None
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(reader, writer, parts.netloc)

    def close(self) -> None:
        self.writer.close()

    @staticmethod
    def body(query: str, variables: dict[str, Any] | None = None) -> bytes:
        return json.dumps({"query": query, "variables": variables or {}}).encode()

    async def post(self, body: bytes) -> tuple[int, bytes]:
        """Sends one prepared body to /graphql; the status and the response body."""
        self.writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: " + self.host.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            return status, await self.reader.readexactly(int(headers["content-length"]))
        chunks: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await self.reader.readexactly(size + 2)
            if size == 0:
                return status, b"".join(chunks)
            chunks.append(chunk[:-2])

    async def query(self, body: bytes) -> dict[str, Any]:
        """The decoded response of a query that must succeed."""
        status, payload = await self.post(body)
        answer: dict[str, Any] = json.loads(payload)
        if status != 200 or answer.get("errors"):
            raise RuntimeError(f"HTTP {status}: {payload[:500]!r}")
        return answer


async def latencies(base_url: str, body: bytes, *, requests: int, warmup: int = 20) -> list[float]:
    """Seconds per request, one request at a time on one connection."""
    connection = await GraphQLConnection.open(base_url)
    try:
        await connection.query(body)
        for _ in range(warmup):
            await connection.post(body)
        taken = []
        for _ in range(requests):
            started = time.perf_counter()
            status, _ = await connection.post(body)
            taken.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"HTTP {status}")
        return taken
    finally:
        connection.close()


async def concurrent_load(
    base_url: str, bodies: Sequence[bytes], *, clients: int, duration_seconds: float
) -> tuple[float, list[float]]:
    """`clients` connections each sending requests back to back for `duration_seconds`, each
    client going round `bodies` from its own starting point (so the clients ask for different
    pages at any moment): requests per second, and every request's latency."""
    connections = [await GraphQLConnection.open(base_url) for _ in range(clients)]
    taken: list[float] = []
    try:
        for connection in connections:
            await connection.query(bodies[0])
        stop_at = time.perf_counter() + duration_seconds

        async def client(connection: GraphQLConnection, start: int) -> int:
            done = 0
            while time.perf_counter() < stop_at:
                body = bodies[(start + done) % len(bodies)]
                started = time.perf_counter()
                status, _ = await connection.post(body)
                taken.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"HTTP {status}")
                done += 1
            return done

        # Client i starts i/clients of the way round: the clients never ask in step.
        spread = max(1, len(bodies) // clients)
        started = time.perf_counter()
        done = await asyncio.gather(
            *(client(connection, index * spread) for index, connection in enumerate(connections))
        )
        elapsed = time.perf_counter() - started
        return sum(done) / elapsed, taken
    finally:
        for connection in connections:
            connection.close()
