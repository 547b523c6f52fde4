"""The JSON shape of recorded provider responses, and where a simulated response differs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).parent / "samples"


def load_sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


# The JSON kind of each Python type `json.loads` gives; bool before int, its base class.
JSON_KINDS: tuple[tuple[type, str], ...] = (
    (type(None), "null"),
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def json_kind(value: Any) -> str:
    for python_type, kind in JSON_KINDS:
        if isinstance(value, python_type):
            return kind
    raise TypeError(f"not a JSON value: {value!r}")


@dataclass
class Shape:
    """Every JSON kind seen at one place in the samples, and the shapes beneath it."""

    kinds: set[str] = field(default_factory=set)
    fields: dict[str, Shape] = field(default_factory=dict)
    items: Shape | None = None

    @classmethod
    def of(cls, *samples: Any) -> Shape:
        shape = cls()
        for sample in samples:
            shape.learn(sample)
        return shape

    def learn(self, value: Any) -> None:
        self.kinds.add(json_kind(value))
        if isinstance(value, dict):
            for key, member in value.items():
                self.fields.setdefault(key, Shape()).learn(member)
        elif isinstance(value, list):
            for item in value:
                if self.items is None:
                    self.items = Shape()
                self.items.learn(item)

    def mismatches(
        self,
        value: Any,
        path: str = "$",
        *,
        optional: frozenset[str] = frozenset(),
        nullable: frozenset[str] = frozenset(),
    ) -> list[str]:
        """Differences in kinds and keys; `optional` keys may be missing or extra, `nullable`
        ones null."""
        kind = json_kind(value)
        name = path.rsplit(".", 1)[-1].removesuffix("[]")
        if kind not in self.kinds and not (kind == "null" and name in nullable):
            return [f"{path}: {kind}, samples have {sorted(self.kinds)}"]
        problems: list[str] = []
        if isinstance(value, dict):
            for key in self.fields.keys() - value.keys() - optional:
                problems.append(f"{path}.{key}: missing")
            for key in value.keys() - self.fields.keys() - optional:
                problems.append(f"{path}.{key}: not in the samples")
            for key in value.keys() & self.fields.keys():
                problems += self.fields[key].mismatches(
                    value[key], f"{path}.{key}", optional=optional, nullable=nullable
                )
        elif isinstance(value, list) and self.items is not None:
            for item in value:
                problems += self.items.mismatches(
                    item, f"{path}[]", optional=optional, nullable=nullable
                )
        return problems
