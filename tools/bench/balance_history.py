"""`Wallet.balanceHistory(interval: DAY)` of the 156k address over a year, over HTTP."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from db.models import TrackedAddress, Transaction
from tools.bench.full_sync import synced_database
from tools.bench.http_load import GraphQLConnection, latencies
from tools.bench.report import Row, median, seconds, unavailable
from tools.bench.system import BIG_ADDRESS, BenchContext, open_sessions, server_process

REQUESTS_PER_RUN = 50
MAX_SECONDS = 0.100
WHAT = "balanceHistory(DAY) over a year, 156k txs"
TARGET = f"well under {MAX_SECONDS * 1000:.0f} ms"
BALANCE_HISTORY = """
query History($address: String!, $since: DateTime, $until: DateTime) {
  wallet(address: $address) {
    balanceHistory(interval: DAY, since: $since, until: $until) { at balance }
  }
}
"""


async def run(bench: BenchContext) -> list[Row]:
    database_url = await synced_database(bench)
    async with open_sessions(database_url) as sessions, sessions() as session:
        newest = await session.scalar(
            select(func.max(Transaction.tx_time))
            .join(TrackedAddress, TrackedAddress.id == Transaction.address_id)
            .where(TrackedAddress.address == BIG_ADDRESS)
        )
    assert newest is not None
    # A year of whole days ending at the day of the newest transaction.
    until = newest.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    variables = {
        "address": BIG_ADDRESS,
        "since": (until - timedelta(days=365)).isoformat(),
        "until": until.isoformat(),
    }
    body = GraphQLConnection.body(BALANCE_HISTORY, variables)
    runs = []
    with server_process(
        bench.server_environment(database_url), bench.path("history.log")
    ) as server:
        connection = await GraphQLConnection.open(server.base_url)
        try:
            status, payload = await connection.post(body)
        finally:
            connection.close()
        answer = json.loads(payload)
        if status != 200 or answer.get("errors") or not answer.get("data"):
            errors = answer.get("errors") or [{"message": f"HTTP {status}"}]
            return [unavailable(WHAT, str(errors[0].get("message"))[:80], TARGET)]
        points = len(answer["data"]["wallet"]["balanceHistory"])
        for _ in range(bench.runs):
            runs.append(median(await latencies(server.base_url, body, requests=REQUESTS_PER_RUN)))
    latency = median(runs)
    return [
        Row(
            WHAT,
            f"{seconds(latency)} for {points} points ({points / latency:,.0f} points/s)",
            f"limit {seconds(MAX_SECONDS)}",
            latency / MAX_SECONDS,
            TARGET,
            # "Well under": at most half the limit.
            latency <= MAX_SECONDS / 2,
        )
    ]
