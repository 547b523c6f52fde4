"""Litecoin, Dogecoin and Bitcoin Cash addresses: each chain's formats, and only its own."""

from __future__ import annotations

import pytest

from tools.simulator import cashaddr
from tools.simulator.addresses import (
    InvalidAddress,
    normalize_address,
    p2pkh_address,
    parse_address,
)
from tools.simulator.coin_seeds import SEEDED_HISTORIES, UNUSED_ADDRESSES
from tools.simulator.networks import (
    BITCOIN,
    BITCOIN_CASH,
    DOGECOIN,
    LITECOIN,
    NETWORKS,
    Network,
)


@pytest.mark.parametrize(
    ("network", "address", "kind"),
    [
        (LITECOIN, "LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA", "p2pkh"),
        (LITECOIN, "MHrYRxAiMNBTku3eoDHwhA1LQGDjUStZW2", "p2sh"),
        (LITECOIN, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "p2sh"),
        (LITECOIN, "ltc1qtu99vz4rp7dn0hx7xul6kpp7x4qtegxtfveg2p", "v0_p2wpkh"),
        (DOGECOIN, "D5Z7XrtJNg7hAtznSDMXvfiFmMYphwuWz7", "p2pkh"),
        (DOGECOIN, "9sLa1AKzjWuNTe1CkLh5GDYyRP9enb1Spp", "p2sh"),
        (BITCOIN_CASH, "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu", "p2pkh"),
        (BITCOIN_CASH, "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "p2pkh"),
        (BITCOIN_CASH, "bitcoincash:pp8skudq3x5hzw8ew7vzsw8tn4k8wxsqsv0lt0mf3g", "p2sh"),
        (BITCOIN_CASH, "bitcoincash:zpm2qsznhks23z7629mms6s4cwef74vcwvrqekrq9w", "p2pkh"),
    ],
)
def test_each_chain_accepts_its_formats(network: Network, address: str, kind: str) -> None:
    assert parse_address(address, network).esplora_type == kind


@pytest.mark.parametrize(
    ("network", "address"),
    [
        (LITECOIN, "LMfFTdS67NzKxfUqMTf5JWCJXt5dgu1Eom"),
        (LITECOIN, "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"),
        (LITECOIN, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        (DOGECOIN, "DQ2Z7QGwL8AcRH6Y7VdZfX35wfWqEzEA4A"),
        (DOGECOIN, "LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA"),
        (BITCOIN_CASH, "bitcoincash:Qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
        (BITCOIN_CASH, "bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
        (BITCOIN_CASH, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        (BITCOIN, "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
    ],
)
def test_each_chain_refuses_other_formats(network: Network, address: str) -> None:
    with pytest.raises(InvalidAddress):
        parse_address(address, network)


def test_bitcoin_cash_spellings_share_one_canonical_cashaddr() -> None:
    spellings = [
        "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
        "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
        "BITCOINCASH:QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A",
    ]

    canonical = {normalize_address(text, BITCOIN_CASH) for text in spellings}

    assert canonical == {"bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"}


def test_cashaddr_vectors_from_the_specification() -> None:
    key_hash = bytes.fromhex("cdcdd9b2bd2e97785d79f8a594189751e6838d7b")

    encoded = cashaddr.encode("bitcoincash", cashaddr.P2PKH_TYPE, key_hash)

    assert encoded == "bitcoincash:qrxumkdjh5hfw7za08u2t9qcjag7dqud0v5g9mt6d8"
    assert cashaddr.decode(encoded, "bitcoincash") == (cashaddr.P2PKH_TYPE, key_hash)
    assert p2pkh_address(key_hash, BITCOIN_CASH) == encoded


def test_seeded_addresses_are_canonical_on_their_chain() -> None:
    for name, histories in SEEDED_HISTORIES.items():
        network = NETWORKS[name]
        for address in [*(entry[0] for entry in histories), UNUSED_ADDRESSES[name]]:
            assert normalize_address(address, network) == address
