"""Re-creates web/static/vendor/ (served) and tests/web/vendor/ (browser tests only) from the
npm registry: `python -m web.vendor` (needs `npm`).

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
TEST_VENDOR_DIRECTORY = Path(__file__).resolve().parent.parent / "tests" / "web" / "vendor"
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
    # For a package that ships no licence file but states it in the head comment of its first
    # file: that comment, then the licence's text, becomes LICENSE.
    licence_in_header: str | None = None

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
    # The receive address's QR code on an HD wallet's page; an ES module, imported as is.
    VendoredPackage("qrcode-generator", "2.0.4", ("dist/qrcode.mjs",), licence_in_header="MIT"),
)
# Not served: the browser tests decode the dashboard's QR codes with it.
TEST_PACKAGES = (VendoredPackage("jsqr", "1.4.0", ("dist/jsQR.js",)),)

MIT_LICENCE = """\
Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""
HEADER_LICENCES = {"MIT": MIT_LICENCE}


def main() -> None:
    if shutil.which("npm") is None:
        sys.exit("npm is needed to fetch the vendored packages")
    for directory, packages in (
        (VENDOR_DIRECTORY, PACKAGES),
        (TEST_VENDOR_DIRECTORY, TEST_PACKAGES),
    ):
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch)
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
            rows = []
            for package in packages:
                rows.extend(vendor(package, work, directory))
            write_manifest(rows, directory)
        print(f"vendored {len(packages)} packages into {directory}")


def vendor(
    package: VendoredPackage, work: Path, directory: Path
) -> list[tuple[str, str, str, str]]:
    """Copies the package's files and licence; (file, package@version, source path, sha256)."""
    packed = _npm(["pack", "--json", f"{package.name}@{package.version}"], work)
    tarball = work / json.loads(packed)[0]["filename"]
    unpacked = work / package.folder
    with tarfile.open(tarball) as archive:
        archive.extractall(unpacked, filter="data")
    source = unpacked / "package"
    target = directory / package.folder
    target.mkdir()
    copied = [*package.files, *_licence_files(source)]
    if package.licence_in_header is not None:
        licence = target / "LICENSE"
        licence.write_text(_header_licence(package, source / package.files[0]))
        rows_of_licence = [(f"{package.folder}/LICENSE", "(generated)", "", _sha256(licence))]
    else:
        rows_of_licence = []
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
    return rows + rows_of_licence


def _header_licence(package: VendoredPackage, first_file: Path) -> str:
    """The file's head comment (its copyright and licence notice), then the licence named."""
    header = []
    for line in first_file.read_text().splitlines():
        if not line.startswith("//"):
            break
        header.append(line.removeprefix("//").removeprefix(" "))
    assert package.licence_in_header is not None
    return (
        f"The licence of {package.name}@{package.version} as its {package.files[0]} states it"
        " (the package ships no licence file):\n\n"
        + "\n".join(header).strip("-\n ")
        + "\n\n"
        + HEADER_LICENCES[package.licence_in_header]
    )


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


def write_manifest(rows: list[tuple[str, str, str, str]], directory: Path) -> None:
    purpose = (
        [
            "Served by wallet-tracker itself under `/static/vendor/`, so that the dashboard and",
            "GraphiQL work with no internet. Copied byte for byte from the npm registry by",
        ]
        if directory == VENDOR_DIRECTORY
        else [
            "Used by the browser tests only, never served. Copied byte for byte from the npm"
            " registry by",
        ]
    )
    lines = [
        "# Vendored browser bundles",
        "",
        *purpose,
        "`python -m web.vendor` (change the pinned versions there, run it, commit the result);",
        "`tests/web` checks the hashes below.",
        "",
        "| file | from | path in the package | sha256 |",
        "|---|---|---|---|",
        *(f"| {file} | {origin} | {path} | {digest} |" for file, origin, path, digest in rows),
        "",
    ]
    (directory / "VENDORED.md").write_text("\n".join(lines))


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
