"""A small GraphQL-over-HTTP client for tests, speaking to a running server."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx

ADD_WALLET = """
mutation AddWallet($address: String!, $label: String) {
  addWallet(input: {address: $address, label: $label}) {
    wallet { id address label }
    job { id status }
    errors { code field message }
  }
}
"""


class GraphQLClient:
    def __init__(self, base_url: str, *, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        self.http = httpx.Client(base_url=base_url, timeout=30, headers=headers)

    def __enter__(self) -> GraphQLClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.http.close()

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole response body (`data` and `errors`) of one operation."""
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        # Strawberry answers 200 for execution errors and 400 for unparsable or invalid queries.
        assert response.status_code in (200, 400), response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`data` of an operation that must succeed without top-level errors."""
        body = self.execute(query, variables)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result

    def add_wallet(self, address: str, label: str | None = None) -> dict[str, Any]:
        """The `addWallet` payload: wallet, job and errors."""
        payload: dict[str, Any] = self.data(ADD_WALLET, {"address": address, "label": label})[
            "addWallet"
        ]
        return payload

    def error_messages(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        body = self.execute(query, variables)
        assert body.get("errors"), f"expected errors, got {body}"
        return [error["message"] for error in body["errors"]]
