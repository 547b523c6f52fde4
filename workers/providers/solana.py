"""Solana JSON-RPC (api.mainnet-beta.solana.com or any node): signatures newest first, each
transaction's lamport change for one address, balances; every method under its own rate limit.

Error codes and what they mean here (PROVIDERS.md "Solana", agave `custom_error.rs`):
429 (HTTP or in the body) is rate limited, with `Retry-After`; -32005 node behind, -32014 block
status not yet available, -32016 minimum context slot, -32019 long-term storage, 5xx and
malformed bodies are transient (retried, then the next RPC URL); 403, 410 and -32011 (no
history on this node) block this node (the next URL is tried); -32015 needs a higher
SOLANA_MAX_TRANSACTION_VERSION. -32007 and -32009 are slot errors of `getBlock`; should one
answer our calls it is taken as transient too, since skipping a listed signature would lose
its amount silently."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from workers.errors import SettingRejectedError
from workers.providers.base import (
    AddressRejectedError,
    BlockedError,
    ProviderTransaction,
    RateLimitedError,
    TransientError,
)
from workers.providers.http import ProviderHttp

NAME = "solana"
GET_SIGNATURES = "getSignaturesForAddress"
GET_TRANSACTION = "getTransaction"
GET_BALANCE = "getBalance"
# Every method a sync calls; each has its own rate limit (the public endpoint counts per method).
METHODS = (GET_SIGNATURES, GET_TRANSACTION, GET_BALANCE)
MAX_SIGNATURES_PER_PAGE = 1_000
COMMITMENT = "finalized"

BLOCKING_STATUSES = frozenset({403, 410})
NODE_WITHOUT_HISTORY = -32011
UNSUPPORTED_VERSION = -32015
RATE_LIMITED_CODE = 429
INVALID_PARAMS = -32602


def rpc_url_names(count: int) -> list[str]:
    """The provider name of each of SOLANA_RPC_URLS in order: `solana`, `solana-2`, …"""
    return [NAME if number == 1 else f"{NAME}-{number}" for number in range(1, count + 1)]


def method_limit(provider: str, method: str) -> str:
    """The name of one RPC URL's rate limit for one method."""
    return f"{provider}:{method}"


@dataclass(frozen=True, slots=True)
class SignatureEntry:
    """One line of `getSignaturesForAddress`."""

    signature: str
    slot: int


@dataclass(frozen=True, slots=True)
class Balance:
    lamports: int
    slot: int
    """The finalized slot the balance is as of."""


class SolanaRpcProvider:
    """One RPC URL. `max_transaction_version` is sent as `maxSupportedTransactionVersion`."""

    def __init__(
        self,
        http: ProviderHttp,
        *,
        name: str,
        url: str,
        max_transaction_version: int,
        concurrent_requests: int = 4,
    ) -> None:
        self.http = http
        # How many getTransaction calls a sync keeps in flight (the rate limit paces them).
        self.concurrent_requests = concurrent_requests
        self.name = name
        # Posted to as given: a client's base URL would gain a trailing slash.
        self.url = url
        self.max_transaction_version = max_transaction_version
        self._ids = itertools.count(1)

    async def signatures(
        self, address: str, *, before: str | None, until: str | None, limit: int
    ) -> list[SignatureEntry]:
        """Newest first, strictly between `before` and `until` (both exclusive)."""
        config: dict[str, Any] = {"limit": limit, "commitment": COMMITMENT}
        if before is not None:
            config["before"] = before
        if until is not None:
            config["until"] = until
        what = f"signatures of {address} before {before or 'the newest'}"
        result = await self._call(GET_SIGNATURES, [address, config], what=what)
        if not isinstance(result, list):
            raise TransientError(self.name, f"{what}: expected a list")
        try:
            return [SignatureEntry(str(item["signature"]), int(item["slot"])) for item in result]
        except (KeyError, TypeError, ValueError) as error:
            raise TransientError(self.name, f"{what}: malformed entry: {error!r}") from error

    async def transaction(self, signature: str, address: str) -> ProviderTransaction:
        """The transaction as `address` saw it; a listed signature it cannot find is transient
        (the node may not have it yet, or lost it): never a silent 0."""
        what = f"transaction {signature}"
        config = {
            "encoding": "json",
            "commitment": COMMITMENT,
            "maxSupportedTransactionVersion": self.max_transaction_version,
        }
        result = await self._call(GET_TRANSACTION, [signature, config], what=what, listed=True)
        try:
            return address_view(result, signature, address)
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise TransientError(self.name, f"malformed {what}: {error!r}") from error

    async def balance(self, address: str) -> Balance:
        what = f"balance of {address}"
        result = await self._call(GET_BALANCE, [address, {"commitment": COMMITMENT}], what=what)
        try:
            return Balance(int(result["value"]), int(result["context"]["slot"]))
        except (KeyError, TypeError, ValueError) as error:
            raise TransientError(self.name, f"malformed {what}: {error!r}") from error

    async def _call(
        self, method: str, params: list[Any], *, what: str, listed: bool = False
    ) -> Any:
        """`listed`: the thing asked for was listed, so a null result is a missing answer
        (retried like any transient failure), not an empty one."""

        async def request(client: httpx.AsyncClient) -> Any:
            body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
            response = await client.post(self.url, content=orjson.dumps(body), headers=_JSON)
            result = _result(response, self.name, method, what)
            if result is None and listed:
                raise TransientError(self.name, f"{what} not found ({method} answered null)")
            return result

        return await self.http.call(request, what=what, limit=method_limit(self.name, method))


