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


def best_of_each(fns: dict[str, Callable[[], object]], rounds: int = 5) -> dict[str, float]:
    """The fastest call of each of `fns`, in seconds, the calls taken in turn round after round: a figure and its
    floor then meet the same spells of a busy machine (a shared VM's slow minute would otherwise land on one)."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: min(each) for name, each in times.items()}


def report(title: str, rows: list[tuple[str, float, float, str]]) -> None:
    """rows: (what, seconds, baseline seconds, unit line). Prints throughput and the ratio to the baseline."""
    print(f"\n{title}")
    for what, seconds, baseline, unit in rows:
        print(f"  {what:<46} {unit:<28} {seconds / baseline:6.2f}x the baseline")
