"""A deterministic Blockchair and Esplora provider simulator for tests and benchmarks."""
