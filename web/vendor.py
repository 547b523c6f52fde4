"""Re-creates web/static/vendor/ from the npm registry: `python -m web.vendor` (needs `npm`).

The browser bundles are copied byte for byte from the pinned packages, with their licences, and
VENDORED.md records where each file came from and its SHA-256 (a test checks them). The server
never runs this: it only serves what is committed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

VENDOR_DIRECTORY = Path(__file__).resolve().parent / "static" / "vendor"
LICENCE_FILE = re.compile(r"(?i)^(licen[cs]e|copying)([.-].*)?$")
BUNDLED_PACKAGE = re.compile(r"node_modules/((?:@[^/]+/)?[^/]+)")


@dataclass(frozen=True)
class VendoredPackage:
    name: str
    version: str
    # Files of the npm package to copy, by their path inside it.
    files: tuple[str, ...]
    # A source map whose `node_modules/...` sources name the packages bundled into the file.
    bundle_map: str | None = None

    @property
    def folder(self) -> str:
        return f"{self.name}-{self.version}"


PACKAGES = (
    # React 18 is the last major with browser (UMD) builds; GraphiQL 4 supports it.
    VendoredPackage("react", "18.3.1", ("umd/react.production.min.js",)),
    VendoredPackage("react-dom", "18.3.1", ("umd/react-dom.production.min.js",)),
    # GraphiQL 4.x is the last major with a standalone browser build (5.x is ESM for bundlers).
    # It bundles graphql, graphql-ws, CodeMirror and its UI libraries; fonts are inlined in its CSS.
    VendoredPackage(
        "graphiql",
        "4.1.2",
        ("graphiql.min.js", "graphiql.min.css"),
        bundle_map="graphiql.min.js.map",
    ),
    VendoredPackage("graphql-ws", "6.4.2", ("umd/graphql-ws.min.js",)),
)


def main() -> None:
    if shutil.which("npm") is None:
        sys.exit("npm is needed to fetch the vendored packages")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.rmtree(VENDOR_DIRECTORY, ignore_errors=True)
        VENDOR_DIRECTORY.mkdir(parents=True)
        rows = []
        for package in PACKAGES:
            rows.extend(vendor(package, work))
        write_manifest(rows)
    print(f"vendored {len(PACKAGES)} packages into {VENDOR_DIRECTORY}")


def vendor(package: VendoredPackage, work: Path) -> list[tuple[str, str, str, str]]:
    """Copies the package's files and licence; (file, package@version, source path, sha256)."""
    packed = _npm(["pack", "--json", f"{package.name}@{package.version}"], work)
    tarball = work / json.loads(packed)[0]["filename"]
    unpacked = work / package.folder
    with tarfile.open(tarball) as archive:
        archive.extractall(unpacked, filter="data")
    source = unpacked / "package"
    target = VENDOR_DIRECTORY / package.folder
    target.mkdir()
    copied = [*package.files, *_licence_files(source)]
    rows = []
    for relative in copied:
        destination = target / Path(relative).name
        shutil.copyfile(source / relative, destination)
        rows.append(
            (
                f"{package.folder}/{destination.name}",
                f"{package.name}@{package.version}",
                relative,
                _sha256(destination),
            )
        )
    if package.bundle_map is not None:
        notices = target / "THIRD-PARTY-LICENSES.txt"
        notices.write_text(_bundled_licences(package, source / package.bundle_map, work))
        rows.append((f"{package.folder}/{notices.name}", "(generated)", "", _sha256(notices)))
    return rows


def _bundled_licences(package: VendoredPackage, source_map: Path, work: Path) -> str:
    """The licence of every package the bundle contains, from an install of the package."""
    sources = json.loads(source_map.read_text())["sources"]
    bundled = sorted({found[-1] for s in sources if (found := BUNDLED_PACKAGE.findall(s))})
    install = work / "install"
    install.mkdir(exist_ok=True)
    (install / "package.json").write_text("{}")
    _npm(["install", "--no-audit", "--no-fund", f"{package.name}@{package.version}"], install)
    sections = [
        f"Packages bundled into {package.name}@{package.version}'s {package.files[0]}, as named by"
        " its source map, with the licences\nof those packages as installed with it from the npm"
        f" registry. {package.name}'s own packages (@graphiql/*, codemirror-graphql,\n"
        "graphql-language-service) are covered by its LICENSE beside this file.\n"
    ]
    for name in bundled:
        folder = install / "node_modules" / name
        if not folder.is_dir():
            # No longer in the installed dependency tree: its latest release from the registry.
            folder = _unpacked(name, work)
        manifest = json.loads((folder / "package.json").read_text())
        texts = [
            path.read_text() for path in sorted(folder.iterdir()) if LICENCE_FILE.match(path.name)
        ]
        heading = f"== {name}@{manifest['version']} ({manifest.get('license')})"
        body = "\n".join(texts) or "(the package ships no licence file; licence as declared)\n"
        sections.append(f"{heading}\n\n{body}")
    return "\n".join(sections)


def _unpacked(name: str, work: Path) -> Path:
    packed = _npm(["pack", "--json", name], work)
    target = work / "extra" / name
    with tarfile.open(work / json.loads(packed)[0]["filename"]) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def _licence_files(source: Path) -> list[str]:
    return sorted(path.name for path in source.iterdir() if LICENCE_FILE.match(path.name))


def write_manifest(rows: list[tuple[str, str, str, str]]) -> None:
    lines = [
        "# Vendored browser bundles",
        "",
        "Served by wallet-tracker itself under `/static/vendor/`, so that the dashboard and",
        "GraphiQL work with no internet. Copied byte for byte from the npm registry by",
        "`python -m web.vendor` (change the pinned versions there, run it, commit the result);",
        "`tests/web` checks the hashes below.",
        "",
        "| file | from | path in the package | sha256 |",
        "|---|---|---|---|",
        *(f"| {file} | {origin} | {path} | {digest} |" for file, origin, path, digest in rows),
        "",
    ]
    (VENDOR_DIRECTORY / "VENDORED.md").write_text("\n".join(lines))


def _npm(arguments: list[str], directory: Path) -> str:
    return subprocess.run(
        ["npm", "--loglevel=error", *arguments],
        cwd=directory,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    main()
