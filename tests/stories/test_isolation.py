"""Two accounts on one server: each sees, syncs, labels, removes and subscribes to its own
wallets only; the other's objects look exactly like objects that do not exist."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import TrackedAddress, Transaction
from db.session import SessionFactory
from schema.node import to_global_id
from tests.conftest import LiveServer, syncing_settings
from tests.utils.graphql import GraphQLClient, sign_up
from tools.simulator.seeds import BUSY_ADDRESS, GENESIS_ADDRESS, MEMPOOL_ADDRESS, UNUSED_ADDRESS
from tools.simulator.testing import RunningSimulator
from workers.redis_server import RedisServer

SHARED_ADDRESS = MEMPOOL_ADDRESS
# An address nobody on the server tracks, and ids of objects that were never created.
UNTRACKED_ADDRESS = UNUSED_ADDRESS
MISSING = {
    "wallet": to_global_id("Wallet", 999_999),
    "transaction": to_global_id("Transaction", 999_999, 1),
    "job": to_global_id("SyncJob", 999_999),
    "token": to_global_id("ApiToken", 999_999),
}

OWN_STATE = """
query($a: String!) {
  viewer { account { name } tokens { id } }
  wallets(first: 10) { edges { node { address label } } }
  wallet(address: $a) {
    id label latestJob { id }
    transactions(first: 1) { edges { node { id } } }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
JOB = "query($id: ID!) { job(id: $id) { id } }"
WALLET = "query($a: String!) { wallet(address: $a) { id } }"
UPDATE = """
mutation($a: String!) { updateWallet(input: {address: $a, label: "pwned"}) {
  wallet { id } errors { code field } } }
"""
REMOVE = """
mutation($a: String!) { removeWallet(input: {address: $a}) {
  removedAddress errors { code field } } }
"""
SYNC = """
mutation($a: String!) { syncWallet(input: {address: $a}) { job { id } errors { code field } } }
"""
REVOKE = (
    "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { revokedId errors { code field } } }"
)
JOB_UPDATES = "subscription($id: ID!) { jobUpdates(id: $id) { id status } }"
WALLET_UPDATES = "subscription($a: String!) { walletUpdates(address: $a) { address label } }"


@dataclass(frozen=True)
class Owned:
    """One account's objects: a private address, and the ids of what it owns."""

    token: str
    name: str
    address: str
    label: str
    ids: dict[str, str]


@pytest.fixture
def server(
    database_url: str, redis_server: RedisServer, simulator: RunningSimulator, tmp_path: Path
) -> Iterator[LiveServer]:
    settings = syncing_settings(
        database_url, redis_server, simulator, tmp_path, auth="token", allow_signup=True
    )
    running = LiveServer(settings)
    running.start()
    yield running
    running.stop()


def set_up_account(server: LiveServer, name: str, address: str) -> Owned:
    token = sign_up(server.base_url, name)
    with GraphQLClient(server.base_url, token=token) as client:
        assert client.add_wallet(address, label=f"{name}'s own")["errors"] == []
        assert client.add_wallet(SHARED_ADDRESS, label=f"{name}'s shared")["errors"] == []
        wait_until_synced(client)
        state = client.data(OWN_STATE, {"a": address})
    wallet = state["wallet"]
    return Owned(
        token=token,
        name=name,
        address=address,
        label=f"{name}'s own",
        ids={
            "wallet": wallet["id"],
            "transaction": wallet["transactions"]["edges"][0]["node"]["id"],
            "job": wallet["latestJob"]["id"],
            "token": state["viewer"]["tokens"][0]["id"],
        },
    )


def wait_until_synced(client: GraphQLClient) -> None:
    deadline = time.monotonic() + 60
    query = "{ wallets(first: 10) { edges { node { syncStatus } } } }"
    while True:
        statuses = [e["node"]["syncStatus"] for e in client.data(query)["wallets"]["edges"]]
        if statuses and all(status == "SYNCED" for status in statuses):
            return
        assert time.monotonic() < deadline, statuses
        time.sleep(0.1)


def error_codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


@pytest.fixture
def accounts(server: LiveServer) -> tuple[Owned, Owned]:
    return (
        set_up_account(server, "alice", GENESIS_ADDRESS),
        set_up_account(server, "bob", BUSY_ADDRESS),
    )


@pytest.mark.parametrize("direction", ["bob tries alice's", "alice tries bob's"])
async def test_an_account_cannot_reach_the_others_objects(
    server: LiveServer, accounts: tuple[Owned, Owned], direction: str
) -> None:
    alice, bob = accounts
    me, other = (bob, alice) if direction.startswith("bob") else (alice, bob)

    with GraphQLClient(server.base_url, token=me.token) as client:
        # By global id: `node` and `job` answer exactly as for ids that never existed.
        for kind, other_id in other.ids.items():
            assert client.execute(NODE, {"id": other_id}) == {"data": {"node": None}}, kind
            assert client.execute(NODE, {"id": MISSING[kind]}) == {"data": {"node": None}}
        assert client.execute(JOB, {"id": other.ids["job"]}) == {"data": {"job": None}}

        # By address: the other's private address is as unknown as an untracked one.
        for address in (other.address, UNTRACKED_ADDRESS):
            assert client.data(WALLET, {"a": address}) == {"wallet": None}
            updated = client.data(UPDATE, {"a": address})["updateWallet"]
            assert updated["wallet"] is None
            assert error_codes(updated) == [("NOT_FOUND", ["address"])]
            removed = client.data(REMOVE, {"a": address})["removeWallet"]
            assert removed["removedAddress"] is None
            assert error_codes(removed) == [("NOT_FOUND", ["address"])]
            synced = client.data(SYNC, {"a": address})["syncWallet"]
            assert synced["job"] is None
            assert error_codes(synced) == [("NOT_FOUND", ["address"])]

        for token_id in (other.ids["token"], MISSING["token"]):
            revoked = client.data(REVOKE, {"id": token_id})["revokeApiToken"]
            assert revoked["revokedId"] is None
            assert error_codes(revoked) == [("NOT_FOUND", ["id"])]

        # Lists hold only the viewer's own things.
        state = client.data(OWN_STATE, {"a": me.address})
        assert state["viewer"]["account"] == {"name": me.name}
        assert state["viewer"]["tokens"] == [{"id": me.ids["token"]}]
        assert {e["node"]["address"]: e["node"]["label"] for e in state["wallets"]["edges"]} == {
            me.address: me.label,
            SHARED_ADDRESS: f"{me.name}'s shared",
        }

    # Subscriptions: the same refusal as for things that do not exist, then `complete`.
    async with GraphQLClient(server.base_url, token=me.token).socket() as socket:
        refused: list[tuple[str, dict[str, Any]]] = [
            (JOB_UPDATES, {"id": other.ids["job"]}),
            (JOB_UPDATES, {"id": MISSING["job"]}),
            (WALLET_UPDATES, {"a": other.address}),
            (WALLET_UPDATES, {"a": UNTRACKED_ADDRESS}),
        ]
        for number, (query, variables) in enumerate(refused):
            await socket.subscribe(str(number), query, variables)
            messages = await socket.messages_until_complete(str(number), within_seconds=10)
            assert [message["type"] for message in messages] == ["next", "complete"]
            assert messages[0]["payload"]["data"] is None
            assert messages[0]["payload"]["errors"]

    # The other's objects are untouched: their owner still sees them as they were.
    with GraphQLClient(server.base_url, token=other.token) as owner:
        state = owner.data(OWN_STATE, {"a": other.address})
        assert state["wallet"]["label"] == other.label
        assert state["wallet"]["id"] == other.ids["wallet"]
        assert state["viewer"]["tokens"] == [{"id": other.ids["token"]}]
        assert owner.data(NODE, {"id": other.ids["transaction"]}) == {
            "node": {"id": other.ids["transaction"]}
        }


async def test_two_accounts_tracking_one_address_share_its_sync_but_not_labels(
    server: LiveServer, accounts: tuple[Owned, Owned], sessions: SessionFactory
) -> None:
    alice, bob = accounts
    query = """
    query($a: String!) { wallet(address: $a) {
      id label balance transactionCount
      transactions(first: 1) { edges { node { id txid } } }
    } }
    """
    with GraphQLClient(server.base_url, token=alice.token) as client:
        alices = client.data(query, {"a": SHARED_ADDRESS})["wallet"]
    with GraphQLClient(server.base_url, token=bob.token) as client:
        bobs = client.data(query, {"a": SHARED_ADDRESS})["wallet"]
        # Bob cannot read Alice's view of the shared wallet by its id, nor its transactions.
        assert client.data(NODE, {"id": alices["id"]}) == {"node": None}
        alices_tx = alices["transactions"]["edges"][0]["node"]["id"]
        assert client.data(NODE, {"id": alices_tx}) == {"node": None}

    assert (alices["label"], bobs["label"]) == ("alice's shared", "bob's shared")
    assert alices["id"] != bobs["id"]
    assert alices["balance"] == bobs["balance"]
    assert alices["transactionCount"] == bobs["transactionCount"]
    first_txids = {w["transactions"]["edges"][0]["node"]["txid"] for w in (alices, bobs)}
    assert len(first_txids) == 1

    # One address row, one copy of its history.
    async with sessions() as session:
        rows = await session.scalar(
            select(func.count())
            .select_from(TrackedAddress)
            .where(TrackedAddress.address == SHARED_ADDRESS)
        )
        stored = await session.scalar(
            select(func.count())
            .select_from(Transaction)
            .join(TrackedAddress, Transaction.address_id == TrackedAddress.id)
            .where(TrackedAddress.address == SHARED_ADDRESS)
        )
    assert rows == 1
    assert stored == alices["transactionCount"]

    # Removing it from one account leaves the other's wallet and history in place.
    with GraphQLClient(server.base_url, token=alice.token) as client:
        assert client.data(REMOVE, {"a": SHARED_ADDRESS})["removeWallet"]["errors"] == []
    with GraphQLClient(server.base_url, token=bob.token) as client:
        still = client.data(query, {"a": SHARED_ADDRESS})["wallet"]
    assert still["transactionCount"] == bobs["transactionCount"]
    assert still["label"] == "bob's shared"


async def test_wallet_updates_of_a_shared_address_carry_each_accounts_own_label(
    server: LiveServer, accounts: tuple[Owned, Owned]
) -> None:
    alice, bob = accounts
    async with (
        GraphQLClient(server.base_url, token=alice.token).socket() as alices,
        GraphQLClient(server.base_url, token=bob.token).socket() as bobs,
    ):
        await alices.subscribe("w", WALLET_UPDATES, {"a": SHARED_ADDRESS})
        await bobs.subscribe("w", WALLET_UPDATES, {"a": SHARED_ADDRESS})
        first_alice = await alices.receive()
        first_bob = await bobs.receive()
        assert first_alice["payload"]["data"]["walletUpdates"]["label"] == "alice's shared"
        assert first_bob["payload"]["data"]["walletUpdates"]["label"] == "bob's shared"

        # Alice removing her wallet ends her subscription, not Bob's. (The address's sync may
        # still send each of them a state first: always with its own label.)
        with GraphQLClient(server.base_url, token=alice.token) as client:
            assert client.data(REMOVE, {"a": SHARED_ADDRESS})["removeWallet"]["errors"] == []
        assert await after_updates(alices, "alice's shared") == {"id": "w", "type": "complete"}
        await bobs.send({"type": "ping"})
        assert await after_updates(bobs, "bob's shared") == {"type": "pong"}


async def after_updates(socket: Any, label: str) -> dict[str, Any]:
    """The first message that is not a walletUpdates state; each state skipped on the way
    must carry `label` (the subscriber's own)."""
    while True:
        message: dict[str, Any] = await socket.receive(within_seconds=10)
        if message.get("type") != "next":
            return message
        assert message["payload"]["data"]["walletUpdates"]["label"] == label
