"""The one error `hd/` raises for what a user pasted: its text is the reason, shown to users."""

from __future__ import annotations


class HdInputError(ValueError):
    """An extended key or descriptor that cannot be tracked, and why.

    The message never contains the pasted key: extended keys reveal a wallet's whole history
    (and private ones its funds), and error texts end up in logs and screenshots."""
