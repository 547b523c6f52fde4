"""Browser-test fixtures: a syncing server on SQLite, headless Debian Chromium, screenshots."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    WebSocket,
    expect,
    sync_playwright,
)

from tests.conftest import LiveServer, StartServer, started_servers, syncing_settings
from tools.processes import PROJECT_ROOT
from tools.simulator.testing import RunningSimulator
from workers.redis_server import RedisServer

# Debian's Chromium (`make test` installs it); Playwright never downloads a browser here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "web"
# Syncs run in a background worker; on a busy CI machine they may take a while.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium package."
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class PageWatch:
    """What a page did that a test must not miss: requests elsewhere, script errors."""

    def __init__(self, page: Page) -> None:
        self.requested: list[str] = []
        self.sent_frames: list[str] = []
        self.script_errors: list[str] = []
        self.policy_violations: list[str] = []
        page.on("request", self._request)
        page.on("websocket", self._websocket)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("console", self._console)

    def _request(self, request: Request) -> None:
        self.requested.append(request.url)

    def _websocket(self, socket: WebSocket) -> None:
        self.requested.append(socket.url)
        socket.on("framesent", lambda payload: self.sent_frames.append(str(payload)))

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.policy_violations.append(message.text)

    def outside(self, base_url: str) -> list[str]:
        """Requests to anywhere but the server (data: URLs are the page's own)."""
        origins = (base_url + "/", base_url.replace("http://", "ws://") + "/", "data:")
        return [url for url in self.requested if not url.startswith(origins)]


WATCH = pytest.StashKey["PageWatch"]()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context at desktop size; no uncaught script error, no CSP violation."""
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    opened = context.new_page()
    watch = request.node.stash[WATCH] = PageWatch(opened)
    yield opened
    context.close()
    assert watch.script_errors == [], "uncaught errors in the page"
    assert watch.policy_violations == [], "the page broke its Content Security Policy"


@pytest.fixture
def watch(page: Page, request: pytest.FixtureRequest) -> PageWatch:
    watching: PageWatch = request.node.stash[WATCH]
    return watching


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Saves a screenshot under test-artifacts/web/ (kept by CI, ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=full_page)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite database: the browser tests run on one backend only."""
    path = tmp_path / "wallet-tracker.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def start_server(
    sqlite_url: str, redis_server: RedisServer, simulator: RunningSimulator, tmp_path: Path
) -> Iterator[StartServer]:
    """Starts a server whose worker syncs from the simulator; stopped after the test."""
    settings = partial(syncing_settings, sqlite_url, redis_server, simulator)
    with started_servers(settings, tmp_path) as start:
        yield start


@pytest.fixture
def web_server(start_server: StartServer) -> LiveServer:
    # A few pages a second, so a browser sees a sync move; still done in about a second.
    return start_server(blockchair_rate_limit=20.0)


def btc(satoshi: int, *, signed: bool = False) -> str:
    """An amount as the dashboard shows it: "1,234.56789012 BTC", "-0.00042000 BTC"."""
    sign = "-" if satoshi < 0 else "+" if signed and satoshi > 0 else ""
    whole, fraction = divmod(abs(satoshi), 100_000_000)
    return f"{sign}{whole:,}.{fraction:08d} BTC"
