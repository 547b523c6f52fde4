"""The simulated Etherscan serves `txlist` and `txlistinternal` rows it serialised once: the
bytes are those of the rows built afresh, through new blocks (confirmations) and reorgs."""

from __future__ import annotations

import httpx
import orjson

from tests.tools.simulator.explorers import etherscan
from tools.simulator.ethereum import rows
from tools.simulator.ethereum.etherscan import listing
from tools.simulator.ethereum.model import InternalTransfer, Transfer
from tools.simulator.ethereum.seeds import GENESIS_ADDRESS, RELAYED_ADDRESS, WHALE_ADDRESS
from tools.simulator.testing import RunningSimulator

CONTRACT = "0x" + "c0" * 20


def built_afresh(simulator: RunningSimulator, action: str, address: str) -> bytes:
    """The listing as `rows` builds it, serialised whole."""
    with simulator.simulator.lock:
        chain = simulator.simulator.ethereum.chain
        if action == "txlist":
            genesis = chain.genesis_allocation(address)
            built = [] if genesis is None else [rows.genesis_row(chain, address, genesis)]
            built += [
                rows.etherscan_transaction(chain, chain.indexed_transaction(transaction_hash))
                for transaction_hash in chain.normal_hashes(address, 0, chain.tip_height)
            ]
        else:
            built = [
                rows.etherscan_internal(chain, *chain.internal_call(key))
                for key in chain.internal_keys(address, 0, chain.tip_height)
            ]
        return orjson.dumps(listing(built, simulator.simulator.ethereum))


def assert_served_as_built(http: httpx.Client, simulator: RunningSimulator, address: str) -> None:
    for action in ("txlist", "txlistinternal"):
        response = etherscan(http, simulator, action, address=address, sort="asc")
        assert response.headers["content-type"] == "application/json"
        assert response.content == built_afresh(simulator, action, address), action


def test_served_rows_are_the_rows_built_afresh_through_new_blocks_and_a_reorg(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    for address in (GENESIS_ADDRESS, RELAYED_ADDRESS):
        assert_served_as_built(http, simulator, address)

    # A new block: every row's confirmations grow by one; new normal and internal rows.
    simulator.admin.ethereum.mine_block(
        [
            Transfer(sender=WHALE_ADDRESS, recipient=RELAYED_ADDRESS, value_wei=2**70),
            Transfer(
                sender=WHALE_ADDRESS,
                recipient=CONTRACT,
                value_wei=7,
                internal=(
                    InternalTransfer(sender=CONTRACT, recipient=RELAYED_ADDRESS, value_wei=5),
                ),
            ),
        ]
    )
    assert_served_as_built(http, simulator, RELAYED_ADDRESS)

    # A reorg moves or drops the newest transactions and gives their blocks new hashes.
    simulator.admin.ethereum.reorg(3)
    assert_served_as_built(http, simulator, RELAYED_ADDRESS)


def test_a_listing_asked_again_is_the_same_until_the_chain_or_a_knob_changes(
    http: httpx.Client, simulator: RunningSimulator
) -> None:
    """Whole answers are kept by query (`ListingAnswers`): asked again, the same bytes; after
    an empty block (the tip alone moves) or a knob's change, the answer of the moment."""
    query: dict[str, str | int] = {"address": WHALE_ADDRESS, "sort": "asc", "page": 1, "offset": 3}

    def confirmations() -> list[int]:
        rows = etherscan(http, simulator, "txlist", **query).json()["result"]
        return [int(row["confirmations"]) for row in rows]

    first = etherscan(http, simulator, "txlist", **query).content
    assert etherscan(http, simulator, "txlist", **query).content == first
    before = confirmations()
    assert len(before) == 3

    simulator.admin.ethereum.mine_block([])
    assert confirmations() == [count + 1 for count in before]

    simulator.admin.ethereum.set_etherscan_max_records(2)
    assert len(confirmations()) == 2
