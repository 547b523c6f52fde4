"""The HTTP edge: the GraphQL view, who a request acts as, exports, health and metrics routes,
the live relay, and the middleware; `api.runtime` holds what they share."""
