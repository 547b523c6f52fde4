"""The table every benchmark adds rows to, figures formatted for people, and the machine."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    """One line of the table: what was measured, against what, and whether the target holds.

    `ratio` is measured / baseline (or measured / limit) as the target states it; `holds` is
    None where there is nothing to hold (a contrast, or a figure that could not be taken)."""

    what: str
    measured: str
    baseline: str
    ratio: float | None
    target: str
    holds: bool | None


def unavailable(what: str, reason: str, target: str) -> Row:
    return Row(what, f"not available: {reason}", "", None, target, None)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 100 values is the 99th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1.0:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def megabytes(value: int) -> str:
    return f"{value / 2**20:.0f} MB"


def render(rows: Sequence[Row]) -> str:
    """A Markdown table, readable in a terminal as it is."""
    header = ("what", "measured", "baseline", "ratio", "target", "holds?")
    lines = [header] + [
        (
            row.what,
            row.measured,
            row.baseline,
            "" if row.ratio is None else f"{row.ratio:.2f}",
            row.target,
            {True: "yes", False: "NO", None: "-"}[row.holds],
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]

    def format_line(cells: Sequence[str]) -> str:
        return (
            "| "
            + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=False))
            + " |"
        )

    divider = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([format_line(lines[0]), divider, *(format_line(line) for line in lines[1:])])


def machine_description(postgres_version: str | None) -> str:
    """nproc, CPU model, RAM, Python, SQLite and PostgreSQL versions."""
    cpu = "unknown CPU"
    memory = "unknown RAM"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory = f"{total_kb / 2**20:.1f} GiB RAM"
    parts = [
        f"{os.cpu_count()} cores ({cpu})",
        memory,
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version}",
        f"PostgreSQL {postgres_version}" if postgres_version else "no PostgreSQL",
    ]
    return ", ".join(parts)
