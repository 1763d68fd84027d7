"""A month of resources and availability from Prometheus: the questions the utilization, fees and SLA reports ask.

Every question reads the per-system series render records (`contracts.metrics`), never a workload's raw series, so
a month costs a handful of requests whatever the portfolio's size. A month is given as [start, end) in Unix
seconds; a range selector is closed at both ends in Prometheus 2, so each window ends one second before the
next one starts (`[start, end - 1 s]`): the sample at the month's (or hour's) last instant belongs to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import httpx

from ..contracts import HEALTH_JOB, metrics
from .prometheus import QUERY_ERRORS, Prometheus, connect

T = TypeVar("T")

Key = tuple[str, str]
"""(department, system)."""
MAX_POINTS = 10_000
"""Points per series a range query may ask for (Prometheus refuses more than 11,000)."""
HOUR, MINUTE = 3600, 60

MONTH_FIGURES = {
    "cpu_allocated": f"last_over_time({metrics.CPU_ALLOCATED}[{{w}}])",
    "cpu_p95": f"quantile_over_time(0.95, {metrics.CPU_USED}[{{w}}])",
    "cpu_peak": f"max_over_time({metrics.CPU_USED}[{{w}}])",
    "cpu_mean": f"avg_over_time({metrics.CPU_USED}[{{w}}])",
    "memory_allocated": f"last_over_time({metrics.MEMORY_ALLOCATED}[{{w}}])",
    "memory_p95": f"quantile_over_time(0.95, {metrics.MEMORY_USED}[{{w}}])",
    "memory_peak": f"max_over_time({metrics.MEMORY_USED}[{{w}}])",
    "storage_allocated": f"last_over_time({metrics.STORAGE_ALLOCATED}[{{w}}])",
    "storage_used": f"last_over_time({metrics.STORAGE_USED}[{{w}}])",
    "samples": f"count_over_time({metrics.CPU_ALLOCATED}[{{w}}])",
}
"""Each figure of a system's month, as one query over the month's window `{w}` (CPUs in cores, memory and storage
in bytes, `samples` the recorded allocation's sample count: how much of the month was measured)."""
HOURLY = {
    "cpu": metrics.CPU_ALLOCATED,
    "memory": metrics.MEMORY_ALLOCATED,
    "storage": metrics.STORAGE_ALLOCATED,
}
"""What is allocated, hour by hour: the most the hour held (as a cloud's metering bills a started hour)."""


@dataclass
class SystemMonth:
    department: str
    system: str
    zone: str = ""
    figures: dict[str, float] = field(default_factory=dict)


@dataclass
class Hourly:
    """A system's allocation per hour of the month, by the hour's start (Unix seconds); absent hours held none."""

    department: str
    system: str
    cpu: dict[int, float] = field(default_factory=dict)
    memory: dict[int, float] = field(default_factory=dict)
    storage: dict[int, float] = field(default_factory=dict)


def _key(row: dict[str, object]) -> Key | None:
    labels = row.get("metric")
    if not isinstance(labels, dict):
        return None
    dept, system = labels.get("department"), labels.get("system")
    return (dept, system) if isinstance(dept, str) and isinstance(system, str) else None


def month_figures(prom: Prometheus, start: int, end: int) -> dict[Key, SystemMonth]:
    """Every recorded system's figures for the month [start, end)."""
    window = f"{end - start - 1}s"
    found: dict[Key, SystemMonth] = {}
    for name, template in MONTH_FIGURES.items():
        for row in prom.custom_query(template.format(w=window), params={"time": str(end - 1)}):
            key = _key(row)
            if key is None:
                continue
            month = found.setdefault(key, SystemMonth(*key))
            month.zone = str(row["metric"].get("zone", month.zone))
            month.figures[name] = float(row["value"][1])
    return found


def _chunks(start: int, end: int, step: int) -> Iterator[tuple[int, int]]:
    """[first, last] evaluation times of at most MAX_POINTS each, covering start, start+step, … < end."""
    first = start
    while first < end:
        last = min(end - step, first + (MAX_POINTS - 1) * step)
        yield first, last
        first = last + step


def hourly_allocation(prom: Prometheus, start: int, end: int) -> dict[Key, Hourly]:
    """Each hour [h, h+1h) of the month: the most CPU, memory and storage each system held in it."""
    found: dict[Key, Hourly] = {}
    for name, series in HOURLY.items():
        query = f"max_over_time({series}[{HOUR - 1}s])"
        for first, last in _chunks(start, end, HOUR):
            for row in prom.custom_query_range(query, first + HOUR - 1, last + HOUR - 1, HOUR):
                key = _key(row)
                if key is None:
                    continue
                hours = getattr(found.setdefault(key, Hourly(*key)), name)
                for t, value in row.get("values", []):
                    hours[int(float(t)) + 1 - HOUR] = float(value)
    return found


def zone_minutes(prom: Prometheus, start: int, end: int) -> dict[str, dict[int, tuple[float, int]]]:
    """Per zone and minute of the month: the share of its health probes that succeeded, and how many answered
    (each probe's latest result at the minute's start, as Prometheus looks back five minutes)."""
    probes = f'probe_success{{job="{HEALTH_JOB}"}}'
    found: dict[str, dict[int, tuple[float, int]]] = {}
    for first, last in _chunks(start, end, MINUTE):
        shares = prom.custom_query_range(f"avg by (zone) ({probes})", first, last, MINUTE)
        counts = prom.custom_query_range(f"count by (zone) ({probes})", first, last, MINUTE)
        counted = {
            str(row["metric"].get("zone", "")): {
                int(float(t)): int(float(v)) for t, v in row.get("values", [])
            }
            for row in counts
        }
        for row in shares:
            zone = str(row["metric"].get("zone", ""))
            minutes = found.setdefault(zone, {})
            for t, v in row.get("values", []):
                minutes[int(float(t))] = (float(v), counted.get(zone, {}).get(int(float(t)), 0))
    return found


class Unanswered(Exception):
    """Prometheus could not be reached or gave no usable answer (the detail says which)."""


def ask(url: str, timeout: float, question: Callable[[Prometheus], T]) -> T:
    """`question` asked of the Prometheus at `url`; Unanswered instead of a client's own exception."""
    try:
        return question(connect(url, timeout))
    except (*QUERY_ERRORS, httpx.InvalidURL) as exc:
        raise Unanswered(f"{type(exc).__name__}: {exc}") from None
