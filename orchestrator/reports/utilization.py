"""Resource utilization for a month (资源利用率): per system allocated against used (p95, peak), per department the
totals and the rank, the idle systems, and a right-sizing recommendation with the saving it would bring.

A system is idle when its month was measured whole (at least `idle_days` days, or the whole month if shorter) and
both its CPU p95 and its memory p95 stay at or below their shares of what it holds. A recommendation sizes a
system to its use with headroom: the larger of p95 × `comfort` and the peak, rounded up to a step; an idle system
is recommended for reclaim (回收) and saves everything it holds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from .month import Month
from .prices import Prices, decimal, monthly

GIB = 2**30
DAY_SAMPLES = 288
"""Recorded samples a day (one every five minutes)."""


class UtilizationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    idle_cpu_ratio: Annotated[float, Field(ge=0, le=1)] = 0.05
    """Idle: CPU p95 at or below this share of the allocated CPUs."""
    idle_memory_ratio: Annotated[float, Field(ge=0, le=1)] = 0.10
    """Idle: memory p95 at or below this share of the allocated memory."""
    idle_days: Annotated[int, Field(ge=1, le=366)] = 30
    """Idle only when measured this many days (or the whole month, when shorter)."""
    comfort: Annotated[float, Field(ge=1, le=10)] = 1.3
    """Headroom of a right-sized allocation over the p95 it measured."""
    cpu_step: Annotated[float, Field(gt=0)] = 0.5
    memory_step_gib: Annotated[float, Field(gt=0)] = 0.5


DEFAULT_UTILIZATION = UtilizationSettings()


@dataclass(frozen=True)
class SystemFigures:
    """One system's month as Prometheus measured it (CPUs in cores, memory and storage in bytes)."""

    department: str
    system: str
    zone: str
    cpu_allocated: float
    cpu_p95: float
    cpu_peak: float
    cpu_mean: float
    memory_allocated: float
    memory_p95: float
    memory_peak: float
    storage_allocated: float
    storage_used: float
    samples: int

    @property
    def measured_days(self) -> float:
        return self.samples / DAY_SAMPLES


def _up(value: float, step: float) -> float:
    return round(math.ceil(round(value / step, 9)) * step, 6)


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def is_idle(f: SystemFigures, month: Month, settings: UtilizationSettings) -> bool:
    whole = f.measured_days >= min(settings.idle_days, month.days)
    cpu = f.cpu_allocated > 0 and f.cpu_p95 <= settings.idle_cpu_ratio * f.cpu_allocated
    memory = f.memory_allocated <= 0 or f.memory_p95 <= settings.idle_memory_ratio * f.memory_allocated
    return whole and cpu and memory


def recommend(
    f: SystemFigures, idle: bool, settings: UtilizationSettings, prices: Prices | None
) -> dict[str, Any] | None:
    """Reclaim an idle system; resize one that holds more than its use needs; None when it fits."""
    held_gib = f.memory_allocated / GIB
    if idle:
        saving = monthly(prices, decimal(f.cpu_allocated), decimal(held_gib)) if prices else None
        return {
            "action": "reclaim",
            "cpu": 0,
            "memory_gib": 0,
            "monthly_saving": None if saving is None else str(saving),
            "zh": "闲置：建议回收资源（或说明保留理由）",
            "en": "idle: reclaim its resources (or give a reason to keep them)",
        }
    cpu = max(settings.cpu_step, _up(max(f.cpu_p95 * settings.comfort, f.cpu_peak), settings.cpu_step))
    memory = max(
        settings.memory_step_gib,
        _up(max(f.memory_p95 * settings.comfort, f.memory_peak) / GIB, settings.memory_step_gib),
    )
    cpu, memory = min(cpu, f.cpu_allocated), min(memory, round(held_gib, 6))
    if cpu >= f.cpu_allocated and memory >= round(held_gib, 6):
        return None
    saving = (
        monthly(
            prices, decimal(f.cpu_allocated) - decimal(cpu), decimal(round(held_gib, 6)) - decimal(memory)
        )
        if prices
        else None
    )
    return {
        "action": "resize",
        "cpu": cpu,
        "memory_gib": memory,
        "monthly_saving": None if saving is None else str(saving),
        "zh": f"建议调整为 {cpu:g} 核、{memory:g} GiB 内存",
        "en": f"resize to {cpu:g} vCPU and {memory:g} GiB of memory",
    }


