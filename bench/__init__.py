"""Benchmarks, run by `make bench` (python bench/run.py); not part of the test run."""
