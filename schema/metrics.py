"""Counts and times GraphQL operations, for `/metrics`."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from strawberry.extensions import SchemaExtension

# This process's GraphQL figures; `/metrics` renders them with the rest.
GRAPHQL_REGISTRY = CollectorRegistry()
GRAPHQL_OPERATIONS = Counter(
    "wallet_tracker_graphql_operations",
    "GraphQL operations by name, type and outcome (ok or error).",
    ["operation", "type", "outcome"],
    registry=GRAPHQL_REGISTRY,
)
GRAPHQL_SECONDS = Histogram(
    "wallet_tracker_graphql_operation_seconds",
    "Time to execute a GraphQL query or mutation.",
    ["operation", "type"],
    registry=GRAPHQL_REGISTRY,
)


class GraphQLMetrics(SchemaExtension):
    """Counts and times each operation; subscriptions are counted, not timed."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        operation = context.operation_name or "anonymous"
        # Without a parsed document (a syntax error, too many tokens) there is no type to read.
        kind = context.operation_type.value if context.graphql_document else "invalid"
        result = context.result
        failed = bool(getattr(result, "errors", None))
        GRAPHQL_OPERATIONS.labels(operation, kind, "error" if failed else "ok").inc()
        if kind != "subscription":
            GRAPHQL_SECONDS.labels(operation, kind).observe(time.perf_counter() - started)
