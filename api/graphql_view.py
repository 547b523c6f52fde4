"""The GraphQL endpoint: GraphQL over HTTP and graphql-transport-ws, with authentication,
sign-up rules, persisted queries and per-client limits."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing, suppress
from dataclasses import dataclass
from typing import Any, TypeAlias

from cross_web import StarletteRequestAdapter
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.http.typevars import RootValue
from strawberry.schema.schema import StreamResult
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    NextMessagePayload,
    SubscribeMessage,
)
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType as StrawberryOperationType
from strawberry.types.unset import UNSET, UnsetType

from api.access import optional_viewer, token_viewer
from api.client_limits import bearer_from_value, bearer_token, client_key, token_key
from api.errors import (
    BadRequest,
    MethodNotAllowed,
    NotFound,
    TooManyRequests,
    Unauthenticated,
)
from api.graphql_requests import (
    GRAPHQL_RESPONSE_MEDIA_TYPE,
    MISSING_QUERY,
    OperationNotDetermined,
    accepts_json,
    answer_media_type,
    read_document,
    read_parameters,
    select_operation,
)
from api.json_encoding import encode_response
from api.persisted_queries import keep_persisted_query, resolve_persisted_query
from api.runtime import runtime_of
from resolvers.tokens import authenticate
from schema.context import Context
from settings import Settings
from web.pages import graphiql_page

# The only root fields an anonymous request may ask for, and only when sign-up is open.
SIGN_UP_FIELDS = frozenset({"createAccount", "__typename"})
# Operations open at once on one websocket; each new one also counts against the client's limit.
MAX_OPERATIONS_PER_SOCKET = 100
# What `on_ws_connect` returns to send a plain `connection_ack`.
PLAIN_ACK: UnsetType = UNSET
# HEAD is a GET without the body, as Starlette's route (and its `Allow`) has it.
HTTP_METHODS = ("GET", "POST", "HEAD")
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
# What each method may run once `admit` has refused the rest (subscriptions need a socket).
ALLOWED_OPERATIONS = {
    "GET": {StrawberryOperationType.QUERY},
    "HEAD": {StrawberryOperationType.QUERY},
    "POST": {StrawberryOperationType.QUERY, StrawberryOperationType.MUTATION},
}


# The account, the document, the operation name and the variables (as sorted JSON).
ShareKey: TypeAlias = tuple[int, str, str | None, str]

SUBSCRIPTIONS_NEED_A_SOCKET = (
    "Subscriptions run over a websocket at /graphql (protocol graphql-transport-ws);"
    " plain HTTP serves queries and mutations."
)


@dataclass
class ApiContext(Context):
    """The resolvers' context, plus what only the HTTP edge reads: the client's rate limit."""

    # Who the request counts against for rate limits: `token:<hash>` or `ip:<address>`.
    client: str = ""


class WalletTrackerGraphQL(GraphQL[ApiContext, None]):
    """Strawberry's view for websockets and GraphiQL; over plain HTTP, GraphQL over HTTP as its
    spec says (content negotiation, GetOperation, status codes), persisted queries, and every
    refusal raised as an `HttpError` (Strawberry would answer text/plain)."""

    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.graphql_transport_ws_handler_class = AuthenticatingTransportWsHandler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        response = await self.answer(Request(scope, receive))
        await response(scope, receive, send)

    async def answer(self, request: Request) -> Response:
        """One GraphQL-over-HTTP request, answered; refusals are raised as `HttpError`s."""
        if request.method not in HTTP_METHODS:
            raise MethodNotAllowed(
                "GraphQL over HTTP takes GET and POST.", allow=", ".join(HTTP_METHODS)
            )
        if self.should_render_graphql_ide(StarletteRequestAdapter(request)):
            if self.graphql_ide is None:
                raise NotFound("Not Found")  # GRAPHIQL=false: as if there were no page
            return await self.render_graphql_ide(request)
        accept = request.headers.get("accept")
        media_type = answer_media_type(accept)
        parameters = await read_parameters(request)
        runtime = runtime_of(request)
        persisted = await resolve_persisted_query(
            runtime.redis, parameters, accepts_json=accepts_json(accept), media_type=media_type
        )
        query = persisted.query if persisted is not None else parameters.query
        if not query:
            raise BadRequest(MISSING_QUERY)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        document = await read_document(query)
        operation = None
        if document is not None:
            try:
                operation = select_operation(document, parameters.operation_name)
            except OperationNotDetermined as error:
                raise error.request_error(media_type) from None
        self.admit(request, context, operation)
        result = await self.schema.execute(
            query,
            variable_values=parameters.variables,
            context_value=context,
            operation_name=parameters.operation_name,
            allowed_operation_types=ALLOWED_OPERATIONS[request.method],
            operation_extensions=parameters.extensions,
        )
        before_execution = errored_before_execution(result)
        if persisted is not None and not before_execution:
            await keep_persisted_query(
                runtime.redis, persisted, ttl_seconds=self.settings.persisted_query_ttl
            )
        body = await self.process_result(request, result)
        if before_execution:
            # GraphQL spec, Response: no `data` entry when the request errored before execution.
            body.pop("data", None)
        response = Response(
            encode_response(body),
            status_code=graphql_status(result, media_type, before_execution=before_execution),
            media_type=media_type,
        )
        response.headers.raw.extend(
            header for header in sub_response.headers.raw if header[0] != b"content-type"
        )
        return response

    def admit(
        self, request: Request, context: ApiContext, operation: OperationDefinitionNode | None
    ) -> None:
        """Who may run what, and over which method: refusals before anything runs."""
        if context.authenticated is None and not (
            self.settings.allow_signup and operation is not None and _signs_up(operation)
        ):
            raise Unauthenticated
        if operation is None:
            return
        if operation.operation == OperationType.SUBSCRIPTION:
            raise BadRequest(SUBSCRIPTIONS_NEED_A_SOCKET)
        if request.method in READ_ONLY_METHODS and operation.operation != OperationType.QUERY:
            raise MethodNotAllowed(
                f"GET requests only support query operations, not {operation.operation.value}"
                " operations: send it with POST.",
                allow="POST",
            )

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET by persisted-query hash has no `query` either, and clients send `Accept: */*`.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> ApiContext:
        runtime = runtime_of(request)
        context = ApiContext(
            request=request,
            response=response,
            sessions=runtime.sessions,
            authenticated=None,
            redis=runtime.redis,
            live=runtime.live,
            settings=self.settings,
            client=client_key(request.scope),
        )
        if self.settings.auth == "off":
            context.authenticated = runtime.local_viewer
        elif isinstance(request, Request):
            # Without a token only sign-up may run: `admit` decides, once parsed.
            context.authenticated = await optional_viewer(request)
        return context

    async def render_graphql_ide(self, request: Request) -> Response:
        # Strawberry's page loads GraphiQL from a CDN; ours serves every asset itself.
        return graphiql_page()

    async def on_ws_connect(self, context: ApiContext) -> UnsetType | dict[str, object] | None:
        if self.settings.auth == "off":
            return PLAIN_ACK
        token = socket_token(context)
        if token is None:
            raise Unauthenticated(
                'Authentication required: send {"Authorization": "Bearer <token>"}'
                " in the connection_init payload."
            )
        runtime = runtime_of(context.request)
        context.authenticated = await token_viewer(
            runtime.sessions, runtime.client_limiter, context.request, token
        )
        context.client = token_key(token)
        return PLAIN_ACK


def errored_before_execution(result: ExecutionResult) -> bool:
    """Whether the request errored before execution began: it did not parse or validate, or
    its variables did not coerce (graphql-core then returns no data and errors without a path;
    every error of an executed field has one)."""
    if isinstance(result, PreExecutionError):
        return True
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


def graphql_status(result: ExecutionResult, media_type: str, *, before_execution: bool) -> int:
    """GraphQL over HTTP: application/json is 200 for any GraphQL response; in
    application/graphql-response+json a response without `data` is 4xx, or 5xx when the
    server is at fault."""
    if media_type != GRAPHQL_RESPONSE_MEDIA_TYPE or not before_execution:
        return 200
    codes = {(error.extensions or {}).get("code") for error in result.errors or ()}
    return 500 if "INTERNAL_SERVER_ERROR" in codes else 400


class AuthenticatingTransportWsHandler(BaseGraphQLTransportWSHandler[ApiContext, RootValue]):
    """graphql-transport-ws with the token checked on `connection_init` (close 4401 when it
    fails) and again, with the rate limit, on every `subscribe`."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except Unauthenticated as error:
            await self.websocket.close(code=4401, reason=_close_reason(f"Unauthorized: {error}"))
        except TooManyRequests as error:
            await self.websocket.close(code=4429, reason=_close_reason(str(error)))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Operation id -> what makes it the same as another subscriber's subscription, for the
        # subscriptions that may share one stream (`run_operation` takes it).
        self._share_keys: dict[str, ShareKey] = {}

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged:
            context = self.context
            refusal = await runtime_of(context.request).client_limiter.admit(context.client)
            if refusal is not None:
                error = GraphQLError(refusal.message, extensions={"code": "RATE_LIMITED"})
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [error.formatted]}
                )
                return
            if not await self._still_authenticated():
                await self.websocket.close(code=4401, reason="Unauthorized: token revoked")
                return
            payload = message["payload"]
            document = await read_document(str(payload.get("query")))
            if document is not None:
                try:
                    operation = select_operation(document, payload.get("operationName"))
                except OperationNotDetermined as error:
                    await self.send_message(
                        {
                            "id": message["id"],
                            "type": "error",
                            "payload": [error.graphql_error().formatted],
                        }
                    )
                    return
                key = share_key(context, operation, payload)
                if key is not None and message["id"] not in self.operations:
                    self._share_keys[message["id"]] = key
        await super().handle_subscribe(message)
        if message["id"] not in self.operations:
            self._share_keys.pop(message["id"], None)  # refused: no operation will take it

    async def run_operation(self, operation: Operation[ApiContext, RootValue]) -> None:
        key = self._share_keys.pop(operation.id, None)
        if key is None:
            await super().run_operation(operation)
            return
        try:
            await self._run_shareable(operation, key)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except _OperationStreamClosed:
            return
        except Exception as error:
            # As Strawberry's own `run_operation` does.
            await self.handle_task_exception(error)
            with suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise

    async def _run_shareable(
        self, operation: Operation[ApiContext, RootValue], key: ShareKey
    ) -> None:
        """A subscription whose first result is executed for this subscriber alone (it
        authorises the subscriber and is its snapshot), then, as soon as it may, rides the
        shared stream of the same subscription, or starts it for the next subscribers."""
        shared = runtime_of(self.context.request).live.shared_subscriptions
        results = await self.schema.stream(
            operation.query,
            variable_values=operation.variables,
            context_value=self.context,
            root_value=self.root_value,
            operation_name=operation.operation_name,
        )
        rider = None
        stream = None
        # `results` closed here, or handed to the shared stream, which closes it.
        closed = handed_over = False
        try:
            is_first_result = True
            async for result in results:
                if is_first_result and isinstance(result, PreExecutionError):
                    await self._handle_pre_execution_error(operation, result)
                    return
                if not isinstance(result, ExecutionResult):
                    await self._reject_incremental_delivery(operation)
                    return
                is_first_result = False
                payload = self.view.encode_json_string(next_payload(result))
                # Seated before its own payload is sent: whatever the stream sends meanwhile
                # waits in the seat, and follows.
                if not result.errors:  # errors are this subscriber's own; nobody rides on them
                    stream = shared.find(key)
                    if stream is None:
                        stream = shared.start(key, self._payloads(results), latest=payload)
                        handed_over = True
                        rider = stream.join()
                    elif stream.latest == payload:
                        # Everything the stream sends from here is newer than this payload.
                        rider = stream.join()
                if rider is not None:
                    if not handed_over:
                        closed = True
                        await results.aclose()  # its own listener, replaced by the seat
                    await self._send_next(operation, payload)
                    break
                await self._send_next(operation, payload)
            while rider is not None and (later := await rider.next_payload()) is not None:
                await self._send_next(operation, later)
        finally:
            if not (closed or handed_over):
                await results.aclose()
            if stream is not None and rider is not None:
                stream.leave(rider)

    async def _payloads(self, results: StreamResult) -> AsyncGenerator[str, None]:
        async with aclosing(results):
            async for result in results:
                assert isinstance(result, ExecutionResult)  # a subscription's later results
                yield self.view.encode_json_string(next_payload(result))

    async def _send_next(self, operation: Operation[ApiContext, RootValue], payload: str) -> None:
        """A `next` message: the serialized payload with this operation's id spliced in, the
        bytes Strawberry's `send_next` would send."""
        if operation.completed:
            return
        adapter = self.websocket
        assert isinstance(adapter, ASGIWebSocketAdapter)
        try:
            await adapter.ws.send_text(
                f'{{"id":{self.view.encode_json_string(operation.id)},"type":"next","payload":{payload}}}'
            )
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error

    async def _still_authenticated(self) -> bool:
        context = self.context
        if context.settings.auth == "off":
            return True
        token = socket_token(context)
        return token is not None and await authenticate(context.sessions, token) is not None


