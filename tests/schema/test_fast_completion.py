"""The fast executor answers byte for byte as graphql-core's own: generated queries over real
wallets on both databases, and hand-written cases for every path it hands back."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import pytest
import strawberry
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
    is_required_argument,
)
from sqlalchemy import select, update
from strawberry.types import ExecutionResult

from db.models import Chain, TrackedAddress, Transaction, Wallet
from db.session import SessionFactory, create_engine
from resolvers.accounts import LOCAL_ACCOUNT_NAME, ensure_local_account
from schema import build_schema
from schema.context import Context
from schema.fast_completion import (
    LEAF,
    LEAF_LIST,
    OBJECT,
    OBJECT_LIST,
    RESOLVED,
    TYPENAME,
    FastCompletionExecutor,
)
from schema.node import to_global_id
from settings import Settings
from tests.utils.factories import (
    create_account,
    make_history,
    seed_transactions,
    track_synced_address,
)

BITCOIN_ADDRESS = "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"
ETHEREUM_ADDRESS = "0x52908400098527886e0f7030069857d2e4169ee7"
UNKNOWN_ADDRESS = "1BoatSLRy9wjD5M1TZDHfUKKUX9Bv3CvHn"
GENERATED_QUERIES = 150
MAX_DEPTH = 6

FAST = build_schema()
STOCK = build_schema(executor=None)


@dataclass
class Wallets:
    """What the generated queries may name: ids of real wallets and transactions."""

    node_ids: list[str]
    context: Context


async def _give_fees_and_failures(database_url: str) -> None:
    """Ethereum rows as a sync stores them: a fee on most, some failed on chain."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            address_id = await connection.scalar(
                select(TrackedAddress.id).where(TrackedAddress.address == ETHEREUM_ADDRESS)
            )
            ids = (
                await connection.scalars(
                    select(Transaction.id).where(Transaction.address_id == address_id)
                )
            ).all()
            for index, row_id in enumerate(ids):
                await connection.execute(
                    update(Transaction)
                    .where(Transaction.id == row_id)
                    .values(
                        fee=None if index % 4 == 0 else 21_000 * 10**9 + index,
                        failed=index % 5 == 0,
                    )
                )
    finally:
        await engine.dispose()


