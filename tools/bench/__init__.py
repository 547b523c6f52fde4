"""Benchmarks of the real system against the targets of issue 7 (`make bench`, BENCHMARKS.md)."""
