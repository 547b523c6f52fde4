"""Accounts and tokens for tests of a server running with AUTH=token."""

from __future__ import annotations

import httpx

CREATE_ACCOUNT = """
mutation SignUp($name: String!) {
  createAccount(input: {name: $name}) { account { name } token errors { code field message } }
}
"""


def sign_up(base_url: str, name: str) -> str:
    """Creates an account through the open sign-up and returns its first token."""
    response = httpx.post(
        f"{base_url}/graphql", json={"query": CREATE_ACCOUNT, "variables": {"name": name}}
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["createAccount"]
    assert payload["errors"] == [], payload
    token: str = payload["token"]
    return token
