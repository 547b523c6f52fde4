"""Routes of the browser pages: the dashboard, its static files, and the GraphiQL page.

Everything a page loads is served from here (no CDN), so both work with no internet.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from settings import Settings

WEB_DIRECTORY = Path(__file__).resolve().parent
STATIC_DIRECTORY = WEB_DIRECTORY / "static"
# Pages may load only what this server serves; GraphiQL sets inline styles and inlines its fonts.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class StaticAssets(StaticFiles):
    """Static files a browser revalidates (cheaply, by ETag) so an upgrade is seen at once."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def web_routes(settings: Settings) -> list[BaseRoute]:
    """`/` (the dashboard), `/ui-config.json` (what the pages need to know) and `/static`."""

    async def ui_config(request: Request) -> Response:
        return JSONResponse(
            {"auth": settings.auth, "graphiql": settings.graphiql},
            headers={"Cache-Control": "no-store"},
        )

    return [
        Route("/", dashboard_page, methods=["GET"]),
        Route("/ui-config.json", ui_config, methods=["GET"]),
        Mount("/static", app=StaticAssets(directory=STATIC_DIRECTORY), name="static"),
    ]


async def dashboard_page(request: Request) -> Response:
    return page_response("index.html")


def graphiql_page() -> Response:
    return page_response("graphiql.html")


def page_response(name: str) -> Response:
    return HTMLResponse(_page_html(name), headers=PAGE_HEADERS)


@lru_cache(maxsize=4)
def _page_html(name: str) -> str:
    return (WEB_DIRECTORY / name).read_text(encoding="utf-8")
