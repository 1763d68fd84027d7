"""From the daily usage rows the monitor keeps to the MeasuredUsage document the assessment's Z1, Z3, Z5 read.

The window a figure covers is the number of days actually monitored, never the configured span: a system watched
for a week is not called idle for a month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

from ..plan import MeasuredUsage, Measurement


class DayRow(Protocol):
    @property
    def system(self) -> str: ...
    @property
    def day(self) -> date: ...
    @property
    def requests(self) -> float: ...
    @property
    def request_samples(self) -> int: ...
    @property
    def cpu_sum(self) -> float: ...
    @property
    def cpu_samples(self) -> int: ...
    @property
    def samples(self) -> int: ...
    @property
    def last_request_at(self) -> object: ...


def measured_usage(rows: Iterable[DayRow], as_of: date, window_days: int) -> MeasuredUsage:
    first = as_of - timedelta(days=window_days - 1)
    by_system: dict[str, list[DayRow]] = defaultdict(list)
    for r in rows:
        if first <= r.day <= as_of and r.samples > 0:
            by_system[r.system].append(r)
    systems = []
    for system, days in sorted(by_system.items()):
        cpu_samples = sum(d.cpu_samples for d in days)
        counted = [d for d in days if d.request_samples]
        lasts = [d.day for d in days if d.last_request_at is not None]
        cpu = min(100.0, round(sum(d.cpu_sum for d in days) / cpu_samples, 2)) if cpu_samples else None
        systems.append(
            Measurement(
                system=system,
                window_days=len(counted or days),
                requests_per_day=round(sum(d.requests for d in counted) / len(counted), 2)
                if counted
                else None,
                cpu_percent=cpu,
                last_request=max(lasts) if lasts else None,
                active_days=sum(1 for d in counted if d.requests >= 1) if counted else None,
                source="prometheus",
            )
        )
    return MeasuredUsage.model_validate(
        {"apiVersion": "govmig/v1", "kind": "MeasuredUsage", "measured_at": as_of, "systems": systems}
    )
