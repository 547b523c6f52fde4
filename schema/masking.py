"""Which errors a client sees: our expected client errors pass as they are; anything else is a
server fault, masked with the request id and logged once at ERROR with its traceback."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from logs import current_request_id
from resolvers.errors import BadRequestError
from schema.scalars import InvalidScalarError

logger = logging.getLogger("wallet_tracker.graphql")

# Causes a client may read: our bad-request error, a scalar that would not parse, and
# graphql-core's own verdict on the input (say, a variable that is not a 32-bit Int).
CLIENT_ERROR_CAUSES = (BadRequestError, InvalidScalarError, GraphQLError)


def is_client_error(error: GraphQLError) -> bool:
    """A mistake of the client (bad input, an invalid query), not a fault of the server."""
    original = error.original_error
    return original is None or isinstance(original, CLIENT_ERROR_CAUSES)


class MaskUnexpectedErrors(MaskErrors):
    """Replaces an unexpected error with a message carrying the request id (logged in full)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_client_error(error))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = current_request_id() or "unknown"
        return GraphQLError(
            message=f"Internal server error (request id {request_id}); it has been logged.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


class LoggingSchema(strawberry.Schema):
    """Logs a client's mistake at INFO without a traceback, and a server fault at ERROR with
    one (Strawberry's default logs both at ERROR)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        operation = execution_context.operation_name if execution_context else None
        for error in errors:
            if is_client_error(error):
                logger.info("client error in %s: %s", operation or "an operation", error.message)
            else:
                original = error.original_error
                logger.error(
                    "server error in %s: %s",
                    operation or "an operation",
                    error.message,
                    exc_info=(type(original), original, original.__traceback__)
                    if original is not None
                    else None,
                )
