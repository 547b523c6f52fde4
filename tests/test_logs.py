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
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    provider_lines = [line for line in lines if "HTTP Request" in line["message"]]
    assert provider_lines, "provider calls are logged"
    assert all("job_id" in line and "address" in line for line in provider_lines)
    assert all(line.get("provider") == "blockchair" for line in provider_lines)
    assert any(line.get("request_id") == "abc-123" for line in lines)
