"""`python -m tools.bench`: run every benchmark and print the table."""

from __future__ import annotations

from tools.bench.run import main

if __name__ == "__main__":
    main()
