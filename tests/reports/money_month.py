"""A month of synthetic but known usage for five systems (and one stranger no plan names), as the rendered
scrapes would have labelled it, written as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`.

Everything a report says can be worked out from this module alone: the usage functions, the allocations and when
each system held them, the probes and when they failed. The tests compute their expectations from these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from orchestrator.reports import Month
from orchestrator.reports.month import BEIJING

MONTH = Month(2026, 4)
GIB = 2**30
RAW_STEP = 120
"""Seconds between two raw samples of the resource series."""
PROBE_STEP = 60
MARGIN = 2 * 3600
"""Data before and after the month: the report must cut the month out of it."""


def at(day: int, hour: int = 0, minute: int = 0) -> int:
    """Unix seconds of a Beijing time in the month (day 1 is the first)."""
    return int(
        (
            datetime(2026, 4, 1, tzinfo=BEIJING) + timedelta(days=day - 1, hours=hour, minutes=minute)
        ).timestamp()
    )


def hour_of_day(t: int) -> float:
    return datetime.fromtimestamp(t, BEIJING).hour


def daily_peak(base: float, peak: float, first: int, last: int) -> Callable[[int], float]:
    """`base`, and `peak` from hour `first` to before hour `last` every day (Beijing)."""
    return lambda t: peak if first <= hour_of_day(t) < last else base


def constant(value: float) -> Callable[[int], float]:
    return lambda _: value


@dataclass
class Synthetic:
    department: str
    system: str
    zone: str
    kind: str  # container | host
    cpus: Callable[[int], float]
    """Allocated CPUs at a time (requests on the cloud, a host's CPU count)."""
    memory: float
    """Allocated memory, bytes."""
    cpu_used: Callable[[int], float]
    memory_used: Callable[[int], float]
    storage: float = 0.0
    storage_used: float = 0.0
    begins: int = MONTH.start - MARGIN
    """Its cutover: its first sample."""
    ends: int = MONTH.end + MARGIN
    """Its decommission: no sample at or after."""
    probe_down: list[tuple[int, int]] = field(default_factory=list)
    """[from, to) spans its health probe failed."""

    @property
    def key(self) -> str:
        return f"{self.department}/{self.system}"

    def times(self, step: int) -> Iterator[int]:
        first = MONTH.start - MARGIN
        t = first + -(-(self.begins - first) // step) * step
        while t < self.ends:
            yield t
            t += step


SYSTEMS = [
    Synthetic(  # busy on weekday mornings: 3 of 4 cores two hours a day
        "630000-FGW",
        "invest-approval",
        "extranet",
        "container",
        constant(4),
        8 * GIB,
        daily_peak(0.2, 3.0, 10, 12),
        daily_peak(2 * GIB, 6 * GIB, 10, 12),
        probe_down=[(at(5, 2), at(5, 3, 30)), (at(12, 8), at(12, 9))],
    ),
    Synthetic(  # idle the whole month: 0.04 of 2 CPUs, a quarter GiB of 4
        "630000-FGW",
        "credit-platform",
        "extranet",
        "host",
        constant(2),
        4 * GIB,
        constant(0.04),
        constant(0.25 * GIB),
        storage=100 * GIB,
        storage_used=40 * GIB,
        probe_down=[(at(5, 2), at(5, 3, 30))],
    ),
    Synthetic(  # as idle, but cut over on the 10th: not measured a whole month, so not idle
        "630000-RST",
        "social-insurance",
        "internal",
        "container",
        constant(2),
        4 * GIB,
        constant(0.05),
        constant(0.3 * GIB),
        begins=at(10),
        probe_down=[(at(25, 6), at(25, 6, 10))],
    ),
    Synthetic(  # a host decommissioned on the 20th at 13:50
        "630000-RST",
        "pension-calc",
        "internal",
        "host",
        constant(4),
        16 * GIB,
        constant(1.0),
        constant(8 * GIB),
        storage=200 * GIB,
        storage_used=50 * GIB,
        ends=at(20, 13, 50),
        probe_down=[(at(3, 4), at(3, 4, 20))],
    ),
    Synthetic(  # resized from 8 to 4 cores on the 15th at 00:00
        "630000-CZT",
        "budget-mgmt",
        "extranet",
        "container",
        lambda t: 8 if t < at(15) else 4,
        16 * GIB,
        daily_peak(2.5, 3.5, 14, 16),
        constant(6 * GIB),
        probe_down=[(at(5, 2), at(5, 3, 30))],
    ),
    Synthetic(  # no loaded plan names it: never in a report
        "630000-ZZZ",
        "stranger",
        "extranet",
        "container",
        constant(64),
        256 * GIB,
        constant(60),
        constant(200 * GIB),
    ),
]


def _labels(s: Synthetic, job: str, **extra: str) -> str:
    labels = {
        "job": job,
        "department": s.department,
        "system": s.system,
        "zone": s.zone,
        "wave": "W01",
        **extra,
    }
    return ",".join(f'{k}="{v}"' for k, v in labels.items())


def _counter(s: Synthetic, rate: Callable[[int], float]) -> Iterator[tuple[int, float]]:
    """A counter whose rate over each raw step is `rate` at the step's start."""
    total, last = 0.0, None
    for t in s.times(RAW_STEP):
        if last is not None:
            total += rate(last) * (t - last)
        last = t
        yield t, total


def openmetrics() -> Iterator[str]:
    """The whole month as OpenMetrics lines: each family's series together, each series in time order."""
    res, node = "govmig-resources", "govmig-node"
    containers = [s for s in SYSTEMS if s.kind == "container"]
    hosts = [s for s in SYSTEMS if s.kind == "host"]
    for s in containers:
        where = _labels(s, res, namespace="ns", pod=f"{s.system}-web-5d8f-x2k4q", container="web")
        for t, v in _counter(s, s.cpu_used):
            yield f"container_cpu_usage_seconds_total{{{where}}} {v:.6f} {t}"
    for s in containers:
        where = _labels(s, res, namespace="ns", pod=f"{s.system}-web-5d8f-x2k4q", container="web")
        for t in s.times(RAW_STEP):
            yield f"container_memory_working_set_bytes{{{where}}} {s.memory_used(t):.0f} {t}"
    for s in containers:
        for resource, value in (("cpu", s.cpus), ("memory", lambda _t, s=s: s.memory)):
            where = _labels(s, res, namespace="ns", pod=f"{s.system}-web-5d8f-x2k4q", resource=resource)
            for t in s.times(RAW_STEP):
                yield f"kube_pod_container_resource_requests{{{where}}} {float(value(t)):.6f} {t}"
    for s in hosts:
        n = int(s.cpus(MONTH.start))
        for cpu in range(n):
            for t, v in _counter(s, lambda _t, n=n, s=s: 1 - s.cpu_used(_t) / n):
                yield f"node_cpu_seconds_total{{{_labels(s, node, cpu=str(cpu), mode='idle')}}} {v:.6f} {t}"
        for t, v in _counter(s, s.cpu_used):
            yield f"node_cpu_seconds_total{{{_labels(s, node, cpu='0', mode='user')}}} {v:.6f} {t}"
    for name, value in (
        ("node_memory_MemTotal_bytes", lambda s, t: s.memory),
        ("node_memory_MemAvailable_bytes", lambda s, t: s.memory - s.memory_used(t)),
        ("node_filesystem_size_bytes", lambda s, t: s.storage),
        ("node_filesystem_avail_bytes", lambda s, t: s.storage - s.storage_used),
    ):
        for s in hosts:
            extra = (
                {"device": "/dev/vda1", "mountpoint": "/", "fstype": "ext4"} if "filesystem" in name else {}
            )
            where = _labels(s, node, **extra)
            for t in s.times(RAW_STEP):
                yield f"{name}{{{where}}} {value(s, t):.0f} {t}"
    for s in SYSTEMS:
        where = _labels(s, "govmig-health", instance=f"https://{s.system}.example/healthz")
        for t in s.times(PROBE_STEP):
            up = 0 if any(a <= t < b for a, b in s.probe_down) else 1
            yield f"probe_success{{{where}}} {up} {t}"
    yield "# EOF"
