"""Timing helpers shared by the benchmarks: best of several runs, printed beside a baseline of the same run."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    """The fastest of `runs` calls, in seconds: the least disturbed by whatever else the machine does."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def report(title: str, rows: list[tuple[str, float, float, str]]) -> None:
    """rows: (what, seconds, baseline seconds, unit line). Prints throughput and the ratio to the baseline."""
    print(f"\n{title}")
    for what, seconds, baseline, unit in rows:
        print(f"  {what:<46} {unit:<28} {seconds / baseline:6.2f}x the baseline")
