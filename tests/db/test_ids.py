"""Ids clients see are never reused: after the newest row is deleted, the next row gets a new
id, so an old id never names another object (SQLite would reuse the highest rowid)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select

from db.models import (
    Account,
    ApiToken,
    Chain,
    JobStatus,
    SyncJob,
    TrackedAddress,
    Transaction,
    Wallet,
)
from db.session import SessionFactory
from tests.utils.graphql import GraphQLClient

FIRST = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
SECOND = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
THIRD = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
WALLET = "query($id: ID!) { node(id: $id) { ... on Wallet { address } } }"
REMOVE = "mutation($a: String!) { removeWallet(input: {address: $a}) { removedAddress } }"


def test_a_removed_wallets_id_never_names_another_wallet(graphql: GraphQLClient) -> None:
    graphql.add_wallet(FIRST)
    removed_id = graphql.add_wallet(SECOND)["wallet"]["id"]
    assert graphql.data(REMOVE, {"a": SECOND})["removeWallet"]["removedAddress"] == SECOND

    added_id = graphql.add_wallet(THIRD)["wallet"]["id"]

    assert added_id != removed_id
    assert graphql.data(WALLET, {"id": removed_id})["node"] is None
    assert graphql.data(WALLET, {"id": added_id})["node"] == {"address": THIRD}


async def test_no_client_visible_table_reuses_the_id_of_its_deleted_newest_row(
    sessions: SessionFactory,
) -> None:
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    async with sessions.begin() as session:
        account_id = await session.scalar(insert(Account).values(name="a").returning(Account.id))
        address_id = await session.scalar(
            insert(TrackedAddress)
            .values(chain=Chain.BITCOIN, address=FIRST)
            .returning(TrackedAddress.id)
        )
    rows: dict[Any, Callable[[int], dict[str, Any]]] = {
        ApiToken: lambda n: {"account_id": account_id, "name": "t", "token_hash": f"{n:064x}"},
        Wallet: lambda n: {"account_id": account_id, "address_id": address_id},
        Transaction: lambda n: {
            "address_id": address_id,
            "txid": f"{n:064x}",
            "sort_key": n,
            "tx_time": moment,
            "amount_sat": 1,
        },
        SyncJob: lambda n: {"address_id": address_id, "status": JobStatus.SUCCEEDED},
    }
    for table, values in rows.items():
        async with sessions.begin() as session:
            newest = await session.scalar(insert(table).values(**values(1)).returning(table.id))
            await session.execute(delete(table).where(table.id == newest))
        async with sessions.begin() as session:
            following = await session.scalar(insert(table).values(**values(2)).returning(table.id))
            assert following is not None
            assert newest is not None
            assert following > newest, table.__name__
            assert await session.scalar(select(table.id).where(table.id == newest)) is None
