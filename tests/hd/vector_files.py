"""The published test vectors in ../shared/vectors, read into plain values for the tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

VECTORS: Final = Path(__file__).resolve().parents[3] / "shared" / "vectors"


def read(name: str) -> str:
    return (VECTORS / name).read_text()


@dataclass(frozen=True)
class Bip32Step:
    path: str  # "m/0H/1"
    xpub: str


def bip32_chains() -> list[list[Bip32Step]]:
    """Test vectors 1-4: each vector's chain of (path, ext pub), in order."""
    chains: list[list[Bip32Step]] = []
    text = read("bip32_vectors.txt").split("===Test vector 5===")[0]
    for vector in text.split("===Test vector ")[1:]:
        steps = re.findall(r"\* Chain (\S+)\n\*\* ext pub: (\S+)", vector)
        chains.append([Bip32Step(path.replace("<sub>H</sub>", "H"), xpub) for path, xpub in steps])
    return chains


def bip32_invalid_keys() -> list[tuple[str, str]]:
    """Test vector 5: (key, what is wrong with it)."""
    text = read("bip32_vectors.txt").split("===Test vector 5===")[1]
    return re.findall(r"^\* (\S+) \((.+)\)$", text, re.MULTILINE)


def blockchair_checked_addresses() -> list[tuple[str, str]]:
    """The 80 (path, address) pairs of the Blockchair xpub fixture's `context.checked`."""
    text = read("blockchair_xpub_dashboard_docs-example_v2.0.80.txt")
    return re.findall(r'"(\d/\d+): (1\w+)"', text)


@dataclass(frozen=True)
class AbandonAccount:
    descriptors: tuple[str, str, str]  # /0/*, /1/*, /<0;1>/* with their checksums
    first_addresses: dict[str, str]  # "0/0", "0/1", "1/0" -> address


def abandon_accounts() -> list[AbandonAccount]:
    accounts = []
    text = read("abandon_descriptors_computed.txt")
    for block in re.split(r"\n\s*\n", text):
        descriptors = [line for line in block.splitlines() if "#" in line and "(" in line]
        if len(descriptors) != 3 or block.lstrip().startswith("#"):
            continue
        addresses_line = block.splitlines()[-1]
        found = re.findall(r"(\S*/\d/\d) (\w+)", addresses_line)
        first = {path.removeprefix("m/44'/0'/0'/")[-3:]: address for path, address in found}
        accounts.append(AbandonAccount((descriptors[0], descriptors[1], descriptors[2]), first))
    return accounts


@dataclass(frozen=True)
class ElectrumCase:
    key: str
    receive: str
    change: str


def electrum_cases() -> list[ElectrumCase]:
    text = read("electrum_wallet_testsuite_vectors.txt")
    return [
        ElectrumCase(key, receive, change)
        for key, receive, change in re.findall(
            r"ks\.xpub, '(\w+)'\).*?get_receiving_addresses\(\)\[0\], '(\w+)'\)"
            r"(?:\s*self\.assertEqual\(w\.get_change_addresses\(\)\[0\], '(\w+)'\))?",
            text,
            re.DOTALL,
        )
    ]
