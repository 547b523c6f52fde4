"""Prometheus metrics: this process's HTTP and GraphQL figures, plus the workers' shared ones."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from workers.metrics import (
    JOB_SECONDS_BUCKETS,
    PROVIDER_CALLS,
    RATE_LIMIT_WAIT_SECONDS,
    RATE_LIMIT_WAITS,
    SYNC_JOB_SECONDS_BUCKET,
    SYNC_JOB_SECONDS_SUM,
    SYNC_JOBS,
    figure_field,
    split_figure_field,
)

PROCESS_REGISTRY = CollectorRegistry()
KNOWN_ROUTES = ("/graphql", "/healthz", "/readyz", "/metrics")

HTTP_REQUESTS = Counter(
    "wallet_tracker_http_requests",
    "HTTP requests by route, method and status.",
    ["route", "method", "status"],
    registry=PROCESS_REGISTRY,
)
GRAPHQL_OPERATIONS = Counter(
    "wallet_tracker_graphql_operations",
    "GraphQL operations by name, type and outcome (ok or error).",
    ["operation", "type", "outcome"],
    registry=PROCESS_REGISTRY,
)
GRAPHQL_SECONDS = Histogram(
    "wallet_tracker_graphql_operation_seconds",
    "Time to execute a GraphQL query or mutation.",
    ["operation", "type"],
    registry=PROCESS_REGISTRY,
)


class HttpMetricsMiddleware:
    """Counts every HTTP response by route (known routes only, to bound the label set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        route = path if path in KNOWN_ROUTES else "/" if path == "/" else "other"
        status = 500

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            HTTP_REQUESTS.labels(route, scope["method"], str(status)).inc()


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


class SharedFigures(Collector):
    """The workers' counters (read from Redis just before) and gauges of this moment."""

    def __init__(
        self, shared: dict[str, float], *, queue_depth: int, open_subscriptions: int
    ) -> None:
        self.shared = shared
        self.queue_depth = queue_depth
        self.open_subscriptions = open_subscriptions

    def collect(self) -> Iterator[Any]:
        calls = CounterMetricFamily(
            "wallet_tracker_provider_calls",
            "Provider HTTP calls by provider and status (or error kind), all workers.",
            labels=["provider", "status"],
        )
        waits = CounterMetricFamily(
            "wallet_tracker_rate_limit_waits",
            "Provider calls that waited for the shared rate limit, all workers.",
            labels=["provider"],
        )
        waited = CounterMetricFamily(
            "wallet_tracker_rate_limit_wait_seconds",
            "Time spent waiting for the shared rate limit, all workers.",
            labels=["provider"],
        )
        jobs = CounterMetricFamily(
            "wallet_tracker_sync_jobs",
            "Finished sync jobs by outcome, all workers.",
            labels=["outcome"],
        )
        for field, value in self.shared.items():
            name, labels = split_figure_field(field)
            if name == PROVIDER_CALLS:
                calls.add_metric(labels, value)
            elif name == RATE_LIMIT_WAITS:
                waits.add_metric(labels, value)
            elif name == RATE_LIMIT_WAIT_SECONDS:
                waited.add_metric(labels, value)
            elif name == SYNC_JOBS:
                jobs.add_metric(labels, value)
        yield from (calls, waits, waited, jobs, self._job_durations())
        yield GaugeMetricFamily(
            "wallet_tracker_queue_depth", "Jobs waiting in the queue.", value=self.queue_depth
        )
        yield GaugeMetricFamily(
            "wallet_tracker_open_subscriptions",
            "Open GraphQL subscriptions on this server process.",
            value=self.open_subscriptions,
        )

    def _job_durations(self) -> HistogramMetricFamily:
        buckets = [
            (str(bound), self.shared.get(figure_field(SYNC_JOB_SECONDS_BUCKET, bound), 0.0))
            for bound in JOB_SECONDS_BUCKETS
        ]
        total = sum(
            value
            for field, value in self.shared.items()
            if split_figure_field(field)[0] == SYNC_JOBS
        )
        return HistogramMetricFamily(
            "wallet_tracker_sync_job_seconds",
            "Duration of finished sync jobs, all workers.",
            buckets=[*buckets, ("+Inf", total)],
            sum_value=self.shared.get(SYNC_JOB_SECONDS_SUM, 0.0),
        )


def render(shared: SharedFigures) -> bytes:
    registry = CollectorRegistry()
    registry.register(shared)
    return generate_latest(PROCESS_REGISTRY) + generate_latest(registry)
