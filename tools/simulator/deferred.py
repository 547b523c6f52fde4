"""Work a chain puts off: histories generated on first use, values cached until it changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Owner = TypeVar("Owner")


class LazyHistories(Generic[Owner]):
    """Address histories generated only when something first asks for them."""

    def __init__(self) -> None:
        self._generators: dict[str, Callable[[Owner], None]] = {}

    def register(self, address: str, generate: Callable[[Owner], None]) -> None:
        self._generators[address] = generate

    def materialize(self, owner: Owner, address: str) -> None:
        generate = self._generators.pop(address, None)
        if generate is not None:
            generate(owner)

    def __contains__(self, address: str) -> bool:
        return address in self._generators


class Memo:
    """Values cached until the owner's version next changes."""

    def __init__(self) -> None:
        self._values: dict[Any, Any] = {}
        self._version = -1

    def get(self, version: int, key: Any, compute: Callable[[], T]) -> T:
        if self._version != version:
            self._values = {}
            self._version = version
        if key not in self._values:
            self._values[key] = compute()
        found: T = self._values[key]
        return found
