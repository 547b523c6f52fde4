"""The GraphQL endpoint: Strawberry's ASGI view with authentication and per-client limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http.typevars import RootValue
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)
from strawberry.types.unset import UNSET, UnsetType

from api.access import optional_viewer, token_viewer
from api.client_limits import bearer_from_value, bearer_token, client_key, token_key
from api.errors import BadRequest, TooManyRequests, Unauthenticated
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
    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.graphql_transport_ws_handler_class = AuthenticatingTransportWsHandler

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
            # Without a token only sign-up may run: `execute_operation` decides, once parsed.
            context.authenticated = await optional_viewer(request)
        return context

    async def render_graphql_ide(self, request: Request) -> Response:
        # Strawberry's page loads GraphiQL from a CDN; ours serves every asset itself.
        return graphiql_page()

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        # Refusals raised here propagate out of Strawberry's view to the app's error handlers.
        context: ApiContext = kwargs["context"]
        if context.authenticated is None and not (
            self.settings.allow_signup and only_signs_up(kwargs["request_data"])
        ):
            raise Unauthenticated
        if subscribes_over_plain_http(kwargs["request_data"]):
            raise BadRequest(SUBSCRIPTIONS_NEED_A_SOCKET)
        return await super().execute_operation(*args, **kwargs)

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
        await super().handle_subscribe(message)

    async def _still_authenticated(self) -> bool:
        context = self.context
        if context.settings.auth == "off":
            return True
        token = socket_token(context)
        return token is not None and await authenticate(context.sessions, token) is not None


def socket_token(context: ApiContext) -> str | None:
    """A websocket's token: from its `connection_init` payload, else its handshake headers."""
    for key, value in (context.connection_params or {}).items():
        if isinstance(key, str) and key.lower() == "authorization":
            return bearer_from_value(value)
    return bearer_token(context.request.headers)


def only_signs_up(request_data: object) -> bool:
    """Whether a request only creates an account (the one thing anonymous callers may do)."""
    if isinstance(request_data, list):
        return bool(request_data) and all(only_signs_up(item) for item in request_data)
    operation = _selected_operation(request_data)
    return operation is not None and _signs_up(operation)


def subscribes_over_plain_http(request_data: object) -> bool:
    """Whether a plain (not streaming) HTTP request asks for a subscription."""
    if isinstance(request_data, list):
        return any(subscribes_over_plain_http(item) for item in request_data)
    query = getattr(request_data, "query", None)
    if getattr(request_data, "protocol", "http") != "http" or "subscription" not in str(query):
        return False
    operation = _selected_operation(request_data)
    return operation is not None and operation.operation == OperationType.SUBSCRIPTION


def _selected_operation(request_data: object) -> OperationDefinitionNode | None:
    """The operation a request runs: the one named, or the only one; None when unclear."""
    query = getattr(request_data, "query", None)
    if not isinstance(query, str):
        return None
    try:
        document = parse(query)
    except GraphQLError:
        return None
    wanted = getattr(request_data, "operation_name", None)
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
        and (wanted is None or (definition.name and definition.name.value == wanted))
    ]
    return operations[0] if len(operations) == 1 else None


def _signs_up(operation: OperationDefinitionNode) -> bool:
    return operation.operation == OperationType.MUTATION and all(
        isinstance(selection, FieldNode) and selection.name.value in SIGN_UP_FIELDS
        for selection in operation.selection_set.selections
    )


def _close_reason(text: str) -> str:
    # A close frame's reason is at most 123 bytes.
    return text.encode()[:123].decode(errors="ignore")
