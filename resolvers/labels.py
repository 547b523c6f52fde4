"""Wallet labels in and out as BIP-329 JSON lines (`{"type": "addr", "ref": ..., "label": ...}`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select, update

from addresses import InvalidAddressError
from db.models import LABEL_MAX_LENGTH, Chain, TrackedAddress, Wallet
from db.session import SessionFactory
from resolvers.chains import CHAIN_DETAILS
from resolvers.text_input import clean_text
from resolvers.viewer import Viewer
from resolvers.wallets import canonical_address

MAX_IMPORT_LINES = 10_000


class MalformedLabelsError(Exception):
    """A line that is not a BIP-329 record (or a label we cannot store); nothing was applied."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"Line {line}: {problem}. Nothing was applied.")
        self.line = line


@dataclass(frozen=True)
class LabelRecord:
    line: int
    type: str
    ref: str
    label: str | None


@dataclass(frozen=True)
class SkippedLine:
    line: int
    reason: str


@dataclass
class ImportReport:
    applied: int = 0
    skipped: list[SkippedLine] = field(default_factory=list)


def parse_labels(text: str) -> list[LabelRecord]:
    """Every record of a BIP-329 file; MalformedLabelsError at the first bad line."""
    records: list[LabelRecord] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if len(records) == MAX_IMPORT_LINES:
            raise MalformedLabelsError(number, f"more than {MAX_IMPORT_LINES:,} records")
        records.append(_record(number, raw))
    return records


def _record(number: int, raw: str) -> LabelRecord:
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as error:
        raise MalformedLabelsError(number, f"not valid JSON ({error.msg})") from None
    if not isinstance(item, dict):
        raise MalformedLabelsError(number, "not a JSON object")
    kind, ref, label = item.get("type"), item.get("ref"), item.get("label")
    if not isinstance(kind, str) or not kind:
        raise MalformedLabelsError(number, '"type" must be a non-empty string')
    if not isinstance(ref, str) or not ref:
        raise MalformedLabelsError(number, '"ref" must be a non-empty string')
    if label is not None and not isinstance(label, str):
        raise MalformedLabelsError(number, '"label" must be a string')
    if kind == "addr" and label is not None:
        cleaned, problem = clean_text(label, field="label", max_length=LABEL_MAX_LENGTH)
        if problem is not None:
            raise MalformedLabelsError(number, problem.message.rstrip("."))
        label = cleaned
    return LabelRecord(line=number, type=kind, ref=ref, label=label)


async def apply_labels(
    sessions: SessionFactory, *, viewer: Viewer, records: list[LabelRecord]
) -> ImportReport:
    """Sets the label of each of the viewer's wallets an `addr` record names, in one
    transaction; records of other types, or of addresses not tracked, are skipped."""
    report = ImportReport()
    async with sessions.begin() as session:
        tracked = await session.execute(
            select(TrackedAddress.chain, TrackedAddress.address, Wallet.id)
            .join(Wallet, Wallet.address_id == TrackedAddress.id)
            .where(Wallet.account_id == viewer.account_id)
        )
        wallet_ids = {(chain, address): wallet_id for chain, address, wallet_id in tracked}
        for record in records:
            targets, reason = _targets(record, wallet_ids)
            if not targets:
                report.skipped.append(SkippedLine(record.line, reason))
                continue
            await session.execute(
                update(Wallet).where(Wallet.id.in_(targets)).values(label=record.label)
            )
            report.applied += 1
    return report


def _targets(
    record: LabelRecord, wallet_ids: dict[tuple[Chain, str], int]
) -> tuple[list[int], str]:
    """The ids of the viewer's wallets a record labels, or none and why it is skipped.

    BIP-329 names no chain: a `ref` labels the viewer's wallet of that address on every chain
    where it is one (in any form the chain accepts: a legacy Bitcoin Cash address labels the
    CashAddr wallet)."""
    if record.type != "addr":
        return [], f'type "{record.type}" is not a wallet label'
    if record.label is None:
        return [], "no label"
    # The chains the viewer tracks wallets on, Bitcoin when none (to say why a ref is invalid).
    chains = list(dict.fromkeys(chain for chain, _ in wallet_ids)) or [Chain.BITCOIN]
    targets: list[int] = []
    problems: list[str] = []
    for chain in chains:
        try:
            address = canonical_address(chain, record.ref)
        except InvalidAddressError as error:
            problems.append(f"not a valid {CHAIN_DETAILS[chain].name.lower()} address: {error}")
            continue
        if (chain, address) in wallet_ids:
            targets.append(wallet_ids[chain, address])
    if targets:
        return targets, ""
    if len(problems) == len(chains):
        return [], problems[0]
    return [], "address not tracked by this account"


async def export_labels(sessions: SessionFactory, *, viewer: Viewer) -> list[str]:
    """One BIP-329 line per labelled wallet of the viewer, oldest wallet first."""
    async with sessions() as session:
        rows = await session.execute(
            select(TrackedAddress.address, Wallet.label)
            .join(Wallet, Wallet.address_id == TrackedAddress.id)
            .where(Wallet.account_id == viewer.account_id, Wallet.label.is_not(None))
            .order_by(Wallet.id)
        )
        return [
            json.dumps({"type": "addr", "ref": address, "label": label}, ensure_ascii=False)
            for address, label in rows
        ]
