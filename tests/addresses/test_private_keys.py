"""A private key pasted where an address goes (a WIF, the form wallets export one key in) is
refused saying what it is, never echoed back."""

from __future__ import annotations

import pytest

from addresses import InvalidAddressError, parse_address
from db.models import Chain

# The key 7, as Bitcoin (compressed and not), Litecoin and Dogecoin wallets export it.
WIFS = {
    "bitcoin-compressed": "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU76rnZwVdz",
    "bitcoin-uncompressed": "5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreBR6zCMU",
    "litecoin": "T33ydQRKp4FCW5LCLLUB7deioUMoveiwekdwUwyfRDeGckMREisC",
    "dogecoin": "QNcdLVw8fHkixm6NNyN6nVwxKek4u7qrioRbQmjxac5TYnjVc8Ke",
    "bitcoin-mistyped": "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU76rnZwVdx",
}


@pytest.mark.parametrize("wif", WIFS.values(), ids=WIFS.keys())
@pytest.mark.parametrize(
    "chain", [Chain.BITCOIN, Chain.LITECOIN, Chain.DOGECOIN, Chain.BITCOIN_CASH]
)
def test_a_wif_private_key_is_refused_as_one_without_echo(wif: str, chain: Chain) -> None:
    with pytest.raises(InvalidAddressError) as refused:
        parse_address(chain, wif)

    assert "private key (WIF)" in str(refused.value)
    assert wif[2:20] not in str(refused.value)