def kept_advice(reason: str) -> dict[str, Any]:
    """An idle system a supervisor approved keeping: no reclaim, its reason said."""
    return {
        "action": "keep",
        "cpu": None,
        "memory_gib": None,
        "monthly_saving": None,
        "reason": reason,
        "zh": f"闲置，但已批准保留：{reason}",
        "en": f"idle, kept as approved: {reason}",
    }


def system_row(
    f: SystemFigures,
    month: Month,
    settings: UtilizationSettings,
    prices: Prices | None,
    kept: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The contract's keys, exactly; an idle system in `kept` (approved to keep, with its reason) is not
    recommended for reclaim."""
    idle = is_idle(f, month, settings)
    reason = (kept or {}).get(f"{f.department}/{f.system}")
    advice = kept_advice(reason) if idle and reason is not None else recommend(f, idle, settings, prices)
    return {
        "department": f.department,
        "system": f.system,
        "cpu_allocated": round(f.cpu_allocated, 3),
        "cpu_p95": round(f.cpu_p95, 3),
        "cpu_peak": round(f.cpu_peak, 3),
        "memory_allocated_gib": round(f.memory_allocated / GIB, 3),
        "memory_p95_gib": round(f.memory_p95 / GIB, 3),
        "storage_allocated_gib": round(f.storage_allocated / GIB, 3),
        "storage_used_gib": round(f.storage_used / GIB, 3),
        "cpu_utilization": _ratio(f.cpu_p95, f.cpu_allocated),
        "idle": idle,
        "recommendation": advice,
    }


def utilization(
    figures: Sequence[SystemFigures],
    month: Month,
    names: Mapping[str, str],
    settings: UtilizationSettings = DEFAULT_UTILIZATION,
    prices: Prices | None = None,
    kept: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The report: systems (by department, then system), departments ranked by CPU utilization (p95 over
    allocated, highest first), the idle set. `names` maps a department code or "DEPT/id" to its name; `kept`
    the idle systems approved to keep ("DEPT/id" to the reason): still idle, listed under `kept`, not to be
    reclaimed."""
    ordered = sorted(figures, key=lambda f: (f.department, f.system))
    systems = [system_row(f, month, settings, prices, kept) for f in ordered]
    departments: dict[str, dict[str, Any]] = {}
    for f, row in zip(ordered, systems, strict=True):
        d = departments.setdefault(
            f.department,
            {
                "department": f.department,
                "name": names.get(f.department, ""),
                "systems": 0,
                "cpu_allocated": 0.0,
                "cpu_p95": 0.0,
                "memory_allocated_gib": 0.0,
                "memory_p95_gib": 0.0,
                "storage_allocated_gib": 0.0,
                "storage_used_gib": 0.0,
                "idle": 0,
                "monthly_saving": Decimal(0) if prices else None,
            },
        )
        d["systems"] += 1
        d["cpu_allocated"] += f.cpu_allocated
        d["cpu_p95"] += f.cpu_p95
        d["memory_allocated_gib"] += f.memory_allocated / GIB
        d["memory_p95_gib"] += f.memory_p95 / GIB
        d["storage_allocated_gib"] += f.storage_allocated / GIB
        d["storage_used_gib"] += f.storage_used / GIB
        d["idle"] += int(row["idle"])
        saving = (row["recommendation"] or {}).get("monthly_saving")
        if prices and saving is not None:
            d["monthly_saving"] += Decimal(saving)
    for d in departments.values():
        d["cpu_utilization"] = _ratio(d["cpu_p95"], d["cpu_allocated"])
        for key in ("cpu_allocated", "cpu_p95", "memory_allocated_gib", "memory_p95_gib"):
            d[key] = round(d[key], 3)
        for key in ("storage_allocated_gib", "storage_used_gib"):
            d[key] = round(d[key], 3)
        if d["monthly_saving"] is not None:
            d["monthly_saving"] = str(d["monthly_saving"])
    ranked = sorted(departments.values(), key=lambda d: (-(d["cpu_utilization"] or 0.0), d["department"]))
    for n, d in enumerate(ranked, start=1):
        d["rank"] = n
    return {
        "month": month.label,
        "settings": settings.model_dump(),
        "systems": systems,
        "departments": ranked,
        "idle": [f"{r['department']}/{r['system']}" for r in systems if r["idle"]],
        "kept": [
            f"{r['department']}/{r['system']}"
            for r in systems
            if r["idle"] and (r["recommendation"] or {}).get("action") == "keep"
        ],
    }
