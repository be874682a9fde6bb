"""Benchmarks (not part of the package or the tests): ``python -m benchmarks.bench_read``."""
