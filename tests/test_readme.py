"""The README's "Where things are" map matches the tree a newcomer sees."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Project files, not parts of the program: the map leaves them out.
PROJECT_FILES = {
    "README.md",
    "BENCHMARKS.md",
    "Makefile",
    "pyproject.toml",
    ".gitignore",
    ".ci",
}


def mapped_entries() -> set[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("### Where things are", 1)[1]
    block = section.split("```", 2)[1]
    return {match.group(1) for match in re.finditer(r"^(\S+?)/?\s", block, re.MULTILINE)}


def top_level_entries() -> set[str]:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return {path.split("/", 1)[0] for path in tracked} - PROJECT_FILES


def test_the_map_names_every_top_level_folder_and_module_and_nothing_else() -> None:
    assert mapped_entries() == top_level_entries()


def test_every_api_module_named_in_the_map_exists() -> None:
    text = (ROOT / "README.md").read_text().split("### Where things are", 1)[1]
    for name in re.findall(r"\b(\w+\.py)\b", text.split("```", 2)[1]):
        found = [path for path in ROOT.rglob(name) if ".venv" not in path.parts]
        assert found, f"the map names {name}, which is nowhere in the tree"
