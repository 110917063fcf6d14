"""`make bench`: measured performance of the dashboard, written to docs/benchmarks.md."""
