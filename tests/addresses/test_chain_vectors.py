"""Every chain's address vectors (the `vectors` package): each accepted spelling is stored in its
one form, each refused string is refused, with its reason where the vector names one."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from addresses import InvalidAddressError, parse_address
from db.models import Chain
from tests.addresses.vectors import (
    ChainVectors,
    assert_refused,
    assert_valid,
    mainnet_only_reason,
)
from tests.addresses.vectors.bitcoin_cash import BITCOIN_CASH
from tests.addresses.vectors.dogecoin import DOGECOIN
from tests.addresses.vectors.litecoin import LITECOIN
from tests.addresses.vectors.solana import SOLANA

ALL_VECTORS: list[ChainVectors] = [BITCOIN_CASH, DOGECOIN, LITECOIN, SOLANA]


def cases(rows: Callable[[ChainVectors], Iterable[tuple[str, ...]]]) -> list[object]:
    """One pytest case per row that `rows` picks from each chain's vectors, named after the chain
    and the text."""
    return [
        pytest.param(vectors.chain, *row, id=f"{vectors.chain.value}-{row[0]!r}")
        for vectors in ALL_VECTORS
        for row in rows(vectors)
    ]


@pytest.mark.parametrize(("chain", "text", "canonical"), cases(lambda vectors: vectors.accepted))
def test_accepted_vector_is_stored_in_its_one_form(chain: Chain, text: str, canonical: str) -> None:
    assert_valid(chain, text, canonical)


@pytest.mark.parametrize(
    ("chain", "text", "reason_fragment"), cases(lambda vectors: vectors.refused)
)
def test_refused_vector_is_refused_with_its_reason(
    chain: Chain, text: str, reason_fragment: str
) -> None:
    assert_refused(chain, text, reason_fragment)


@pytest.mark.parametrize(
    ("chain", "text"), cases(lambda vectors: [(text,) for text in vectors.testnet])
)
def test_testnet_vector_is_refused_as_testnet(chain: Chain, text: str) -> None:
    assert_refused(chain, text, mainnet_only_reason(chain, text))


@pytest.mark.parametrize(
    ("chain", "text"), cases(lambda vectors: [(text,) for text in vectors.malformed])
)
def test_malformed_vector_is_refused(chain: Chain, text: str) -> None:
    with pytest.raises(InvalidAddressError):
        parse_address(chain, text)
