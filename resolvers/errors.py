"""Expected failures, returned as data in mutation payloads."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ErrorCode(enum.Enum):
    INVALID_ADDRESS = "INVALID_ADDRESS"
    ALREADY_TRACKED = "ALREADY_TRACKED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    FORBIDDEN = "FORBIDDEN"


@dataclass(frozen=True)
class InputError:
    code: ErrorCode
    message: str
    field: tuple[str, ...] | None = None


class BadRequestError(Exception):
    """Malformed arguments of a query (cursor, id, page size): a top-level GraphQL error,
    with `extensions.code` INVALID_INPUT (graphql-core copies `extensions` from the cause)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.extensions = {"code": ErrorCode.INVALID_INPUT.value}