_JSON = {"Content-Type": "application/json"}


def _result(response: httpx.Response, name: str, method: str, what: str) -> Any:
    """The JSON-RPC result, or the error its status or code stands for."""
    status = response.status_code
    text = response.text[:200].strip()
    if status == 429:
        raise RateLimitedError(
            name, f"{what}: HTTP 429 {text!r}", retry_after=_retry_after(response)
        )
    if status in BLOCKING_STATUSES:
        raise BlockedError(name, f"{what}: HTTP {status} {text!r}")
    if status != 200:
        raise TransientError(name, f"{what}: HTTP {status} {text!r}")
    try:
        body = orjson.loads(response.content)
    except ValueError:
        raise TransientError(name, f"{what}: body is not JSON") from None
    if not isinstance(body, dict):
        raise TransientError(name, f"{what}: expected a JSON-RPC object")
    error = body.get("error")
    if error is None:
        if "result" not in body:
            raise TransientError(name, f"{what}: neither result nor error")
        return body["result"]
    code = error.get("code") if isinstance(error, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    detail = f"{what}: {method} error {code} {str(message)[:200]!r}"
    if code == RATE_LIMITED_CODE:
        raise RateLimitedError(name, detail, retry_after=_retry_after(response))
    if code in BLOCKING_STATUSES or code == NODE_WITHOUT_HISTORY:
        raise BlockedError(name, detail)
    if code == UNSUPPORTED_VERSION:
        raise SettingRejectedError(
            name,
            f"{detail}; raise SOLANA_MAX_TRANSACTION_VERSION (now sent as "
            "maxSupportedTransactionVersion) to the version this transaction has",
        )
    if code == INVALID_PARAMS and method != GET_TRANSACTION and "param" in str(message).lower():
        raise AddressRejectedError(name, detail)
    raise TransientError(name, detail)


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a `Retry-After: N` header; None when absent or a date (backoff applies)."""
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


def address_view(result: dict[str, Any], signature: str, address: str) -> ProviderTransaction:
    """`postBalances[i] - preBalances[i]` at the address's index among the account keys, then
    the loaded writable and read-only addresses (0 when absent: the fee payer's change already
    holds the fee). `fee` is set for the fee payer (`accountKeys[0]`) only."""
    meta = result["meta"]
    message = result["transaction"]["message"]
    keys = [_key(key) for key in message["accountKeys"]]
    loaded = meta.get("loadedAddresses") or {}
    accounts = [*keys, *loaded.get("writable", ()), *loaded.get("readonly", ())]
    pre, post = meta["preBalances"], meta["postBalances"]
    if not len(accounts) == len(pre) == len(post):
        raise ValueError(
            f"{len(accounts)} accounts but {len(pre)} pre- and {len(post)} post-balances"
        )
    amount = sum(
        int(post[index]) - int(pre[index])
        for index, account in enumerate(accounts)
        if account == address
    )
    block_time = result.get("blockTime")
    return ProviderTransaction(
        txid=signature,
        block_height=int(result["slot"]),
        time=datetime.fromtimestamp(int(block_time), UTC) if block_time is not None else None,
        amount_sat=amount,
        fee=int(meta["fee"]) if keys and keys[0] == address else None,
        failed=meta.get("err") is not None,
    )


def _key(key: Any) -> str:
    # `jsonParsed` encodings give {"pubkey": …}; `json` gives the key itself.
    return str(key["pubkey"]) if isinstance(key, dict) else str(key)
