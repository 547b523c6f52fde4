"""The GraphQL schema of wallet-tracker: the contract of ../shared/schema.graphql."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql.execution import Executor as GraphQLExecutor
from strawberry.schema.config import StrawberryConfig

from resolvers import jobs as job_reads
from resolvers import transactions as transaction_reads
from resolvers import wallets as wallet_reads
from schema.chains import ChainInfo, NetWorth, resolve_chains, resolve_net_worth
from schema.context import ContextInfo
from schema.fast_completion import FastCompletionExecutor
from schema.jobs import SyncJob
from schema.masking import LoggingSchema
from schema.metrics import GraphQLMetrics
from schema.node import Node, expect_global_id, from_global_id
from schema.portfolio import Portfolio, resolve_portfolio, resolve_portfolios
from schema.protection import protection_extensions
from schema.scalars import SCALAR_MAP
from schema.subscriptions import Subscription
from schema.transactions import Transaction
from schema.viewer import (
    ApiToken,
    CreateAccountPayload,
    CreateApiTokenPayload,
    RevokeApiTokenPayload,
    Viewer,
    create_account,
    create_api_token,
    resolve_token,
    revoke_api_token,
)
from schema.wallets import (
    AddWalletPayload,
    RemoveWalletPayload,
    SyncWalletPayload,
    UpdateWalletPayload,
    Wallet,
    WalletConnection,
    add_wallet,
    remove_wallet,
    resolve_wallet,
    resolve_wallets,
    sync_wallet,
    update_wallet,
)
from schema.webhooks import (
    CreateWebhookPayload,
    DeleteWebhookPayload,
    TestWebhookPayload,
    UpdateWebhookPayload,
    Webhook,
    WebhookDelivery,
    create_webhook,
    delete_webhook,
    resolve_webhook_node,
    send_test_webhook,
    update_webhook,
)


async def resolve_node(info: ContextInfo, id: strawberry.ID) -> Node | None:  # noqa: A002
    type_name, keys = from_global_id(id)
    sessions, viewer = info.context.sessions, info.context.viewer
    if type_name == "Wallet" and len(keys) == 1:
        view = await wallet_reads.get_wallet_by_id(sessions, viewer=viewer, wallet_id=keys[0])
        return Wallet.from_view(view) if view is not None else None
    if type_name == "Transaction" and len(keys) == 2:
        view = await wallet_reads.get_wallet_by_id(sessions, viewer=viewer, wallet_id=keys[0])
        if view is None:
            return None
        row = await transaction_reads.get_transaction(
            sessions, address_id=view.tracked.id, transaction_id=keys[1]
        )
        if row is None:
            return None
        tip = await transaction_reads.tip_height(sessions, chain=view.tracked.chain)
        return Transaction.from_row(row, wallet=Wallet.from_view(view), tip=tip)
    if type_name == "SyncJob" and len(keys) == 1:
        job = await job_reads.get_job(sessions, viewer=viewer, job_id=keys[0])
        return SyncJob.from_row(job) if job is not None else None
    if type_name == "ApiToken" and len(keys) == 1:
        return await resolve_token(info, keys[0])
    if type_name in ("Webhook", "WebhookDelivery"):
        return await resolve_webhook_node(info, type_name, keys)
    # Ids of unknown types name nothing this viewer can see.
    return None


async def resolve_job(info: ContextInfo, id: strawberry.ID) -> SyncJob | None:  # noqa: A002
    (job_id,) = expect_global_id(id, "SyncJob", 1)
    job = await job_reads.get_job(info.context.sessions, viewer=info.context.viewer, job_id=job_id)
    return SyncJob.from_row(job) if job is not None else None


@strawberry.type
class Query:
    @strawberry.field(description="The account making the request.")
    def viewer(self) -> Viewer:
        return Viewer()

    node: Node | None = strawberry.field(resolver=resolve_node)
    wallet: Wallet | None = strawberry.field(resolver=resolve_wallet)
    wallets: WalletConnection = strawberry.field(resolver=resolve_wallets)
    job: SyncJob | None = strawberry.field(resolver=resolve_job)
    portfolio: Portfolio = strawberry.field(
        resolver=resolve_portfolio, description="The viewer's wallets on one chain together."
    )
    portfolios: list[Portfolio] = strawberry.field(
        resolver=resolve_portfolios,
        description="One portfolio per chain on which the viewer has wallets.",
    )
    net_worth: NetWorth = strawberry.field(
        resolver=resolve_net_worth,
        description="Everything the viewer holds, on every chain, in one currency.",
    )
    chains: list[ChainInfo] = strawberry.field(
        resolver=resolve_chains, description="Every supported chain."
    )


@strawberry.type
class Mutation:
    add_wallet: AddWalletPayload = strawberry.mutation(resolver=add_wallet)
    remove_wallet: RemoveWalletPayload = strawberry.mutation(resolver=remove_wallet)
    update_wallet: UpdateWalletPayload = strawberry.mutation(resolver=update_wallet)
    sync_wallet: SyncWalletPayload = strawberry.mutation(resolver=sync_wallet)
    create_account: CreateAccountPayload = strawberry.mutation(resolver=create_account)
    create_api_token: CreateApiTokenPayload = strawberry.mutation(resolver=create_api_token)
    revoke_api_token: RevokeApiTokenPayload = strawberry.mutation(resolver=revoke_api_token)
    create_webhook: CreateWebhookPayload = strawberry.mutation(resolver=create_webhook)
    update_webhook: UpdateWebhookPayload = strawberry.mutation(resolver=update_webhook)
    delete_webhook: DeleteWebhookPayload = strawberry.mutation(resolver=delete_webhook)
    test_webhook: TestWebhookPayload = strawberry.mutation(resolver=send_test_webhook)


def build_schema(
    *,
    introspection: bool = True,
    executor: type[GraphQLExecutor[Any]] | None = FastCompletionExecutor,
) -> strawberry.Schema:
    """The schema; `executor=None` runs Strawberry's stock graphql-core executor (the
    differential tests compare the two)."""
    return LoggingSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[ApiToken, Transaction, Webhook, WebhookDelivery],
        extensions=[GraphQLMetrics, *protection_extensions(introspection=introspection)],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        execution_context_class=executor,
    )


schema = build_schema()
