"""Webhook events from the outbox to a loopback receiver, sent by a worker process's dispatcher:
a steady stream as syncs write it, and bursts to one webhook and to ten."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime

from pydantic import SecretStr
from sqlalchemy import insert

from db.global_ids import global_id
from db.models import WebhookDelivery, WebhookEvent, utc_now
from db.session import SessionFactory
from resolvers import webhooks as webhook_resolvers
from resolvers.accounts import ensure_local_account
from settings import Settings
from tools.bench.report import Row, median, percentile, seconds
from tools.bench.system import BenchContext, open_sessions
from tools.processes import WorkerProcess
from tools.webhook_receiver import WebhookReceiver, running_receiver
from workers.metrics import SharedMetrics
from workers.webhooks import outbox
from workers.webhooks.destinations import Outcome, WebhookSender
from workers.webhooks.dispatcher import Claimed, Destination, WebhookDispatcher
from workers.webhooks.secret_box import secret_box

EVENTS = 1_000
STEADY_PER_SECOND = 100
# Events a sync's page brings at once: written in one transaction, as a sync writes its page.
STEADY_BATCH = 10
MANY_WEBHOOKS = 10
MAX_P99_SECONDS = 1.0
SECRET_KEY = "wallet-tracker-bench-webhook-secret-key"
WITHIN_SECONDS = 300.0
# More runs only while they fit in this budget (each backend): a slow dispatcher must not stall
# `make bench`.
BUDGET_SECONDS = 120.0
TARGET = f"p99 ≤ {MAX_P99_SECONDS:.0f} s"


@dataclass(frozen=True)
class Delivered:
    """One scenario's deliveries: latencies (arrival - created_at), in the order written."""

    latencies: list[float]
    per_second: float
    in_order: bool
    repeated: int


