"""Free text from users (labels, names): trimmed, bounded, free of control characters."""

from __future__ import annotations

import unicodedata

from resolvers.errors import ErrorCode, InputError

# Control, invisible-formatting and lone-surrogate characters: they hide or reorder text.
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs")


def clean_text(
    value: str | None, *, field: str, max_length: int, required: bool = False
) -> tuple[str | None, InputError | None]:
    """The trimmed text (None when blank and allowed), or the error that names `field`."""
    trimmed = (value or "").strip()
    title = field.capitalize()
    if not trimmed:
        if required:
            return None, InputError(
                ErrorCode.INVALID_INPUT, f"{title} must not be empty.", (field,)
            )
        return None, None
    if len(trimmed) > max_length:
        message = f"{title} is {len(trimmed)} characters long; the maximum is {max_length}."
        return None, InputError(ErrorCode.INVALID_INPUT, message, (field,))
    if any(unicodedata.category(char) in _HIDDEN_CATEGORIES for char in trimmed):
        message = f"{title} must not contain control or invisible formatting characters."
        return None, InputError(ErrorCode.INVALID_INPUT, message, (field,))
    return trimmed, None
