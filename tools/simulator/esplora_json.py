"""Esplora's JSON: transactions with derived counterparty inputs and outputs, stats, UTXOs."""

from __future__ import annotations

from functools import lru_cache
from random import Random
from typing import Any

from tools.simulator.addresses import (
    OutputScript,
    op_return_script,
    p2pkh_address,
    p2wpkh_address,
    parse_address,
)
from tools.simulator.chain import Chain
from tools.simulator.ledger import MEMPOOL, Leg, Utxo
from tools.simulator.networks import BITCOIN, Network
from tools.simulator.summary import AddressSummary, TxoStats

COINBASE_TXID = "0" * 64
COINBASE_VOUT = 4_294_967_295
FINAL_SEQUENCE = 4_294_967_295
RBF_SEQUENCE = 4_294_967_293
WITNESS_COMMITMENT_PREFIX = bytes.fromhex("aa21a9ed")
P2WPKH_COUNTERPARTY_SHARE = 0.75


@lru_cache(maxsize=8192)
def script_of(address: str, network: Network = BITCOIN) -> OutputScript:
    return parse_address(address, network)


def status_json(chain: Chain, number: int) -> dict[str, Any]:
    height = chain.ledger.height(number)
    if height == MEMPOOL:
        return {"confirmed": False}
    return {
        "confirmed": True,
        "block_height": height,
        "block_hash": chain.block_hash(height),
        "block_time": chain.block_time(height),
    }


def address_json(address: str, summary: AddressSummary) -> dict[str, Any]:
    return {
        "address": address,
        "chain_stats": _stats_json(summary.chain_stats),
        "mempool_stats": _stats_json(summary.mempool_stats),
    }


def utxo_json(chain: Chain, utxo: Utxo) -> dict[str, Any]:
    return {
        "txid": chain.ledger.txid(utxo.number),
        "vout": utxo.vout,
        "status": status_json(chain, utxo.number),
        "value": utxo.value_sat,
    }


def transaction_json(chain: Chain, number: int) -> dict[str, Any]:
    """The full transaction; counterparty parts come from a generator seeded by the txid, so
    they are the same on every call and add up to the stored totals."""
    ledger = chain.ledger
    rng = Random(ledger.txid_bytes(number))
    legs = ledger.legs(number)
    version = 2 if rng.random() < 0.85 else 1
    sequence = RBF_SEQUENCE if rng.random() < 0.3 else FINAL_SEQUENCE
    if ledger.is_coinbase(number):
        vin = [_coinbase_input(chain, number, rng)]
    else:
        vin = _inputs(chain, number, legs, rng, sequence)
    vout = _outputs(chain, number, legs, rng)
    size, weight = _size_and_weight(vin, vout)
    return {
        "txid": ledger.txid(number),
        "version": version,
        "locktime": ledger.locktime(number),
        "vin": vin,
        "vout": vout,
        "size": size,
        "weight": weight,
        "fee": ledger.fee(number),
        "status": status_json(chain, number),
    }


def _stats_json(stats: TxoStats) -> dict[str, int]:
    return {
        "funded_txo_count": stats.funded_txo_count,
        "funded_txo_sum": stats.funded_txo_sum,
        "spent_txo_count": stats.spent_txo_count,
        "spent_txo_sum": stats.spent_txo_sum,
        "tx_count": stats.tx_count,
    }


def _output_json(script: OutputScript, value_sat: int, address: str | None) -> dict[str, Any]:
    output: dict[str, Any] = {
        "scriptpubkey": script.script_hex,
        "scriptpubkey_asm": script.asm,
        "scriptpubkey_type": script.esplora_type,
    }
    if address is not None:
        output["scriptpubkey_address"] = address
    output["value"] = value_sat
    return output


def _counterparty_output(rng: Random, value_sat: int, network: Network) -> dict[str, Any]:
    key_hash = rng.randbytes(20)
    if rng.random() < P2WPKH_COUNTERPARTY_SHARE and network.segwit_hrp is not None:
        address = p2wpkh_address(key_hash, network)
    else:
        address = p2pkh_address(key_hash, network)
    return _output_json(script_of(address, network), value_sat, address)


def _split(total: int, parts: int, minimum: int, rng: Random) -> list[int]:
    """`parts` amounts of at least `minimum` each, adding up to `total`."""
    if parts == 0:
        return []
    spare = total - minimum * parts
    bounds = [0, *sorted(rng.randint(0, spare) for _ in range(parts - 1)), spare]
    return [minimum + bounds[index + 1] - bounds[index] for index in range(parts)]


def _inputs(
    chain: Chain, number: int, legs: list[Leg], rng: Random, sequence: int
) -> list[dict[str, Any]]:
    ledger = chain.ledger
    tracked = {leg.slot: leg for leg in legs if leg.spends is not None}
    vin_count = ledger.vin_count(number)
    tracked_in = sum(leg.value_sat for leg in tracked.values())
    tracked_out = sum(leg.value_sat for leg in legs if leg.spends is None)
    counterparty_sat = (
        tracked_out + ledger.counterparty_output(number) + ledger.fee(number) - tracked_in
    )
    counterparty_values = iter(_split(counterparty_sat, vin_count - len(tracked), 1, rng))
    inputs = []
    for slot in range(vin_count):
        leg = tracked.get(slot)
        if leg is not None and leg.spends is not None:
            prevout = _output_json(
                script_of(leg.address, chain.network), leg.value_sat, leg.address
            )
            spent_txid, spent_vout = ledger.txid(leg.spends[0]), leg.spends[1]
        else:
            prevout = _counterparty_output(rng, next(counterparty_values), chain.network)
            spent_txid, spent_vout = rng.randbytes(32).hex(), rng.randrange(4)
        inputs.append(_input_json(spent_txid, spent_vout, prevout, sequence, rng))
    return inputs


