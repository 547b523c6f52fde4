"""A GraphQL-over-HTTP request read and checked: its parameters, the media type its answer
takes, and the one operation it runs (GraphQL's GetOperation)."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, parse
from starlette.datastructures import QueryParams
from starlette.requests import Request

from api.errors import (
    JSON_MEDIA_TYPE,
    BadRequest,
    HttpError,
    NotAcceptable,
    UnsupportedMediaType,
)
from schema.document_cache import cached_parse
from schema.protection import SCHEMA_PARSE_OPTIONS

GRAPHQL_RESPONSE_MEDIA_TYPE = "application/graphql-response+json"
# Best first: with equal preference a client that names both gets the GraphQL media type.
ANSWER_MEDIA_TYPES = (GRAPHQL_RESPONSE_MEDIA_TYPE, JSON_MEDIA_TYPE)
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
NOTHING_ACCEPTABLE = (
    "This endpoint answers in application/graphql-response+json or application/json;"
    " the request's Accept header allows neither."
)
MISSING_QUERY = (
    "GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension."
)
# One thread a process for parsing texts over the token limit: the event loop keeps serving
# while one parses (it takes the GIL back within the switch interval), and a flood of them
# queues here instead of taking a thread each.
OVERSIZED_PARSES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oversized-parse")


@dataclass(frozen=True)
class GraphQLParameters:
    """The request parameters of GraphQL over HTTP, each of the type the spec gives it."""

    query: str | None
    variables: dict[str, object] | None
    operation_name: str | None
    extensions: dict[str, object] | None


class RequestError(HttpError):
    """A GraphQL request error (nothing executes): a GraphQL response without `data`, HTTP 200
    in application/json and 400 in application/graphql-response+json, as the spec gives them."""

    def __init__(self, message: str, *, code: str, media_type: str) -> None:
        status = 400 if media_type == GRAPHQL_RESPONSE_MEDIA_TYPE else 200
        super().__init__(message, code=code, status=status, media_type=media_type)


def answer_media_type(accept: str | None) -> str:
    """The media type to answer in; no Accept header counts as application/json."""
    if accept is None or not accept.strip():
        return JSON_MEDIA_TYPE
    ranked = [(_preference(accept, media_type), media_type) for media_type in ANSWER_MEDIA_TYPES]
    # Sort by (quality, specificity); stable, so ties keep ANSWER_MEDIA_TYPES' order.
    best_preference, best = max(ranked, key=lambda item: item[0])
    if best_preference[0] <= 0:
        raise NotAcceptable(NOTHING_ACCEPTABLE)
    if best_preference[1] == 0:
        # Only a wildcard (`*/*`, `application/*`) matched: the established default.
        return JSON_MEDIA_TYPE
    return best


def accepts_json(accept: str | None) -> bool:
    """Whether the client takes application/json at all (no Accept header: yes)."""
    return accept is None or not accept.strip() or _preference(accept, JSON_MEDIA_TYPE)[0] > 0


def _preference(accept: str, media_type: str) -> tuple[float, int]:
    """(quality, specificity) of the most specific range in `accept` matching `media_type`."""
    kind, subtype = media_type.split("/")
    found: tuple[float, int] | None = None
    for media_range in accept.split(","):
        name, *parameters = (part.strip() for part in media_range.split(";"))
        range_kind, _, range_subtype = name.lower().partition("/")
        if (range_kind, range_subtype) == (kind, subtype):
            specificity = 1
        elif (range_kind, range_subtype) in ((kind, "*"), ("*", "*")):
            specificity = 0
        else:
            continue
        quality = _quality(parameters)
        if found is None or specificity > found[1]:
            found = (quality, specificity)
    return found or (0.0, 0)


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


async def read_parameters(request: Request) -> GraphQLParameters:
    """The parameters of a GET or HEAD (query string) or POST (JSON body) request, checked."""
    if request.method in ("GET", "HEAD"):
        return _parameters_from_query_string(request.query_params)
    content_type = request.headers.get("content-type")
    if content_type is None:
        raise UnsupportedMediaType(
            "Send the request body as JSON: `Content-Type: application/json`."
        )
    media_type, *parameters = (part.strip().lower() for part in content_type.split(";"))
    charsets = [p.partition("=")[2].strip('"') for p in parameters if p.startswith("charset=")]
    if media_type != JSON_MEDIA_TYPE or any(charset != "utf-8" for charset in charsets):
        raise UnsupportedMediaType(
            f"Unsupported Content-Type {content_type!r}: send application/json (UTF-8)."
        )
    body = await request.body()
    try:
        decoded = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest(f"The request body is not valid JSON: {error}.") from error
    if isinstance(decoded, list):
        raise BadRequest(
            "Batched operations are not supported: send one operation per request.",
            code="BATCHING_NOT_SUPPORTED",
        )
    if not isinstance(decoded, dict):
        raise BadRequest("The request body must be a JSON object with a `query`.")
    return _checked(decoded)


def _parameters_from_query_string(params: QueryParams) -> GraphQLParameters:
    values: dict[str, object] = {}
    for name in ("query", "operationName"):
        if params.get(name):
            values[name] = params[name]
    for name in ("variables", "extensions"):
        if params.get(name):
            try:
                values[name] = json.loads(params[name])
            except json.JSONDecodeError as error:
                raise BadRequest(f"The `{name}` parameter is not valid JSON: {error}.") from error
    return _checked(values)


def _checked(values: dict[str, object]) -> GraphQLParameters:
    query = values.get("query")
    operation_name = values.get("operationName")
    variables = values.get("variables")
    extensions = values.get("extensions")
    for name, value, wanted, kind in (
        ("query", query, str, "a string"),
        ("operationName", operation_name, str, "a string"),
        ("variables", variables, dict, "an object"),
        ("extensions", extensions, dict, "an object"),
    ):
        if value is not None and not isinstance(value, wanted):
            raise BadRequest(f"The `{name}` parameter must be {kind} or null, if provided.")
    assert query is None or isinstance(query, str)
    assert operation_name is None or isinstance(operation_name, str)
    assert variables is None or isinstance(variables, dict)
    assert extensions is None or isinstance(extensions, dict)
    return GraphQLParameters(query, variables, operation_name, extensions)


async def read_document(query: str) -> DocumentNode | None:
    """The parsed document, or None when it does not parse (the schema reports that error).

    Parsed with the schema's own options through the schema's document cache, so that the
    schema finds the text already parsed. A text over the token limit is parsed without it,
    as before the cache: the view still picks its operation, the schema reports the limit.
    That parse runs in OVERSIZED_PARSES, one at a time, never on the event loop: parsing
    10,000 aliases takes 0.3-0.5 s of CPU, and on the loop each such request would stall
    every other client of the process for that long, a flood of them for good."""
    try:
        return cached_parse(query, SCHEMA_PARSE_OPTIONS)
    except GraphQLError:
        pass
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(OVERSIZED_PARSES, _parse_without_limit, query)


def _parse_without_limit(query: str) -> DocumentNode | None:
    try:
        return parse(query)
    except GraphQLError:
        return None


def select_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    """GraphQL's GetOperation: the operation named, or the only one; otherwise a request error
    (raised as `OperationNotDetermined`), so that nothing runs."""
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        if not operations:
            raise OperationNotDetermined("Must provide an operation.")
        raise OperationNotDetermined(
            "Must provide operation name if query contains multiple operations."
        )
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    raise OperationNotDetermined(f"Unknown operation named '{operation_name}'.")


class OperationNotDetermined(Exception):
    """The document does not say which operation to run (GetOperation's request error)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def graphql_error(self) -> GraphQLError:
        return GraphQLError(self.message, extensions={"code": OPERATION_RESOLUTION_FAILURE})

    def request_error(self, media_type: str) -> RequestError:
        return RequestError(self.message, code=OPERATION_RESOLUTION_FAILURE, media_type=media_type)
