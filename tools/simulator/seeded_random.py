"""Random streams derived from the simulator's seed: the same seed and names give the same
stream, so every history is the same on every run."""

from __future__ import annotations

from random import Random


def seeded_random(seed: int, *names: str) -> Random:
    """The stream named `seed:name:...`, e.g. `0:ethereum:0xb855...` for one address."""
    return Random(":".join((str(seed), *names)))