def _input_json(
    txid: str, vout: int, prevout: dict[str, Any], sequence: int, rng: Random
) -> dict[str, Any]:
    signature = f"30440220{rng.randbytes(32).hex()}0220{rng.randbytes(32).hex()}01"
    public_key = rng.choice(("02", "03")) + rng.randbytes(32).hex()
    scriptsig = ""
    scriptsig_asm = ""
    witness: list[str] | None = [signature, public_key]
    inner: dict[str, str] = {}
    prevout_type = prevout["scriptpubkey_type"]
    if prevout_type == "p2pkh":
        scriptsig = f"47{signature}21{public_key}"
        scriptsig_asm = f"OP_PUSHBYTES_71 {signature} OP_PUSHBYTES_33 {public_key}"
        witness = None
    elif prevout_type == "p2sh":
        key_hash = rng.randbytes(20).hex()
        scriptsig = f"160014{key_hash}"
        scriptsig_asm = f"OP_PUSHBYTES_22 0014{key_hash}"
        inner["inner_redeemscript_asm"] = f"OP_0 OP_PUSHBYTES_20 {key_hash}"
    elif prevout_type == "v0_p2wsh":
        witness = ["", signature, f"5121{public_key}51ae"]
        inner["inner_witnessscript_asm"] = (
            f"OP_PUSHNUM_1 OP_PUSHBYTES_33 {public_key} OP_PUSHNUM_1 OP_CHECKMULTISIG"
        )
    elif prevout_type == "v1_p2tr":
        witness = [rng.randbytes(64).hex()]
    entry: dict[str, Any] = {
        "txid": txid,
        "vout": vout,
        "prevout": prevout,
        "scriptsig": scriptsig,
        "scriptsig_asm": scriptsig_asm,
    }
    if witness is not None:
        entry["witness"] = witness
    entry["is_coinbase"] = False
    entry["sequence"] = sequence
    entry.update(inner)
    return entry


def _coinbase_input(chain: Chain, number: int, rng: Random) -> dict[str, Any]:
    height = chain.ledger.height(number)
    height_hex = max(height, 0).to_bytes(3, "little").hex()
    extra_nonce = rng.randbytes(8).hex()
    return {
        "txid": COINBASE_TXID,
        "vout": COINBASE_VOUT,
        "prevout": None,
        "scriptsig": f"03{height_hex}08{extra_nonce}",
        "scriptsig_asm": f"OP_PUSHBYTES_3 {height_hex} OP_PUSHBYTES_8 {extra_nonce}",
        "witness": ["00" * 32],
        "is_coinbase": True,
        "sequence": FINAL_SEQUENCE,
    }


def _outputs(chain: Chain, number: int, legs: list[Leg], rng: Random) -> list[dict[str, Any]]:
    ledger = chain.ledger
    tracked = {leg.slot: leg for leg in legs if leg.spends is None}
    vout_count = ledger.vout_count(number)
    free_slots = [slot for slot in range(vout_count) if slot not in tracked]
    op_return_slot = free_slots.pop() if ledger.has_op_return(number) else None
    counterparty_values = iter(_split(ledger.counterparty_output(number), len(free_slots), 1, rng))
    outputs = []
    for slot in range(vout_count):
        leg = tracked.get(slot)
        if leg is not None:
            script = script_of(leg.address, chain.network)
            outputs.append(_output_json(script, leg.value_sat, leg.address))
        elif slot == op_return_slot:
            if ledger.is_coinbase(number):
                data = WITNESS_COMMITMENT_PREFIX + rng.randbytes(32)
            else:
                data = rng.randbytes(rng.randint(8, 40))
            outputs.append(_output_json(op_return_script(data), 0, None))
        else:
            outputs.append(_counterparty_output(rng, next(counterparty_values), chain.network))
    return outputs


def _varint_size(count: int) -> int:
    return 1 if count < 0xFD else 3 if count <= 0xFFFF else 5


def _push_size(hex_text: str) -> int:
    return _varint_size(len(hex_text) // 2) + len(hex_text) // 2


def _size_and_weight(vin: list[dict[str, Any]], vout: list[dict[str, Any]]) -> tuple[int, int]:
    """The serialized size and weight the inputs and outputs would have."""
    base = 4 + _varint_size(len(vin)) + _varint_size(len(vout)) + 4
    base += sum(36 + _push_size(entry["scriptsig"]) + 4 for entry in vin)
    base += sum(8 + _push_size(output["scriptpubkey"]) for output in vout)
    witness_bytes = 0
    if any("witness" in entry for entry in vin):
        witness_bytes = 2 + sum(
            _varint_size(len(entry.get("witness", [])))
            + sum(_push_size(item) for item in entry.get("witness", []))
            for entry in vin
        )
    return base + witness_bytes, base * 4 + witness_bytes
