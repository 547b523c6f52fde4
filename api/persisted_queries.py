"""Automatic persisted queries as Apollo defines them: a client sends
`extensions.persistedQuery: {version: 1, sha256Hash}` without the query; an unknown hash answers
PERSISTED_QUERY_NOT_FOUND, the client sends the query with its hash, and the query is kept in
Redis under that hash for `PERSISTED_QUERY_TTL` seconds."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from arq import ArqRedis

from api.errors import JSON_MEDIA_TYPE, BadRequest, HttpError
from api.graphql_requests import GraphQLParameters
from workers.constants import persisted_query_key

PERSISTED_QUERY_VERSION = 1
# Longer queries run but are not kept: a hash then always costs the client a round trip.
MAX_PERSISTED_QUERY_BYTES = 100_000
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# Apollo Server's messages and codes, which Apollo Client's persisted-query link reads.
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
HASH_MISMATCH_MESSAGE = "provided sha does not match query"
HASH_MISMATCH_CODE = "PERSISTED_QUERY_HASH_MISMATCH"
# A miss must not be cached by a proxy: the same GET answers with data once registered.
NOT_CACHEABLE = {"Cache-Control": "private, no-cache, must-revalidate"}


@dataclass(frozen=True)
class PersistedQuery:
    sha256_hash: str
    query: str
    # Sent with its text: kept once it has run (not for a query that does not even validate).
    to_register: bool


class PersistedQueryNotFound(HttpError):
    """Apollo's miss: a GraphQL error response. HTTP 200 in application/json (as Apollo Server
    answers, and its clients then resend the query); a client that accepts only
    application/graphql-response+json gets 404, since a response without `data` must not be
    2xx in that media type."""

    code = NOT_FOUND_CODE

    def __init__(self, *, accepts_json: bool, media_type: str) -> None:
        super().__init__(
            NOT_FOUND_MESSAGE,
            status=200 if accepts_json else 404,
            media_type=JSON_MEDIA_TYPE if accepts_json else media_type,
            headers=NOT_CACHEABLE,
        )


def query_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


async def resolve_persisted_query(
    redis: ArqRedis, parameters: GraphQLParameters, *, accepts_json: bool, media_type: str
) -> PersistedQuery | None:
    """The query a request runs by hash, or None when it uses no persisted query."""
    extensions = parameters.extensions or {}
    if "persistedQuery" not in extensions:
        return None
    requested = extensions["persistedQuery"]
    if not isinstance(requested, dict) or requested.get("version") != PERSISTED_QUERY_VERSION:
        raise BadRequest("Unsupported persisted query version")
    sha256_hash = requested.get("sha256Hash")
    if not isinstance(sha256_hash, str) or SHA256_HEX.fullmatch(sha256_hash) is None:
        raise BadRequest(
            "`extensions.persistedQuery.sha256Hash` must be the SHA-256 of the query:"
            " 64 lowercase hexadecimal characters."
        )
    if parameters.query is not None:
        if query_hash(parameters.query) != sha256_hash:
            raise BadRequest(HASH_MISMATCH_MESSAGE, code=HASH_MISMATCH_CODE)
        return PersistedQuery(sha256_hash, parameters.query, to_register=True)
    stored = await redis.get(persisted_query_key(sha256_hash))
    if stored is None:
        raise PersistedQueryNotFound(accepts_json=accepts_json, media_type=media_type)
    text = stored.decode() if isinstance(stored, bytes) else str(stored)
    return PersistedQuery(sha256_hash, text, to_register=False)


async def keep_persisted_query(
    redis: ArqRedis, persisted: PersistedQuery, *, ttl_seconds: int
) -> None:
    """Stores a registered query, or renews a used one, for `ttl_seconds`."""
    key = persisted_query_key(persisted.sha256_hash)
    if not persisted.to_register:
        await redis.expire(key, ttl_seconds)
    elif len(persisted.query.encode()) <= MAX_PERSISTED_QUERY_BYTES:
        await redis.set(key, persisted.query, ex=ttl_seconds)