async def _ids(database_url: str) -> list[tuple[str, int, int]]:
    """(address, wallet id, transaction id) of a few transactions of each wallet."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            rows = (
                await connection.execute(
                    select(TrackedAddress.address, Wallet.id, Transaction.id)
                    .join(Wallet, Wallet.address_id == TrackedAddress.id)
                    .join(Transaction, Transaction.address_id == TrackedAddress.id)
                    .order_by(Transaction.id)
                )
            ).all()
    finally:
        await engine.dispose()
    return [(address, wallet_id, row_id) for address, wallet_id, row_id in rows[::7]]


@pytest.fixture
def seeded(database_url: str) -> list[str]:
    """A Bitcoin wallet with confirmed and mempool transactions (no fees, null heights) and an
    Ethereum one with fees, failures and no chain tip; the global ids of some of them."""
    asyncio.run(create_account(database_url, LOCAL_ACCOUNT_NAME))
    track_synced_address(
        database_url, chain=Chain.BITCOIN, address=BITCOIN_ADDRESS, confirmed_sat=0
    )
    track_synced_address(
        database_url, chain=Chain.ETHEREUM, address=ETHEREUM_ADDRESS, confirmed_sat=0
    )
    seed_transactions(database_url, BITCOIN_ADDRESS, make_history(30, 3), tip_height=900_004)
    seed_transactions(database_url, ETHEREUM_ADDRESS, make_history(12, 2, top_height=19_000_000))
    asyncio.run(_give_fees_and_failures(database_url))
    node_ids = ["not an id", to_global_id("Wallet", 999_999)]
    for _address, wallet_id, row_id in asyncio.run(_ids(database_url)):
        node_ids += [
            to_global_id("Wallet", wallet_id),
            to_global_id("Transaction", wallet_id, row_id),
        ]
    return node_ids


@pytest.fixture
async def wallets(seeded: list[str], sessions: SessionFactory, database_url: str) -> Wallets:
    viewer = await ensure_local_account(sessions)
    context = Context(
        request=cast("Any", None),
        response=None,
        sessions=sessions,
        authenticated=viewer,
        redis=cast("Any", None),
        live=cast("Any", None),
        settings=Settings(database_url=database_url),
    )
    return Wallets(node_ids=seeded, context=context)


def response_bytes(result: ExecutionResult) -> str:
    """The response as the view serialises it: data, then errors in order, keys in order."""
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    return json.dumps(body)


async def both(
    query: str, variables: dict[str, Any] | None, context: Any, schema_pair: tuple[Any, Any]
) -> tuple[str, str]:
    answers = []
    for schema in reversed(schema_pair):
        result = await schema.execute(query, variable_values=variables, context_value=context)
        answers.append(response_bytes(result))
        # A field error leaves its async siblings to graphql-core's settling in the background
        # (both executors do): let them finish before the test's loop closes.
        for _ in range(5):
            await asyncio.sleep(0)
    stock, fast = answers
    return stock, fast


# Argument values the generator may give, by argument name (each a GraphQL literal).
ARGUMENT_VALUES: dict[str, list[str]] = {
    "first": ["1", "2", "3", "0", "-1"],
    "last": ["1", "2"],
    "after": ['"not a cursor"'],
    "before": ['"not a cursor"'],
    "chain": ["BITCOIN", "ETHEREUM", "SOLANA"],
    "currency": ['"USD"', '"EUR"', '"XXX"'],
    "interval": ["MONTH"],
    "since": ['"2024-01-01T00:00:00+00:00"', '"not a time"'],
    "until": ['"2026-12-01T00:00:00+00:00"'],
    "filter": ["{direction: IN}", "{confirmed: false}", "{direction: OUT, confirmed: true}"],
    "keychain": ["RECEIVE", "CHANGE"],
    "used": ["true", "false"],
}
# Fields that fan out (connections, histories) get their page size forced small.
PAGED = ("first", "last")


@dataclass
class QueryWriter:
    """A seeded random query over the schema: aliases, fragments, inline fragments,
    `__typename`, @skip/@include with literals and variables, arguments good and bad."""

    schema: GraphQLSchema
    rng: random.Random
    node_ids: list[str]
    fragments: list[str] = field(default_factory=list)
    variables: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def directive(self) -> str:
        roll = self.rng.random()
        if roll < 0.08:
            return f" @skip(if: {self.rng.choice(['true', 'false'])})"
        if roll < 0.16:
            value = self.rng.choice([True, False])
            name = f"flag{len(self.variables)}"
            self.variables[name] = ("Boolean!", value)
            return f" @include(if: ${name})"
        return ""

    def arguments(self, graphql_field: GraphQLField, depth: int) -> str | None:
        given = []
        for name, argument in graphql_field.args.items():
            required = is_required_argument(argument)
            if name == "id":
                given.append(f'{name}: "{self.rng.choice(self.node_ids)}"')
                continue
            if name == "address":
                address = self.rng.choice(
                    [BITCOIN_ADDRESS] * 3 + [ETHEREUM_ADDRESS] * 2 + [UNKNOWN_ADDRESS]
                )
                name_of_variable = f"address{len(self.variables)}"
                self.variables[name_of_variable] = ("String!", address)
                given.append(f"{name}: ${name_of_variable}")
                continue
            choices = ARGUMENT_VALUES.get(name)
            if choices is None:
                if required:
                    return None
                continue
            if name in PAGED:
                # Always a page size, small below the top: nested pages multiply.
                value = self.rng.choice(choices) if depth <= 2 else "2"
                if self.rng.random() < 0.9:
                    given.append(f"{name}: {value}")
                continue
            if required or self.rng.random() < 0.3:
                given.append(f"{name}: {self.rng.choice(choices)}")
        return f"({', '.join(given)})" if given else ""

    def selection(self, parent: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> str:
        names = list(parent.fields)
        self.rng.shuffle(names)
        chosen = names[: self.rng.randint(1, 5 if depth < 3 else 3)]
        parts = []
        if self.rng.random() < 0.4:
            parts.append("__typename")
        for name in chosen:
            part = self.field(parent, name, depth)
            if part is not None:
                parts.append(part)
                if self.rng.random() < 0.1:
                    # The same field again under an alias, perhaps with other arguments.
                    again = self.field(parent, name, depth, alias=f"again{len(parts)}")
                    if again is not None:
                        parts.append(again)
        if isinstance(parent, GraphQLInterfaceType):
            for possible in self.schema.get_possible_types(parent):
                if self.rng.random() < 0.5:
                    parts.append(f"... on {possible.name} {{ {self.selection(possible, depth)} }}")
        elif self.rng.random() < 0.15:
            parts.append(f"... on {parent.name} {{ {self.selection(parent, depth)} }}")
        elif self.rng.random() < 0.15:
            fragment = f"F{len(self.fragments)}"
            self.fragments.append("")  # reserve the name before nested fragments take theirs
            index = len(self.fragments) - 1
            body = self.selection(parent, depth)
            self.fragments[index] = f"fragment {fragment} on {parent.name} {{ {body} }}"
            parts.append(f"...{fragment}")
        if not parts:
            parts.append("__typename")
        return " ".join(parts)

    def field(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        name: str,
        depth: int,
        alias: str | None = None,
    ) -> str | None:
        graphql_field = parent.fields[name]
        arguments = self.arguments(graphql_field, depth)
        if arguments is None:
            return None
        named = get_named_type(graphql_field.type)
        if alias is None and self.rng.random() < 0.2:
            alias = f"a{self.rng.randint(0, 99)}_{name}"
        head = f"{alias}: {name}" if alias else name
        head += arguments + self.directive()
        if is_leaf_type(named):
            return head
        if depth >= MAX_DEPTH:
            return None
        assert isinstance(named, (GraphQLObjectType, GraphQLInterfaceType))
        return f"{head} {{ {self.selection(named, depth + 1)} }}"

    def query(self) -> tuple[str, dict[str, Any]]:
        query_type = self.schema.query_type
        assert query_type is not None
        roots = ["wallet", "wallet", "wallet", "wallets", "viewer", "node", "node", "chains"]
        roots += ["portfolios", "portfolio", "netWorth", "job"]
        parts = []
        for name in self.rng.sample(roots, self.rng.randint(1, 2)):
            part = self.field(query_type, name, 1)
            if part is not None:
                parts.append(part)
        selection = " ".join(parts) or "__typename"
        declared = ", ".join(f"${name}: {kind}" for name, (kind, _) in self.variables.items())
        head = f"query Generated({declared})" if declared else "query Generated"
        text = " ".join([f"{head} {{ {selection} }}", *self.fragments])
        return text, {name: value for name, (_, value) in self.variables.items()}


def generated_queries(node_ids: list[str], count: int, seed: int) -> Iterator[tuple[str, Any]]:
    rng = random.Random(seed)
    for _ in range(count):
        writer = QueryWriter(FAST._schema, rng, node_ids)
        yield writer.query()


async def test_generated_queries_get_the_answers_graphql_core_gives(wallets: Wallets) -> None:
    answered_with_data = with_errors = 0
    for query, variables in generated_queries(wallets.node_ids, GENERATED_QUERIES, seed=15):
        stock, fast = await both(query, variables, wallets.context, (FAST, STOCK))
        assert fast == stock, query
        answered_with_data += '"data": null' not in stock
        with_errors += '"errors"' in stock
    # The generator must reach both kinds of answer, or the comparison proves little.
    assert answered_with_data > GENERATED_QUERIES // 2
    assert with_errors > 5


PAGE = """
query Page($address: String!, $yes: Boolean!, $no: Boolean!) {
  wallet(address: $address) {
    __typename
    id
    transactions(first: 20) {
      edges {
        cursor
        c2: cursor
        node {
          ...Row
          ... on Transaction { amount fee @include(if: $yes) failed @skip(if: $yes) }
          blockHeight @include(if: $no)
          walletOf: wallet { address __typename }
        }
      }
      pageInfo { hasNextPage endCursor startCursor }
      one: edges { node { id } }
    }
    recent: transactions(first: 2) { edges { node { txid } } }
    older: transactions(last: 2, filter: {confirmed: true}) { edges { node { txid } } }
  }
}
fragment Row on Transaction { __typename id txid blockHeight timestamp direction confirmations }
"""


@pytest.mark.parametrize("address", [BITCOIN_ADDRESS, ETHEREUM_ADDRESS])
async def test_a_page_with_aliases_fragments_and_directives_matches(
    wallets: Wallets, address: str
) -> None:
    query = PAGE
    for yes in (True, False):
        variables = {"address": address, "yes": yes, "no": not yes}
        stock, fast = await both(query, variables, wallets.context, (FAST, STOCK))
        assert fast == stock
        assert '"errors"' not in fast
        assert '"edges": [{' in fast


async def test_bad_arguments_inside_a_page_give_the_same_errors(wallets: Wallets) -> None:
    query = f"""
    {{ wallet(address: "{BITCOIN_ADDRESS}") {{
        ok: transactions(first: 2) {{ edges {{ node {{ txid fee }} }} }}
        bad: transactions(first: -1) {{ edges {{ node {{ txid }} }} }}
        cursor: transactions(after: "garbage") {{ edges {{ cursor }} }}
    }} node(id: "nonsense") {{ id }} }}
    """
    stock, fast = await both(query, None, wallets.context, (FAST, STOCK))
    assert fast == stock
    assert fast.count('"path"') >= 2


# Hand-written cases for every path the fast executor hands back to graphql-core: a tiny
# schema whose plain attributes hold what the real schema never does.


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Leaf(Named):
    name: str
    count: int | None
    when: datetime | None


@strawberry.type
class Other(Named):
    name: str


@strawberry.type
class Holder:
    leaf: Leaf
    maybe_leaf: Leaf | None
    leaves: list[Leaf]
    maybe_leaves: list[Leaf | None] | None
    names: list[str]
    maybe_names: list[str | None]
    required_count: int
    named: Named
    tags: list[str] | None = None

    @strawberry.field
    async def slow_count(self) -> int:
        await asyncio.sleep(0)
        return 7

    @strawberry.field
    async def broken(self) -> int | None:
        await asyncio.sleep(0)
        raise ValueError("broken resolver")

    @strawberry.field
    def with_argument(self, times: int) -> str:
        return self.leaf.name * times


def holder(**changes: Any) -> Holder:
    values: dict[str, Any] = {
        "leaf": Leaf(name="a", count=1, when=datetime(2024, 1, 1, tzinfo=UTC)),
        "maybe_leaf": None,
        "leaves": [Leaf(name="b", count=None, when=None), Leaf(name="c", count=3, when=None)],
        "maybe_leaves": [None, Leaf(name="d", count=4, when=None)],
        "names": ["x", "y"],
        "maybe_names": ["z", None],
        "required_count": 5,
        "named": Other(name="o"),
        "tags": None,
    }
    values.update(changes)
    return Holder(**values)


# What the root fields answer, made anew for each execution (a coroutine is awaited once).
HOLDERS: dict[str, Callable[[], list[Holder]]] = {}


@strawberry.type
class Query:
    @strawberry.field
    def holders(self) -> list[Holder]:
        return HOLDERS["now"]()

    @strawberry.field
    def first(self) -> Holder | None:
        return holder()


def tiny_pair() -> tuple[strawberry.Schema, strawberry.Schema]:
    return (
        strawberry.Schema(
            query=Query, types=[Leaf, Other], execution_context_class=FastCompletionExecutor
        ),
        strawberry.Schema(query=Query, types=[Leaf, Other]),
    )


EVERYTHING = """
{ holders {
    __typename
    leaf { __typename name count when }
    maybeLeaf { name }
    leaves { name count when }
    maybeLeaves { name count }
    names maybeNames tags requiredCount
    named { __typename name ... on Other { name } ... on Leaf { count } }
    slowCount broken withArgument(times: 2)
  }
  first { leaf { name } broken leaves { name when } }
}
"""


async def seven() -> int:
    return 7


async def broken_seven() -> int:
    raise ValueError("awaited and broken")


def wrong_leaf() -> Any:
    return Other(name="not a leaf")


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({}, id="all plain"),
        pytest.param({"required_count": None}, id="null in a non-null scalar"),
        pytest.param({"leaf": None}, id="null in a non-null object"),
        pytest.param({"leaves": None}, id="null in a non-null list"),
        pytest.param({"leaves": [Leaf(name="b", count=1, when=None), None]}, id="null item"),
        pytest.param({"maybe_leaves": [None, None]}, id="null items allowed"),
        pytest.param({"names": ["x", None]}, id="null in a list of non-null strings"),
        pytest.param({"maybe_names": [None, 3]}, id="a list of nullable strings"),
        pytest.param({"required_count": "seven"}, id="a value its scalar refuses"),
        pytest.param({"required_count": 2**40}, id="an Int out of range"),
        pytest.param(
            {"leaf": Leaf(name="a", count=1, when=datetime(2024, 1, 1))},
            id="a naive datetime the scalar refuses",
        ),
        pytest.param({"leaf": wrong_leaf()}, id="an object of another type"),
        pytest.param({"leaves": [wrong_leaf()]}, id="a list item of another type"),
        pytest.param({"leaves": "not a list"}, id="not a list"),
        pytest.param({"tags": ("a", "b")}, id="a tuple"),
        pytest.param({"maybe_leaf": ValueError("held")}, id="an exception as a value"),
        pytest.param({"named": Leaf(name="l", count=2, when=None)}, id="an interface"),
        pytest.param({"required_count": seven}, id="an awaitable value"),
        pytest.param({"required_count": broken_seven}, id="an awaitable that raises"),
        pytest.param({"names": ["x", 5]}, id="a list of strings holding an int"),
    ],
)
async def test_every_unusual_value_is_reported_as_graphql_core_reports_it(
    changes: dict[str, Any],
) -> None:
    def holders() -> list[Holder]:
        made = {
            name: value() if value in (seven, broken_seven) else value
            for name, value in changes.items()
        }
        return [holder(), holder(**made), holder()]

    HOLDERS["now"] = holders
    stock, fast = await both(EVERYTHING, None, None, tiny_pair())
    assert fast == stock
    assert '"errors"' in fast


def test_a_resolve_middleware_sends_every_field_the_stock_way() -> None:
    calls: list[str] = []

    class CountingMiddleware(strawberry.extensions.SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(info.field_name)
            return _next(root, info, *args, **kwargs)

    HOLDERS["now"] = lambda: [holder()]
    schema = strawberry.Schema(
        query=Query,
        types=[Leaf, Other],
        execution_context_class=FastCompletionExecutor,
        extensions=[CountingMiddleware],
    )
    result = schema.execute_sync("{ first { requiredCount leaf { name } } }")
    assert result.data == {"first": {"requiredCount": 5, "leaf": {"name": "a"}}}
    assert calls == ["first", "requiredCount", "leaf", "name"]


def test_plain_attributes_are_planned_and_resolvers_left_to_graphql_core() -> None:
    """The comparisons above prove something only if the fast path runs: it must."""
    planned: dict[str, int] = {}

    class RecordingExecutor(FastCompletionExecutor):
        def plan(self, parent_type: Any, grouped_field_set: Any) -> Any:
            plan = super().plan(parent_type, grouped_field_set)
            planned.update({f"{parent_type.name}.{entry[1]}": entry[0] for entry in plan})
            return plan

    HOLDERS["now"] = lambda: [holder()]
    schema = strawberry.Schema(
        query=Query, types=[Leaf, Other], execution_context_class=RecordingExecutor
    )
    result = schema.execute_sync(
        "{ first { __typename requiredCount leaf { name } leaves { count } names named { name }"
        " withArgument(times: 1) } }"
    )
    assert result.data is not None
    assert planned == {
        "Holder.__typename": TYPENAME,
        "Holder.requiredCount": LEAF,
        "Holder.leaf": OBJECT,
        "Holder.leaves": OBJECT_LIST,
        "Holder.names": LEAF_LIST,
        "Holder.named": RESOLVED,  # an interface: graphql-core resolves its type
        "Holder.withArgument": RESOLVED,
        "Leaf.name": LEAF,
        "Leaf.count": LEAF,
        "Other.name": LEAF,
    }
