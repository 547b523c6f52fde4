"""HD wallet derivation: 10,000 receive addresses, P2WPKH and P2TR, from the `abandon … about`
account keys (BIP-84, BIP-86), in this process, each run on a freshly opened wallet."""

from __future__ import annotations

import asyncio
import time

from db.models import Chain
from hd import ScriptKind, parse_hd_input
from hd.backend import secp256k1_backend
from tools.bench.report import Row, median
from tools.bench.system import BenchContext

ADDRESSES = 10_000
TARGET_PER_SECOND = 5_000
ACCOUNT_KEYS = {
    ScriptKind.P2WPKH: (
        "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUU"
        "kgDKf31mGDtKsAYz2oz2AGutZYs"
    ),
    ScriptKind.P2TR: (
        "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3V"
        "CECoY49yfdDEHGCtMMj92pReUsQ"
    ),
}


def addresses_per_second(script: ScriptKind) -> tuple[float, float]:
    """Addresses per second of wall time (the target), and per second of this thread's CPU
    time (what the code costs, whatever else the machine runs)."""
    started, cpu_started = time.perf_counter(), time.thread_time()
    wallet = parse_hd_input(ACCOUNT_KEYS[script], Chain.BITCOIN).wallet(script)
    derived = wallet.derive(0, 0, ADDRESSES)
    elapsed, cpu_elapsed = time.perf_counter() - started, time.thread_time() - cpu_started
    assert len({address.address for address in derived}) == ADDRESSES
    return ADDRESSES / elapsed, ADDRESSES / cpu_elapsed


async def run(bench: BenchContext) -> list[Row]:
    backend = secp256k1_backend().split(" (")[0]
    rows = []
    for script in ACCOUNT_KEYS:
        runs = [await asyncio.to_thread(addresses_per_second, script) for _ in range(bench.runs)]
        rate = median([wall for wall, _ in runs])
        cpu_rate = median([cpu for _, cpu in runs])
        rows.append(
            Row(
                f"{ADDRESSES:,} {script.value} receive addresses from an account key ({backend})",
                f"{rate:,.0f} addresses/s ({cpu_rate:,.0f} per CPU second)",
                f"target {TARGET_PER_SECOND:,}/s",
                rate / TARGET_PER_SECOND,
                f"≥ {TARGET_PER_SECOND:,} addresses/s",
                rate >= TARGET_PER_SECOND,
            )
        )
    return rows
