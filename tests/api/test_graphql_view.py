"""The GraphQL endpoint at /graphql as HTTP clients meet it."""

from __future__ import annotations

import httpx

from tests.conftest import LiveServer


def test_graphiql_opens_at_graphql_in_a_browser(live_server: LiveServer) -> None:
    page = httpx.get(f"{live_server.base_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
