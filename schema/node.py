"""The Relay `Node` interface and the opaque global ids it carries."""

from __future__ import annotations

import base64
import binascii

import strawberry

from db.global_ids import global_id
from resolvers.errors import BadRequestError, ErrorCode, InputError

GLOBAL_ID_MAX_LENGTH = 200


@strawberry.interface(description="An object with a globally unique id.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Globally unique, opaque id; `node(id:)` resolves it."
    )


def to_global_id(type_name: str, *keys: int) -> strawberry.ID:
    return strawberry.ID(global_id(type_name, *keys))


def from_global_id(global_id: str) -> tuple[str, tuple[int, ...]]:
    """(type name, keys) of an id made by `to_global_id`; a clear error for anything else."""
    problem = BadRequestError(f"Invalid id {_shown(global_id)}: not an id issued by this API.")
    if not global_id or len(global_id) > GLOBAL_ID_MAX_LENGTH or not global_id.isascii():
        raise problem
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, *key_parts = base64.urlsafe_b64decode(padded).decode("ascii").split(":")
        keys = tuple(int(part) for part in key_parts)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise problem from None
    if not keys or not type_name.isidentifier():
        raise problem
    return type_name, keys


def expect_global_id(global_id: str, type_name: str, key_count: int) -> tuple[int, ...]:
    found_type, keys = from_global_id(global_id)
    if found_type != type_name or len(keys) != key_count:
        raise BadRequestError(f"Id {_shown(global_id)} is not a {type_name} id.")
    return keys


def input_id(global_id: str, type_name: str, key_count: int) -> tuple[int, ...] | InputError:
    """The keys of a mutation input's `id`, or the payload error that says why there are none:
    INVALID_INPUT for an id this API never issued, NOT_FOUND for an id of another type."""
    try:
        found_type, keys = from_global_id(global_id)
    except BadRequestError as error:
        return InputError(ErrorCode.INVALID_INPUT, str(error), ("id",))
    if found_type != type_name or len(keys) != key_count:
        message = f"No {type_name} has the id {_shown(global_id)}."
        return InputError(ErrorCode.NOT_FOUND, message, ("id",))
    return keys


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")
