"""Benchmarks: generated markets and search latency (results in bench/RESULTS.md)."""
