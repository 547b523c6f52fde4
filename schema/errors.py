"""`UserError`: expected failures of a mutation, as data with a machine-readable code."""

from __future__ import annotations

import strawberry

from resolvers.errors import InputError
from schema.enums import ErrorCode


@strawberry.type
class UserError:
    code: ErrorCode
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["address"].'
    )
    message: str

    @classmethod
    def from_input_error(cls, error: InputError) -> UserError:
        field = list(error.field) if error.field is not None else None
        return cls(code=error.code, field=field, message=error.message)


def user_errors(errors: list[InputError]) -> list[UserError]:
    return [UserError.from_input_error(error) for error in errors]
