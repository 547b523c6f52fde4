"""Log set-up: readable or JSON lines, with request/job context, and secrets redacted."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

CONTEXT_FIELDS = ("request_id", "job_id", "address", "provider")
_context: dict[str, ContextVar[str | None]] = {
    field: ContextVar(field, default=None) for field in CONTEXT_FIELDS
}
# API keys travel in URLs (Blockchair's `?key=`) and tokens in headers, and a user's keys in
# request URLs (`/export?address=xpub…`, GraphQL over GET): never in a log line.
_BASE58 = "1-9A-HJ-NP-Za-km-z"
SECRETS = (
    re.compile(r"(?P<keep>[?&](?:key|api_key|token)=)[^&\s\"']+", re.IGNORECASE),
    re.compile(r"(?P<keep>Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE),
    # Extended keys (SLIP-132 prefixes, public and private) wherever they appear, inside
    # URL-encoded descriptors too: an xpub reveals a wallet's whole history, an xprv its coins.
    re.compile(
        rf"(?P<keep>(?:[xyztuvYZUV](?:pub|prv)|(?:Lt|Mt|dg|tt)(?:ub|pv)))[{_BASE58}]{{100,}}"
    ),
    # A single private key (WIF) of Bitcoin, Litecoin, Dogecoin or testnet, as one token.
    re.compile(rf"(?<![0-9A-Za-z])(?P<keep>)[5KL6TQ9c][{_BASE58}]{{50,51}}(?![0-9A-Za-z])"),
)


@contextmanager
def log_context(**values: str | int | None) -> Iterator[None]:
    """Adds fields (request_id, job_id, address, provider) to every line logged inside."""
    tokens = [
        (_context[name], _context[name].set(None if value is None else str(value)))
        for name, value in values.items()
    ]
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)


def current_request_id() -> str | None:
    return _context["request_id"].get()


def redact(text: str) -> str:
    for pattern in SECRETS:
        text = pattern.sub(r"\g<keep>***", text)
    return text


class ContextAndRedaction(logging.Filter):
    def __init__(self, process: int | None = None) -> None:
        super().__init__()
        self.process = process

    def filter(self, record: logging.LogRecord) -> bool:
        if self.process is not None:
            record.server_process = self.process
        for field in CONTEXT_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, _context[field].get())
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{field}={getattr(record, field)}"
            for field in ("server_process", *CONTEXT_FIELDS)
            if getattr(record, field, None) is not None
        )
        return redact(f"{line} [{context}]" if context else line)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        process = getattr(record, "server_process", None)
        if process is not None:
            entry["server_process"] = process
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry))


def configure_logging(*, level: str, log_format: str, process: int | None = None) -> None:
    """One root handler for everything, uvicorn's and arq's loggers included; `process` (one of
    several server processes) starts every line."""
    handler = logging.StreamHandler()
    handler.addFilter(ContextAndRedaction(process))
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "arq"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
