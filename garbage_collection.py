"""The garbage collector tuned for a long-running server or worker process."""

from __future__ import annotations

import gc

# Allocations (less deallocations) before a young collection, young collections before a
# middle one, middle ones before a full one (Python's: 700, 10, 10). Most of what a request or a
# sync page allocates is freed by reference counting long before 25,000 objects, so collections
# become rare; a young one then walks up to 25,000 objects (20-35 ms here, under load). 50,000
# paused 70-95 ms; 10,000 and 5,000 collected more often for as much time in all (issue 15,
# BENCHMARKS.md).
GC_THRESHOLDS = (25_000, 10, 100)
PYTHON_THRESHOLDS = gc.get_threshold()


def settle_long_lived_objects() -> None:
    """Call once start-up has built what lives as long as the process (modules, the schema,
    SQLAlchemy's tables, the providers), in the server's lifespan and a worker's start-up.

    A full collection walks every tracked object: with the ~650,000 of a started server it
    paused the process for 75-95 ms every 0.5-0.7 s under HTTP load and for 400-475 ms during a
    large in-process sync (issue 15). `gc.freeze()` moves the objects alive now to a permanent
    generation that collections skip; the thresholds make collections rarer. Reference
    counting still frees everything acyclic at once, so memory stays bounded by what is live
    plus at most one threshold's worth of cyclic garbage."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def release_long_lived_objects() -> None:
    """At shutdown: what start-up froze becomes collectable again and the thresholds return to
    Python's, for a process that goes on (a test session starts many servers in turn)."""
    gc.unfreeze()
    gc.set_threshold(*PYTHON_THRESHOLDS)
