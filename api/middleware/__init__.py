"""ASGI middleware of the HTTP edge, one a module."""