class Outbox:
    """Writes delivery rows with the outbox's own row and body builders, one transaction a
    batch, as a sync's page writes them; remembers when each event was created."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions
        self.created_at: dict[str, float] = {}
        self.written: list[str] = []
        self._transactions = 0

    async def write(self, webhook_ids: Sequence[int], transactions: int) -> None:
        """`transactions` new transactions, each an event for every webhook in `webhook_ids`."""
        now = utc_now()
        rows = []
        for _ in range(transactions):
            self._transactions += 1
            data = {"wallet": _WALLET, "transaction": _transaction(self._transactions)}
            for webhook_id in webhook_ids:
                payload = outbox.body(WebhookEvent.TRANSACTION_NEW, data, now)
                rows.append(
                    outbox.new_delivery_row(webhook_id, WebhookEvent.TRANSACTION_NEW, payload, now)
                )
        async with self.sessions.begin() as session:
            await session.execute(insert(WebhookDelivery), rows)
        for row in rows:
            self.created_at[row["message_id"]] = now.timestamp()
            self.written.append(row["message_id"])


_WALLET = {
    "id": global_id("Wallet", 1),
    "address": "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h",
    "chain": "BITCOIN",
    "label": "savings",
}


def _transaction(number: int) -> dict[str, object]:
    return {
        "id": global_id("Transaction", 1, number),
        "txid": f"{number:064x}",
        "amount": str(10_000 + number),
        "blockHeight": None,
        "confirmations": 0,
        "timestamp": utc_now().isoformat(),
        "fee": "1410",
        "failed": False,
    }


async def _delivered(
    receiver: WebhookReceiver, events: Outbox, first: int, *, ordered: bool
) -> Delivered:
    """Waits for every message written since `events.written[first]`, then the figures."""
    expected = events.written[first:]
    wanted = set(expected)
    deadline = time.monotonic() + WITHIN_SECONDS
    while True:
        arrivals: dict[str, float] = {}
        order: list[str] = []
        repeated = 0
        for request in list(receiver.received):
            message_id = request.headers.get("webhook-id", "")
            if message_id not in wanted:
                continue
            if message_id in arrivals:
                repeated += 1
                continue
            arrivals[message_id] = request.at
            order.append(message_id)
        if len(arrivals) == len(expected):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{len(arrivals)} of {len(expected)} webhook deliveries arrived in "
                f"{WITHIN_SECONDS:.0f} s"
            )
        await asyncio.sleep(0.05)
    latencies = [arrivals[message_id] - events.created_at[message_id] for message_id in expected]
    started = min(events.created_at[message_id] for message_id in expected)
    return Delivered(
        latencies=latencies,
        per_second=len(expected) / (max(arrivals.values()) - started),
        in_order=not ordered or order == expected,
        repeated=repeated,
    )


async def _create_webhooks(
    sessions: SessionFactory, settings: Settings, url: str, count: int
) -> list[int]:
    viewer = await ensure_local_account(sessions)
    webhook_ids = []
    for number in range(count):
        created = await webhook_resolvers.create_webhook(
            sessions,
            settings,
            viewer=viewer,
            url=f"{url}/{number}",
            events=[WebhookEvent.TRANSACTION_NEW],
            address=None,
            chain=None,
        )
        assert created.webhook is not None, created.errors
        webhook_ids.append(created.webhook.id)
    return webhook_ids


async def _steady(events: Outbox, webhook_id: int) -> None:
    """EVENTS events at STEADY_PER_SECOND, STEADY_BATCH a transaction, on a fixed schedule."""
    started = time.monotonic()
    for batch in range(EVENTS // STEADY_BATCH):
        await asyncio.sleep(
            max(0.0, started + batch * STEADY_BATCH / STEADY_PER_SECOND - time.monotonic())
        )
        await events.write([webhook_id], STEADY_BATCH)


class TimedMetrics(SharedMetrics):
    """The shared metrics, with the time spent writing them added up."""

    spent = 0.0

    async def webhook_attempt(self, outcome: str) -> None:
        started = time.perf_counter()
        await super().webhook_attempt(outcome)
        self.spent += time.perf_counter() - started

    async def webhook_delivered(self, outcome: str, seconds: float) -> None:
        started = time.perf_counter()
        await super().webhook_delivered(outcome, seconds)
        self.spent += time.perf_counter() - started

    async def webhooks_delivered(self, latencies: list[float]) -> None:
        started = time.perf_counter()
        await super().webhooks_delivered(latencies)
        self.spent += time.perf_counter() - started


class TimedDispatcher(WebhookDispatcher):
    """The dispatcher as the workers run it, with the time of each step added up: claiming a
    run of deliveries (one transaction), the HTTP attempts (signing included), recording the
    outcomes (one transaction a run, plus the shared metrics in Redis)."""

    spent: defaultdict[str, float]

    async def _claim_run(self, webhook_id: int) -> list[Claimed]:
        started = time.perf_counter()
        try:
            return await super()._claim_run(webhook_id)
        finally:
            self.spent["claim"] += time.perf_counter() - started

    async def _record_successes(
        self, webhook_id: int, succeeded: list[tuple[Claimed, Outcome, datetime]]
    ) -> None:
        started = time.perf_counter()
        try:
            await super()._record_successes(webhook_id, succeeded)
        finally:
            self.spent["record"] += time.perf_counter() - started

    async def send(self, destination: Destination, delivery: Claimed) -> Outcome:
        started = time.perf_counter()
        try:
            return await super().send(destination, delivery)
        finally:
            self.spent["http"] += time.perf_counter() - started

    async def record(
        self, webhook_id: int, delivery: Claimed, outcome: Outcome, *, retry: bool = True
    ) -> bool:
        started = time.perf_counter()
        try:
            return await super().record(webhook_id, delivery, outcome, retry=retry)
        finally:
            self.spent["record"] += time.perf_counter() - started


async def _profiled_burst(
    bench: BenchContext,
    sessions: SessionFactory,
    settings: Settings,
    receiver: WebhookReceiver,
    events: Outbox,
    webhook_id: int,
) -> tuple[dict[str, float], float]:
    """Per delivery: seconds in each step, of a burst to one webhook sent in this process; and
    deliveries a second."""
    first = len(events.written)
    await events.write([webhook_id], EVENTS)
    metrics = TimedMetrics(bench.arq_redis)
    async with AsyncExitStack() as exits:
        sender = await exits.enter_async_context(
            WebhookSender(
                allow_private=settings.webhook_allow_private,
                timeout_seconds=settings.webhook_timeout_seconds,
            )
        )
        dispatcher = TimedDispatcher(
            sessions, settings, sender=sender, box=secret_box(settings), metrics=metrics
        )
        dispatcher.spent = defaultdict(float)
        task = asyncio.create_task(dispatcher.run_forever())
        try:
            delivered = await _delivered(receiver, events, first, ordered=True)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    spent = {name: total / EVENTS for name, total in dispatcher.spent.items()}
    spent["metrics"] = metrics.spent / EVENTS
    return spent, delivered.per_second


async def _measure(
    bench: BenchContext, database_url: str, backend: str
) -> tuple[dict[str, list[Delivered]], dict[str, float], float]:
    settings = Settings(
        database_url=database_url,
        secret_key=SecretStr(SECRET_KEY),
        webhook_allow_http=True,
        webhook_allow_private=True,
    )
    environment = bench.worker_environment(
        database_url,
        SECRET_KEY=SECRET_KEY,
        WEBHOOK_ALLOW_HTTP="true",
        WEBHOOK_ALLOW_PRIVATE="true",
        VAR_DIR=str(bench.path(f"webhooks-{backend}-var")),
    )
    figures: dict[str, list[Delivered]] = defaultdict(list)
    async with open_sessions(database_url) as sessions:
        with running_receiver() as receiver:
            single, *many = await _create_webhooks(
                sessions, settings, receiver.url, 1 + MANY_WEBHOOKS
            )
            events = Outbox(sessions)
            with WorkerProcess(environment, bench.path(f"webhooks-{backend}-worker.log")):
                # Not timed: the worker starting, its first connections.
                await events.write([single, *many], 1)
                await _delivered(receiver, events, 0, ordered=False)
                started = time.monotonic()
                for number in range(bench.runs):
                    spent_so_far = time.monotonic() - started
                    if number and spent_so_far / number * (number + 1) > BUDGET_SECONDS:
                        break
                    first = len(events.written)
                    await _steady(events, single)
                    figures["steady"].append(
                        await _delivered(receiver, events, first, ordered=True)
                    )
                    first = len(events.written)
                    await events.write([single], EVENTS)
                    figures["burst one"].append(
                        await _delivered(receiver, events, first, ordered=True)
                    )
                    first = len(events.written)
                    await events.write(many, EVENTS // MANY_WEBHOOKS)
                    figures["burst many"].append(
                        await _delivered(receiver, events, first, ordered=False)
                    )
            spent, profiled_per_second = await _profiled_burst(
                bench, sessions, settings, receiver, events, single
            )
    return figures, spent, profiled_per_second


def _rows(
    backend: str,
    figures: dict[str, list[Delivered]],
    spent: dict[str, float],
    profiled_per_second: float,
    wanted_runs: int,
) -> list[Row]:
    rows = []
    cases = {
        "steady": f"{EVENTS:,} events at {STEADY_PER_SECOND}/s to 1 webhook",
        "burst one": f"burst of {EVENTS:,} events to 1 webhook",
        "burst many": f"burst of {EVENTS:,} events to {MANY_WEBHOOKS} webhooks",
    }
    for case, what in cases.items():
        runs = figures[case]
        p50 = median([percentile(run.latencies, 0.5) for run in runs])
        p99 = median([percentile(run.latencies, 0.99) for run in runs])
        worst = median([max(run.latencies) for run in runs])
        per_second = median([run.per_second for run in runs])
        in_order = all(run.in_order for run in runs)
        repeated = sum(run.repeated for run in runs)
        notes = [] if in_order else ["OUT OF ORDER"]
        if len(runs) < wanted_runs:
            notes.append(f"{len(runs)} run{'s' if len(runs) != 1 else ''} in the budget")
        if repeated:
            notes.append(f"{repeated} sent twice")
        rows.append(
            Row(
                f"webhooks, {what} ({backend})",
                f"p50 {seconds(p50)}, p99 {seconds(p99)}, max {seconds(worst)}, "
                f"{per_second:,.0f} deliveries/s" + "".join(f", {note}" for note in notes),
                "receiver answers at once",
                p99 / MAX_P99_SECONDS,
                TARGET,
                p99 <= MAX_P99_SECONDS and in_order,
            )
        )
    total = sum(spent.values())
    rows.append(
        Row(
            f"webhooks, where 1 webhook's burst time goes ({backend}, in-process)",
            f"{seconds(total)} a delivery: claim {seconds(spent['claim'])}, "
            f"HTTP {seconds(spent['http'])}, record {seconds(spent['record'])} "
            f"(metrics {seconds(spent['metrics'])} of it); {profiled_per_second:,.0f}/s",
            "",
            None,
            "none (profile)",
            None,
        )
    )
    return rows


async def run(bench: BenchContext) -> list[Row]:
    figures, spent, per_second = await _measure(bench, bench.fresh_sqlite("webhooks"), "SQLite")
    rows = _rows("SQLite", figures, spent, per_second, bench.runs)
    if bench.postgres_url is not None:
        figures, spent, per_second = await _measure(
            bench, await bench.fresh_postgres(), "PostgreSQL"
        )
        rows.extend(_rows("PostgreSQL", figures, spent, per_second, bench.runs))
    return rows
