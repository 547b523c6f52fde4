"""The folders import one another one way: no cycle between them, counting every import."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Beside the code, not of it: the tests, and what the tools leave in the checkout.
NOT_CODE = {"tests", "var", "node_modules", "test-artifacts"}
# The wiring imports every layer, and nothing imports it.
ENTRY_POINT = "server"


def source_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        top = path.relative_to(ROOT).parts[0]
        if top not in NOT_CODE and not top.startswith("."):
            yield path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(path: Path) -> list[str]:
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    return package


def imported_modules(path: Path, *, package: list[str]) -> Iterator[str]:
    """Every module `path` imports, wherever the import stands (under TYPE_CHECKING too)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            yield ".".join([*base, *([node.module] if node.module else [])])


def layer(module: str) -> str:
    """The folder a module lives in, or the top-level module itself (`settings`, `server`)."""
    return module.split(".")[0]


def layer_graph() -> dict[str, dict[str, list[str]]]:
    """Layer -> layers it imports -> the imports (`module -> module`) that make the edge."""
    modules = {module_name(path): path for path in source_files()}
    layers = {layer(module) for module in modules}
    graph: dict[str, dict[str, list[str]]] = {name: {} for name in layers}
    for module, path in modules.items():
        for imported in imported_modules(path, package=package_of(path)):
            target = layer(imported)
            if target in layers and target != layer(module):
                graph[layer(module)].setdefault(target, []).append(f"{module} -> {imported}")
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected groups of more than one layer (Tarjan), each sorted."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = lowest[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                lowest[node] = min(lowest[node], lowest[target])
            elif target in stack:
                lowest[node] = min(lowest[node], index[target])
        if lowest[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_imports_count_wherever_they_stand(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from server import Runtime\n"
        "def later() -> None:\n"
        "    import workers.sync\n"
    )
    assert set(imported_modules(source, package=[])) == {"typing", "server", "workers.sync"}


def test_a_cycle_between_folders_is_found() -> None:
    graph: dict[str, dict[str, list[str]]] = {
        "api": {"schema": []},
        "schema": {"resolvers": []},
        "resolvers": {"schema": []},
        "db": {},
    }
    assert cycles(graph) == [["resolvers", "schema"]]


def test_no_cycle_between_folders() -> None:
    graph = layer_graph()
    found = cycles(graph)
    explained = [
        f"{' <-> '.join(group)}: "
        + "; ".join(
            edge
            for source in group
            for target, edges in graph[source].items()
            if target in group
            for edge in edges
        )
        for group in found
    ]
    assert found == [], "\n".join(explained)


def test_no_module_imports_the_wiring() -> None:
    importers = [
        module_name(path)
        for path in source_files()
        if module_name(path) != ENTRY_POINT
        and any(
            layer(imported) == ENTRY_POINT
            for imported in imported_modules(path, package=package_of(path))
        )
    ]
    assert importers == []
