"""Logs: JSON or text lines with request/job context, and never a secret."""

from __future__ import annotations

import io
import json
import logging
import time
from pathlib import Path

import httpx

from logs import ContextAndRedaction, JsonFormatter, TextFormatter, log_context, redact
from tests.utils.graphql import GraphQLClient
from tools.processes import ServerProcess
from tools.simulator.testing import RunningSimulator

SECRET_KEY = "s3cr3t-blockchair-key"
ZPUB = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDK"
    "f31mGDtKsAYz2oz2AGutZYs"
)
XPRV = (
    "xprv9xpXFhFpqdQK3TmytPBqXtGSwS3DLjojFhTGht8gwAAii8py5X6pxeBnQ6ehJiyJ6nDjWGJfZ95WxByFXVkD"
    "xHXrqu53WCRGypk2ttuqncb"
)
WIF = "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU76rnZwVdz"


def capture(formatter: logging.Formatter) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextAndRedaction())
    handler.setFormatter(formatter)
    logger = logging.getLogger(f"test-{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_json_lines_carry_the_context_they_were_logged_in() -> None:
    logger, stream = capture(JsonFormatter())

    with log_context(request_id="req-1"), log_context(job_id=7, address="bc1qxyz"):
        logger.info("page %s saved", 3)
    logger.info("outside")

    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["message"] == "page 3 saved"
    assert inside["request_id"] == "req-1"
    assert inside["job_id"] == "7"
    assert inside["address"] == "bc1qxyz"
    assert inside["level"] == "INFO"
    assert "job_id" not in outside


def test_secrets_are_redacted_wherever_they_appear() -> None:
    logger, stream = capture(TextFormatter("%(message)s"))

    logger.info("GET https://api.blockchair.com/x?limit=1&key=%s HTTP/1.1", SECRET_KEY)
    logger.info("header Authorization: Bearer abc.def-123")

    assert SECRET_KEY not in stream.getvalue()
    assert "abc.def-123" not in stream.getvalue()
    assert "key=***" in stream.getvalue()
    assert redact("?token=xyz&key=abc") == "?token=***&key=***"


def test_extended_keys_and_private_keys_are_redacted_addresses_are_not() -> None:
    descriptor = f"wpkh%28%5B73c5da0a%2F84h%2F0h%2F0h%5D{XPRV}%2F%3C0%3B1%3E%2F%2A%29"
    taproot = "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"
    solana_signature = (
        "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW"
    )

    assert redact(f"GET /export?address={ZPUB} 200") == "GET /export?address=zpub*** 200"
    assert (
        redact(descriptor) == "wpkh%28%5B73c5da0a%2F84h%2F0h%2F0h%5Dxprv***%2F%3C0%3B1%3E%2F%2A%29"
    )
    assert redact(f"address={WIF}&chain=BITCOIN") == "address=***&chain=BITCOIN"
    assert redact(f"{taproot} {solana_signature}") == f"{taproot} {solana_signature}"


def test_python_server_py_logs_json_with_job_context_and_no_api_key(
    tmp_path: Path, simulator: RunningSimulator
) -> None:
    server = ServerProcess(
        {
            "LOG_FORMAT": "json",
            "VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/wallet-tracker.db",
            "BLOCKCHAIR_URL": simulator.blockchair_url,
            "ESPLORA_URL": simulator.esplora_url,
            "BLOCKCHAIR_API_KEY": SECRET_KEY,
            "BLOCKCHAIR_RATE_LIMIT": "100",
        },
        tmp_path / "server.log",
    )
    try:
        server.wait_until_ready()
        response = httpx.get(f"{server.base_url}/healthz", headers={"X-Request-ID": "abc-123"})
        assert response.headers["x-request-id"] == "abc-123"
        # A user's keys in request URLs (a private one pasted by mistake) stay out of the
        # access log.
        for key in (ZPUB, XPRV, WIF):
            httpx.get(f"{server.base_url}/export/transactions.csv", params={"address": key})
        httpx.get(
            f"{server.base_url}/graphql",
            params={"query": f'{{ wallet(address: "{ZPUB}") {{ balance }} }}'},
        )
        with GraphQLClient(server.base_url) as graphql:
            job_id = graphql.add_wallet("12xQ9k5ousS8MqNsMBqHKtjAtCuKezm2Ju")["job"]["id"]
            for _ in range(100):
                job = graphql.data("query($id: ID!) { job(id: $id) { status } }", {"id": job_id})
                if job["job"]["status"] == "SUCCEEDED":
                    break
                time.sleep(0.1)
    finally:
        output = server.stop()

    assert SECRET_KEY not in output
    for key in (ZPUB, XPRV, WIF):
        assert key[4:30] not in output
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    provider_lines = [line for line in lines if "HTTP Request" in line["message"]]
    assert provider_lines, "provider calls are logged"
    assert all("job_id" in line and "address" in line for line in provider_lines)
    assert all(line.get("provider") == "blockchair" for line in provider_lines)
    assert any(line.get("request_id") == "abc-123" for line in lines)
    assert any("/export/transactions.csv?address=zpub***" in line["message"] for line in lines)
