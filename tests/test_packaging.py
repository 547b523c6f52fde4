"""An installed wallet-tracker holds every package and module the server imports."""

from __future__ import annotations

import ast
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Beside the product, never imported by it: not installed.
NOT_INSTALLED = {"tests", "tools"}


def setuptools_table() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as pyproject:
        table: dict[str, object] = tomllib.load(pyproject)["tool"]["setuptools"]
    return table


def test_every_top_level_package_is_installed() -> None:
    find = setuptools_table()["packages"]
    assert isinstance(find, dict)
    patterns = find["find"]["include"]
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_INSTALLED
    }
    # setuptools' `packages.find` matches each package name against the patterns.
    missing = {name for name in packages if not any(fnmatch(name, p) for p in patterns)}
    assert missing == set()


def test_every_top_level_module_the_server_imports_is_installed() -> None:
    modules = setuptools_table()["py-modules"]
    assert isinstance(modules, list)
    top_level = {path.stem for path in ROOT.glob("*.py")}
    imported: set[str] = set()
    for path in ROOT.glob("*/**/*.py"):
        if path.relative_to(ROOT).parts[0] in NOT_INSTALLED | {".venv"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported & top_level <= set(modules)
