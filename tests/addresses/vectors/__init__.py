"""Address vectors of each chain (one module a chain, with where each vector comes from) and the
two checks every vector gets, through `parse_address(chain, text)`: accepted and stored in its
one form, or refused with a message that says why. test_chain_vectors runs them all."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pytest

from addresses import InvalidAddressError, parse_address
from db.models import Chain


@dataclass(frozen=True)
class ChainVectors:
    chain: Chain
    # (what a user typed, the form it is stored in)
    accepted: Sequence[tuple[str, str]]
    # (what a user typed, a fragment of the message that refuses it)
    refused: Sequence[tuple[str, str]]
    # Testnet and regtest addresses, refused as such.
    testnet: Sequence[str] = ()
    # Refused for whatever reason: upstream invalid-vector files give none.
    malformed: Sequence[str] = ()


def assert_valid(chain: Chain, text: str, canonical: str) -> None:
    assert parse_address(chain, text).canonical == canonical


def assert_refused(chain: Chain, text: str, reason_fragment: str) -> None:
    with pytest.raises(InvalidAddressError, match=re.escape(reason_fragment)):
        parse_address(chain, text)


def stored_as_given(texts: Iterable[str]) -> list[tuple[str, str]]:
    return [(text, text) for text in texts]


def refused_for(texts: Iterable[str], reason_fragment: str) -> list[tuple[str, str]]:
    return [(text, reason_fragment) for text in texts]


def mainnet_only_reason(chain: Chain, text: str) -> str:
    return f"{text} is a testnet address; chain {chain.value} accepts mainnet addresses only"
