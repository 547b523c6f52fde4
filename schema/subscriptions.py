"""Live updates: a job's progress and a wallet's changes, over graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from resolvers import jobs as job_reads
from resolvers import wallets as wallet_reads
from resolvers.errors import BadRequestError
from schema.context import ContextInfo, Messages
from schema.enums import Chain
from schema.jobs import SyncJob
from schema.node import expect_global_id
from schema.wallets import Wallet
from workers.constants import address_channel, job_channel
from workers.events import decode_job_state, removed_wallet_id


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "The job's state on subscribe, then each change (status, progress); "
            "completes after a terminal status."
        )
    )
    async def job_updates(
        self,
        info: ContextInfo,
        id: strawberry.ID,  # noqa: A002
    ) -> AsyncGenerator[SyncJob, None]:
        (job_id,) = expect_global_id(id, "SyncJob", 1)
        context = info.context
        # Subscribe before reading the snapshot, so no change falls in between.
        async with context.live.listen(job_channel(job_id)) as inbox:
            row = await job_reads.get_job(context.sessions, viewer=context.viewer, job_id=job_id)
            if row is None:
                raise BadRequestError(f"No sync job {id} that you can see.")
            current = SyncJob.from_row(row)
            yield current
            while not current.is_finished:
                # Behind by several changes (a busy server): only the newest state is sent, so
                # a backlog costs one message, not one per change it missed.
                update = max(
                    (SyncJob.from_state(decode_job_state(state)) for state in await _newest(inbox)),
                    key=SyncJob.order_key,
                )
                if update.order_key() > current.order_key():
                    current = update
                    yield current

    @strawberry.subscription(
        description=(
            "The wallet's state on subscribe, then after each change to it "
            "(sync status, balance, new transactions)."
        )
    )
    async def wallet_updates(
        self, info: ContextInfo, address: str, chain: Chain | None = None
    ) -> AsyncGenerator[Wallet, None]:
        context = info.context
        found = await wallet_reads.get_wallet(
            context.sessions, viewer=context.viewer, chain=chain, address=address
        )
        if found is None:
            raise BadRequestError(f"You do not track {address.strip()}.")
        async with context.live.listen(address_channel(found.tracked.id)) as inbox:
            while True:
                view = await wallet_reads.get_wallet_by_id(
                    context.sessions, viewer=context.viewer, wallet_id=found.wallet.id
                )
                if view is None:
                    return  # removed: the subscription completes
                yield Wallet.from_view(view)
                # One fresh read covers every change that piled up.
                messages = await _newest(inbox)
                if found.wallet.id in map(removed_wallet_id, messages):
                    return  # this wallet was removed: the subscription completes


async def _newest(inbox: Messages) -> list[str]:
    """The next message and any others already waiting behind it."""
    return [await inbox.get(), *inbox.drain()]
