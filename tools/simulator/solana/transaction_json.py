"""Solana's JSON for signatures and transactions (`encoding: json`), fillers derived from the
signature so a transaction renders the same on every call."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from tools.simulator.solana.cluster import ERRORS, LEGACY, Cluster, Entry, Role
from tools.simulator.solana.keys import encode

SYSTEM_PROGRAM = "11111111111111111111111111111111"
COMPUTE_BUDGET_PROGRAM = "ComputeBudget111111111111111111111111111111"
PROGRAM_LAMPORTS = 1
API_VERSION = "3.1.11"


@dataclass(slots=True)
class Account:
    address: str
    pre: int
    post: int


def signature_json(entry: Entry) -> dict[str, Any]:
    """One `getSignaturesForAddress` item (keys in the order of the recordings)."""
    return {
        "blockTime": Cluster.block_time(entry.slot),
        "confirmationStatus": "finalized",
        "err": ERRORS[entry.error],
        "memo": entry.memo,
        "signature": encode(entry.signature),
        "slot": entry.slot,
    }


def _filler(rng: Random, lamports: int = 0, *, minimum: int = 0) -> Account:
    pre = max(minimum, rng.randint(0, 20_000_000_000) if rng.random() < 0.8 else 0)
    return Account(encode(rng.randbytes(32)), pre, pre + lamports)


def _insert(rng: Random, accounts: list[Account], tracked: list[Account]) -> None:
    for account in tracked:
        accounts.insert(rng.randint(0, len(accounts)), account)


def _layout(
    entry: Entry, rng: Random
) -> tuple[list[Account], list[Account], list[Account], list[Account], list[Account]]:
    """(signers, writable, read-only, loaded writable, loaded read-only) accounts."""
    tracked: dict[Role, list[Account]] = {role: [] for role in Role}
    for leg, pre in zip(entry.legs, entry.pre_balances, strict=True):
        tracked[leg.role].append(Account(leg.address, pre, pre + leg.lamports))
    counterparty_lamports = -entry.fee - sum(leg.lamports for leg in entry.legs)
    is_v0 = entry.version != LEGACY
    if tracked[Role.PAYER]:
        payer = tracked[Role.PAYER][0]
    else:
        payer = _filler(rng, counterparty_lamports, minimum=-counterparty_lamports)
        counterparty_lamports = 0
    writable = [_filler(rng) for _ in range(rng.randint(0, 2) if is_v0 else 0)]
    loaded_writable = [_filler(rng) for _ in range(rng.randint(1, 5) if is_v0 else 0)]
    loaded_readonly = [_filler(rng) for _ in range(rng.randint(1, 5) if is_v0 else 0)]
    if counterparty_lamports or not (tracked[Role.WRITABLE] or tracked[Role.LOADED_WRITABLE]):
        recipient = _filler(rng, counterparty_lamports, minimum=-counterparty_lamports)
        recipient.pre = 0 if counterparty_lamports > 0 and rng.random() < 0.3 else recipient.pre
        recipient.post = recipient.pre + counterparty_lamports
        writable.insert(0, recipient)
    _insert(rng, writable, tracked[Role.WRITABLE])
    _insert(rng, loaded_writable, tracked[Role.LOADED_WRITABLE])
    _insert(rng, loaded_readonly, tracked[Role.LOADED_READONLY])
    programs = [
        Account(SYSTEM_PROGRAM, PROGRAM_LAMPORTS, PROGRAM_LAMPORTS),
        Account(COMPUTE_BUDGET_PROGRAM, PROGRAM_LAMPORTS, PROGRAM_LAMPORTS),
    ]
    readonly = [*tracked[Role.READONLY], *programs]
    return [payer], writable, readonly, loaded_writable, loaded_readonly


def _instruction(program_index: int, accounts: list[int], rng: Random, size: int) -> dict[str, Any]:
    return {
        "accounts": accounts,
        "data": encode(b"\x01" + rng.randbytes(size)),
        "programIdIndex": program_index,
        "stackHeight": 1,
    }


def _table_lookups(
    rng: Random, loaded_writable: list[Account], loaded_readonly: list[Account]
) -> list[dict[str, Any]]:
    """One or two lookup tables; the loaded lists are each table's entries in table order."""
    split_writable = rng.randint(0, len(loaded_writable))
    split_readonly = rng.randint(0, len(loaded_readonly))
    parts = [
        (split_writable, split_readonly),
        (len(loaded_writable) - split_writable, len(loaded_readonly) - split_readonly),
    ]
    tables = []
    for writable_count, readonly_count in parts:
        if not writable_count and not readonly_count:
            continue
        indexes = rng.sample(range(256), writable_count + readonly_count)
        tables.append(
            {
                "accountKey": encode(rng.randbytes(32)),
                "readonlyIndexes": indexes[writable_count:],
                "writableIndexes": indexes[:writable_count],
            }
        )
    return tables


def transaction_json(entry: Entry) -> dict[str, Any]:
    """`getTransaction`'s result. Balances follow accountKeys, then the loaded writable, then
    the loaded read-only addresses; post - pre is each account's change, fee included."""
    rng = Random(entry.signature)
    signers, writable, readonly, loaded_writable, loaded_readonly = _layout(entry, rng)
    static = [*signers, *writable, *readonly]
    every = [*static, *loaded_writable, *loaded_readonly]
    system_index = static.index(readonly[-2])
    budget_index = system_index + 1
    moved = [index for index, account in enumerate(every) if account.pre != account.post]
    touched = [index for index in range(len(every)) if index not in (system_index, budget_index)]
    instructions = [
        _instruction(budget_index, [], rng, 4),
        _instruction(budget_index, [], rng, 8),
        _instruction(system_index, moved if len(moved) > 1 else touched, rng, 11),
    ]
    error = ERRORS[entry.error]
    logs = []
    for position, instruction in enumerate(instructions):
        program = every[instruction["programIdIndex"]].address
        logs.append(f"Program {program} invoke [1]")
        if error is not None and position == len(instructions) - 1:
            logs.append(f"Program {program} failed: custom program error: 0x1")
        else:
            logs.append(f"Program {program} success")
    message: dict[str, Any] = {
        "accountKeys": [account.address for account in static],
    }
    if entry.version != LEGACY:
        message["addressTableLookups"] = _table_lookups(rng, loaded_writable, loaded_readonly)
    message["header"] = {
        "numReadonlySignedAccounts": 0,
        "numReadonlyUnsignedAccounts": len(readonly),
        "numRequiredSignatures": len(signers),
    }
    message["instructions"] = instructions
    message["recentBlockhash"] = encode(rng.randbytes(32))
    compute_units = rng.randint(300, 200_000)
    return {
        "blockTime": Cluster.block_time(entry.slot),
        "meta": {
            "computeUnitsConsumed": compute_units,
            "costUnits": compute_units + 1_335,
            "err": error,
            "fee": entry.fee,
            "innerInstructions": [],
            "loadedAddresses": {
                "readonly": [account.address for account in loaded_readonly],
                "writable": [account.address for account in loaded_writable],
            },
            "logMessages": logs,
            "postBalances": [account.post for account in every],
            "postTokenBalances": [],
            "preBalances": [account.pre for account in every],
            "preTokenBalances": [],
            "rewards": [],
            "status": {"Ok": None} if error is None else {"Err": error},
        },
        "slot": entry.slot,
        "transaction": {
            "message": message,
            "signatures": [encode(entry.signature)],
        },
        "version": "legacy" if entry.version == LEGACY else entry.version,
    }
