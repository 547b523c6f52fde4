"""The pages' HTTP side: every asset is served from here, vendored files are what they claim."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx
import pytest

from tests.conftest import LiveServer, make_settings
from web.pages import STATIC_DIRECTORY
from web.vendor import TEST_VENDOR_DIRECTORY
from workers.redis_server import RedisServer

HTML = {"Accept": "text/html"}
VENDOR = STATIC_DIRECTORY / "vendor"
CONTENT_TYPES = {
    ".js": ("text/javascript", "application/javascript"),
    ".mjs": ("text/javascript", "application/javascript"),
    ".css": ("text/css",),
    ".svg": ("image/svg+xml",),
}
# `import ... from "./x.js"` in the dashboard's and GraphiQL's own modules.
MODULE_IMPORT = re.compile(r"""^import\s[^;]*?from\s+"(\.[^"]+)";""", re.MULTILINE)


@pytest.fixture
def server(sqlite_url: str, redis_server: RedisServer, tmp_path: Path) -> Iterator[LiveServer]:
    started = LiveServer(make_settings(sqlite_url, redis_server, tmp_path / "var"))
    started.start()
    yield started
    started.stop()


class References(HTMLParser):
    """Every src and href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls.extend(value for name, value in attrs if name in ("src", "href") and value)


def referenced_assets(base_url: str, page_url: str, html: str) -> list[str]:
    """The page's assets, and the JavaScript modules those import, as absolute URLs."""
    parser = References()
    parser.feed(html)
    pending = [urljoin(page_url, url) for url in parser.urls if not url.startswith("#")]
    assets: list[str] = []
    while pending:
        url = pending.pop()
        if url in assets:
            continue
        assets.append(url)
        if url.startswith(base_url + "/static/js/"):
            source = httpx.get(url).text
            pending.extend(urljoin(url, module) for module in MODULE_IMPORT.findall(source))
    return sorted(assets)


@pytest.mark.parametrize(("path", "headers"), [("/graphql", HTML), ("/", {})])
def test_pages_load_everything_from_this_server(
    server: LiveServer, path: str, headers: dict[str, str]
) -> None:
    page = httpx.get(server.base_url + path, headers=headers)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://", page.text), "the page names another site"
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy

    assets = referenced_assets(server.base_url, server.base_url + path, page.text)
    assert len(assets) >= 4
    for url in assets:
        assert urlparse(url).netloc == urlparse(server.base_url).netloc, url
        if url.rstrip("/") in (server.base_url, server.base_url + "/graphql"):
            continue  # the pages link to each other
        asset = httpx.get(url)
        assert asset.status_code == 200, url
        suffix = Path(urlparse(url).path).suffix
        assert asset.headers["content-type"].startswith(CONTENT_TYPES[suffix]), url


def test_graphiql_uses_the_vendored_bundles(server: LiveServer) -> None:
    page = httpx.get(server.base_url + "/graphql", headers=HTML).text
    for bundle in (
        "/static/vendor/react-18.3.1/react.production.min.js",
        "/static/vendor/react-dom-18.3.1/react-dom.production.min.js",
        "/static/vendor/graphiql-4.1.2/graphiql.min.js",
        "/static/vendor/graphiql-4.1.2/graphiql.min.css",
    ):
        assert bundle in page


def test_ui_config_tells_the_pages_how_to_authenticate(
    sqlite_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    for auth in ("off", "token"):
        server = LiveServer(
            make_settings(sqlite_url, redis_server, tmp_path / auth, auth=auth, graphiql=False)
        )
        server.start()
        try:
            config = httpx.get(server.base_url + "/ui-config.json")
            graphiql = httpx.get(server.base_url + "/graphql", headers=HTML)
            dashboard = httpx.get(server.base_url + "/")
        finally:
            server.stop()
        assert config.json() == {"auth": auth, "graphiql": False}
        assert graphiql.status_code == 404
        assert dashboard.status_code == 200


def test_pages_and_assets_are_not_rate_limited(
    sqlite_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    settings = make_settings(
        sqlite_url, redis_server, tmp_path, rate_limit_per_minute=1, rate_limit_burst=2
    )
    server = LiveServer(settings)
    server.start()
    try:
        statuses = {
            httpx.get(server.base_url + path).status_code
            for path in ["/", "/ui-config.json", "/static/style.css", "/static/js/dashboard.js"] * 5
        }
    finally:
        server.stop()
    assert statuses == {200}


# What the server serves, and what only the browser tests use.
VENDOR_DIRECTORIES = pytest.mark.parametrize(
    "vendor", [VENDOR, TEST_VENDOR_DIRECTORY], ids=["served", "tests-only"]
)


def vendored_manifest(vendor: Path) -> dict[str, str]:
    """file -> sha256, from the table in VENDORED.md."""
    rows = re.findall(
        r"^\| (\S+) \| [^|]+ \|[^|]*\| ([0-9a-f]{64}) \|$",
        (vendor / "VENDORED.md").read_text(),
        re.MULTILINE,
    )
    return dict(rows)


@VENDOR_DIRECTORIES
def test_vendored_files_are_the_ones_the_manifest_lists(vendor: Path) -> None:
    manifest = vendored_manifest(vendor)
    on_disk = {
        path.relative_to(vendor).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in vendor.rglob("*")
        if path.is_file() and path.name != "VENDORED.md"
    }
    assert on_disk == manifest


@VENDOR_DIRECTORIES
def test_every_vendored_package_comes_with_its_licence(vendor: Path) -> None:
    for package in (path for path in vendor.iterdir() if path.is_dir()):
        licences = [path for path in package.iterdir() if path.name.upper().startswith("LICENSE")]
        assert licences, f"{package.name} has no licence file"
