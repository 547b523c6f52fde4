"""A wallet reads the same whichever way a client reaches it: by address (with or without
`chain`), by global id, in the `wallets` list, and in the payloads of `addWallet` and
`updateWallet`; an address wallet and an HD wallet alike."""

from __future__ import annotations

from typing import Any

import pytest

from tests.schema.test_hd_wallets_through_the_api import ZPUB
from tests.utils.graphql import GraphQLClient

SEGWIT = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
WALLET_FIELDS = """
  id address chain kind descriptor gapLimit label balance confirmedBalance unconfirmedBalance
  totalReceived totalSent transactionCount syncStatus lastSyncedAt lastSyncError createdAt
  receiveAddress addresses(first: 3) { totalCount edges { node { address balance used } } }
"""
ADD = f"""
mutation($a: String!, $label: String, $script: ScriptType) {{
  addWallet(input: {{address: $a, label: $label, scriptType: $script}}) {{
    wallet {{ {WALLET_FIELDS} }}
    errors {{ code message }}
  }}
}}
"""
BY_ADDRESS = f"query($a: String!) {{ wallet(address: $a) {{ {WALLET_FIELDS} }} }}"
BY_ADDRESS_ON_CHAIN = (
    f"query($a: String!) {{ wallet(address: $a, chain: BITCOIN) {{ {WALLET_FIELDS} }} }}"
)
BY_ID = f"query($id: ID!) {{ node(id: $id) {{ ... on Wallet {{ {WALLET_FIELDS} }} }} }}"
LISTED = f"{{ wallets(first: 10) {{ edges {{ node {{ {WALLET_FIELDS} }} }} }} }}"
UPDATE = f"""
mutation($a: String!, $label: String) {{
  updateWallet(input: {{address: $a, label: $label}}) {{
    wallet {{ {WALLET_FIELDS} }}
    errors {{ code }}
  }}
}}
"""
UPDATE_NOTHING = f"""
mutation($a: String!) {{
  updateWallet(input: {{address: $a}}) {{ wallet {{ {WALLET_FIELDS} }} errors {{ code }} }}
}}
"""


def every_read(graphql: GraphQLClient, address: str, wallet_id: str) -> list[dict[str, Any]]:
    listed = [
        edge["node"]
        for edge in graphql.data(LISTED)["wallets"]["edges"]
        if edge["node"]["id"] == wallet_id
    ]
    return [
        graphql.data(BY_ADDRESS, {"a": address})["wallet"],
        graphql.data(BY_ADDRESS_ON_CHAIN, {"a": address})["wallet"],
        graphql.data(BY_ID, {"id": wallet_id})["node"],
        *listed,
        graphql.data(UPDATE_NOTHING, {"a": address})["updateWallet"]["wallet"],
    ]


@pytest.mark.parametrize(
    ("address", "script", "kind"),
    [(SEGWIT, None, "ADDRESS"), (ZPUB, "P2WPKH", "HD")],
    ids=["address", "hd"],
)
def test_a_wallet_reads_the_same_by_every_path(
    graphql: GraphQLClient, address: str, script: str | None, kind: str
) -> None:
    graphql.add_wallet("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", label="another")
    added = graphql.data(ADD, {"a": address, "label": "Savings", "script": script})["addWallet"]
    assert added["errors"] == []
    wallet = added["wallet"]
    assert wallet["kind"] == kind
    assert wallet["label"] == "Savings"

    reads = every_read(graphql, address, wallet["id"])

    assert len(reads) == 5
    assert all(read == wallet for read in reads)

    relabelled = graphql.data(UPDATE, {"a": address, "label": "Cold"})["updateWallet"]
    assert relabelled["errors"] == []
    assert relabelled["wallet"] == {**wallet, "label": "Cold"}
    assert all(
        read == {**wallet, "label": "Cold"} for read in every_read(graphql, address, wallet["id"])
    )
