"""`SyncJob`: a sync of one address, its status and progress."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.models import SyncJob as SyncJobRow
from resolvers import wallets as wallet_reads
from schema.context import ContextInfo
from schema.enums import JobStatus
from schema.node import Node, to_global_id
from workers.events import JobState

if TYPE_CHECKING:
    from schema.wallets import Wallet

FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)
STATUS_ORDER = {
    JobStatus.QUEUED: 0,
    JobStatus.RUNNING: 1,
    JobStatus.SUCCEEDED: 2,
    JobStatus.FAILED: 2,
    JobStatus.CANCELLED: 2,
}


@strawberry.type
class SyncJob(Node):
    id: strawberry.ID
    status: JobStatus
    provider: str | None = strawberry.field(
        description='Name of the data provider that served the job, e.g. "blockchair" or "esplora".'
    )
    fetched_transactions: int = strawberry.field(
        description="Transactions fetched from the provider so far in this job."
    )
    expected_transactions: int | None = strawberry.field(
        description="Transactions the provider reports for the address, when known."
    )
    addresses_scanned: int | None = strawberry.field(
        description=(
            "HD wallets: derived addresses whose use this job has checked so far (both"
            " keychains); null for other wallets."
        )
    )
    attempts: int
    error: str | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    address_id: strawberry.Private[int]

    @strawberry.field(description="Null once the wallet has been removed.")
    async def wallet(
        self, info: ContextInfo
    ) -> Annotated[Wallet, strawberry.lazy("schema.wallets")] | None:
        from schema.wallets import Wallet

        view = await wallet_reads.find_wallet_of_address(
            info.context.sessions, viewer=info.context.viewer, address_id=self.address_id
        )
        return Wallet.from_view(view) if view is not None else None

    @strawberry.field(description="Fraction done, 0.0 to 1.0, when known.")
    def progress(self) -> float | None:
        if self.status is JobStatus.SUCCEEDED:
            return 1.0
        if self.stored_progress is not None:
            return min(1.0, max(0.0, self.stored_progress))
        if self.expected_transactions is None:
            return None
        if self.expected_transactions == 0:
            return 0.0
        return min(1.0, self.fetched_transactions / self.expected_transactions)

    heartbeat_at: strawberry.Private[datetime | None] = None
    stored_progress: strawberry.Private[float | None] = None
    """What a sync that pages by block or slot reported; None: derived from the counts."""

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    def order_key(self) -> tuple[datetime, int, int]:
        """Later states sort higher: a subscriber skips anything older than what it sent."""
        moment = self.heartbeat_at or self.queued_at
        return (moment, STATUS_ORDER[self.status], self.fetched_transactions)

    @classmethod
    def from_state(cls, state: JobState) -> SyncJob:
        """From a worker's published state."""
        return cls(
            id=to_global_id("SyncJob", state["id"]),
            status=JobStatus(state["status"]),
            provider=state["provider"],
            fetched_transactions=state["fetched_transactions"],
            expected_transactions=state["expected_transactions"],
            addresses_scanned=state["addresses_scanned"],
            attempts=state["attempts"],
            error=state["error"],
            queued_at=datetime.fromisoformat(state["queued_at"]),
            started_at=_optional_time(state["started_at"]),
            finished_at=_optional_time(state["finished_at"]),
            address_id=state["address_id"],
            heartbeat_at=_optional_time(state["heartbeat_at"]),
            stored_progress=state["progress"],
        )

    @classmethod
    def from_row(cls, row: SyncJobRow) -> SyncJob:
        return cls(
            id=to_global_id("SyncJob", row.id),
            status=row.status,
            provider=row.provider,
            fetched_transactions=row.fetched_transactions,
            expected_transactions=row.expected_transactions,
            addresses_scanned=row.addresses_scanned,
            attempts=row.attempts,
            error=row.error,
            queued_at=row.queued_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            address_id=row.address_id,
            heartbeat_at=row.heartbeat_at,
            stored_progress=row.progress,
        )


def _optional_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None
