"""Money in and out over a period, summed in the database.

A portfolio counts each transaction once, with the sum of its amounts across the viewer's
wallets: a move between two of them nets to its fee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select

from db.amounts import amount_sign_of, amount_total, stored_amount
from db.models import BIG_AMOUNT_CHAINS, Chain, Transaction
from db.session import SessionFactory
from resolvers.errors import BadRequestError


@dataclass(frozen=True)
class Flows:
    received_sat: int
    sent_sat: int
    """Positive: what left."""
    net_sat: int
    transaction_count: int


NO_FLOWS = Flows(received_sat=0, sent_sat=0, net_sat=0, transaction_count=0)


def check_period(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and since >= until:
        raise BadRequestError(
            f"`since` ({since.isoformat()}) must be before `until` ({until.isoformat()})."
        )


async def flows(
    sessions: SessionFactory,
    *,
    chain: Chain,
    address_ids: list[int],
    since: datetime | None = None,
    until: datetime | None = None,
) -> Flows:
    """Flows of the addresses (all of `chain`) together, `since` inclusive and `until`
    exclusive; unconfirmed transactions count at their first-seen time. Exact for amounts of
    any size."""
    check_period(since, until)
    if not address_ids:
        return NO_FLOWS
    big_amounts = chain in BIG_AMOUNT_CHAINS
    per_transaction = _amounts_per_transaction(address_ids, since, until, big_amounts).subquery()
    amount = per_transaction.c.amount_sat
    received_only = case((amount_sign_of(amount, big_amounts=big_amounts) > 0, amount), else_=0)
    statement = select(
        amount_total(received_only, big_amounts=big_amounts),
        amount_total(amount, big_amounts=big_amounts),
        func.count(),
    )
    async with sessions() as session:
        received, net, count = (await session.execute(statement)).one()
    received_amount = stored_amount(received) or 0
    net_amount = stored_amount(net) or 0
    return Flows(
        received_sat=received_amount,
        # What left is what came in less what stayed: no negation in SQL (SQLite would turn
        # a large TEXT amount into a float to negate it).
        sent_sat=received_amount - net_amount,
        net_sat=net_amount,
        transaction_count=int(count),
    )


def _amounts_per_transaction(
    address_ids: list[int], since: datetime | None, until: datetime | None, big_amounts: bool
) -> Select[int]:
    if len(address_ids) == 1:
        # One wallet: one row per transaction already; no grouping needed.
        statement = select(Transaction.amount_sat.label("amount_sat")).where(
            Transaction.address_id == address_ids[0]
        )
    else:
        statement = (
            select(
                amount_total(Transaction.amount_sat, big_amounts=big_amounts).label("amount_sat")
            )
            .where(Transaction.address_id.in_(address_ids))
            .group_by(Transaction.txid)
        )
    if since is not None:
        statement = statement.where(Transaction.tx_time >= since)
    if until is not None:
        statement = statement.where(Transaction.tx_time < until)
    return statement