def share_key(
    context: ApiContext, operation: OperationDefinitionNode, payload: Mapping[str, Any]
) -> ShareKey | None:
    """What two subscriptions must have in common to share one stream: the account (every
    resolver reads only through it), the document, the operation and the variables. None for
    anything else than a subscription."""
    if operation.operation != OperationType.SUBSCRIPTION or context.authenticated is None:
        return None
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        return None
    try:
        variables = json.dumps(payload.get("variables"), sort_keys=True)
    except (TypeError, ValueError):
        return None
    query = str(payload.get("query"))
    return (context.authenticated.account_id, query, operation_name, variables)


def next_payload(result: ExecutionResult) -> NextMessagePayload:
    """A `next` message's payload, as Strawberry's `Operation.send_next` builds it."""
    payload: NextMessagePayload = {"data": result.data}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    return payload


def socket_token(context: ApiContext) -> str | None:
    """A websocket's token: from its `connection_init` payload, else its handshake headers."""
    for key, value in (context.connection_params or {}).items():
        if isinstance(key, str) and key.lower() == "authorization":
            return bearer_from_value(value)
    return bearer_token(context.request.headers)


def _signs_up(operation: OperationDefinitionNode) -> bool:
    return operation.operation == OperationType.MUTATION and all(
        isinstance(selection, FieldNode) and selection.name.value in SIGN_UP_FIELDS
        for selection in operation.selection_set.selections
    )


def _close_reason(text: str) -> str:
    # A close frame's reason is at most 123 bytes.
    return text.encode()[:123].decode(errors="ignore")
