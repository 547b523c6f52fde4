"""`GET /metrics`: the server's HTTP and GraphQL figures (of every server process `python
server.py` started), plus the workers' shared ones, as Prometheus text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response

from api.runtime import runtime_of
from db.models import DeliveryStatus, WebhookDelivery
from db.session import SessionFactory
from schema.metrics import GRAPHQL_REGISTRY
from workers.constants import QUEUE_NAME, SHARED_METRICS_KEY
from workers.metrics import (
    JOB_SECONDS_BUCKETS,
    PROVIDER_CALLS,
    RATE_LIMIT_WAIT_SECONDS,
    RATE_LIMIT_WAITS,
    SYNC_JOB_SECONDS_BUCKET,
    SYNC_JOB_SECONDS_SUM,
    SYNC_JOBS,
    WEBHOOK_ATTEMPTS,
    WEBHOOK_DELIVERIES,
    WEBHOOK_LATENCY_BUCKET,
    WEBHOOK_LATENCY_BUCKETS,
    WEBHOOK_LATENCY_SUM,
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


class SharedFigures(Collector):
    """The workers' counters (read from Redis just before) and gauges of this moment."""

    def __init__(
        self,
        shared: dict[str, float],
        *,
        queue_depth: int,
        open_subscriptions: int,
        pending_webhook_deliveries: int = 0,
    ) -> None:
        self.shared = shared
        self.queue_depth = queue_depth
        self.open_subscriptions = open_subscriptions
        self.pending_webhook_deliveries = pending_webhook_deliveries

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
        attempts = CounterMetricFamily(
            "wallet_tracker_webhook_attempts",
            "Webhook delivery attempts by outcome (succeeded, failed), all workers.",
            labels=["outcome"],
        )
        deliveries = CounterMetricFamily(
            "wallet_tracker_webhook_deliveries",
            "Webhook deliveries that ended, by outcome (succeeded, failed for good).",
            labels=["outcome"],
        )
        for field, value in self.shared.items():
            name, labels = split_figure_field(field)
            if name == WEBHOOK_ATTEMPTS:
                attempts.add_metric(labels, value)
            elif name == WEBHOOK_DELIVERIES:
                deliveries.add_metric(labels, value)
            elif name == PROVIDER_CALLS:
                calls.add_metric(labels, value)
            elif name == RATE_LIMIT_WAITS:
                waits.add_metric(labels, value)
            elif name == RATE_LIMIT_WAIT_SECONDS:
                waited.add_metric(labels, value)
            elif name == SYNC_JOBS:
                jobs.add_metric(labels, value)
        yield from (calls, waits, waited, jobs, self._job_durations())
        yield from (attempts, deliveries, self._webhook_latency())
        yield GaugeMetricFamily(
            "wallet_tracker_webhook_queue_depth",
            "Webhook deliveries pending (waiting to be sent or retried).",
            value=self.pending_webhook_deliveries,
        )
        yield GaugeMetricFamily(
            "wallet_tracker_queue_depth", "Jobs waiting in the queue.", value=self.queue_depth
        )
        yield GaugeMetricFamily(
            "wallet_tracker_open_subscriptions",
            "Open GraphQL subscriptions on the server process that answered.",
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

    def _webhook_latency(self) -> HistogramMetricFamily:
        buckets = [
            (str(bound), self.shared.get(figure_field(WEBHOOK_LATENCY_BUCKET, bound), 0.0))
            for bound in WEBHOOK_LATENCY_BUCKETS
        ]
        total = sum(
            value
            for field, value in self.shared.items()
            if split_figure_field(field)[0] == WEBHOOK_DELIVERIES
        )
        return HistogramMetricFamily(
            "wallet_tracker_webhook_latency_seconds",
            "Time from an event to the end of its delivery, all workers.",
            buckets=[*buckets, ("+Inf", total)],
            sum_value=self.shared.get(WEBHOOK_LATENCY_SUM, 0.0),
        )


def render(shared: SharedFigures, *, every_server_process: bool = False) -> bytes:
    """`every_server_process`: the HTTP and GraphQL figures of all the server processes
    `python server.py` started (prometheus_client's multiprocess mode, which the parent turns on
    for them with PROMETHEUS_MULTIPROC_DIR), not only this one's."""
    registry = CollectorRegistry()
    registry.register(shared)
    if every_server_process:
        processes = CollectorRegistry()
        MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
        own = generate_latest(processes)
    else:
        own = generate_latest(PROCESS_REGISTRY) + generate_latest(GRAPHQL_REGISTRY)
    return own + generate_latest(registry)


async def metrics_page(request: Request) -> Response:
    """Prometheus text: this process's HTTP/GraphQL figures and the workers' shared counters."""
    runtime = runtime_of(request)
    shared: dict[bytes, bytes] = await runtime.redis.hgetall(SHARED_METRICS_KEY)  # type: ignore[misc]
    figures = SharedFigures(
        {_text(field): float(value) for field, value in shared.items()},
        queue_depth=await runtime.redis.zcard(QUEUE_NAME),
        open_subscriptions=runtime.live.open_subscriptions,
        pending_webhook_deliveries=await pending_deliveries(runtime.sessions),
    )
    return Response(
        render(figures, every_server_process=runtime.process is not None),
        media_type=CONTENT_TYPE_LATEST,
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def pending_deliveries(sessions: SessionFactory) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.status == DeliveryStatus.PENDING)
        )
    return int(count or 0)
