"""What the monitor knows: the watched targets, one cycle's snapshot of Prometheus, a system's observed state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property


class State(StrEnum):
    up = "up"
    degraded = "degraded"
    down = "down"
    unknown = "unknown"


STATE_ZH = {State.up: "正常", State.degraded: "降级", State.down: "中断", State.unknown: "未知"}


@dataclass(frozen=True)
class Target:
    """A rendered, watched system: its labels come from the render tree (index.json and the Probe objects)."""

    department: str
    system: str
    zone: str
    wave: str
    objective: float
    probe_urls: tuple[str, ...] = ()

    @cached_property
    def key(self) -> str:
        """The "DEPT/id" key: asked for 10,000 targets several times a cycle, so worked out once."""
        return f"{self.department}/{self.system}"


@dataclass
class Snapshot:
    """One cycle's answers, keyed by "DEPT/id"; `reachable` is False when Prometheus did not answer every query."""

    at: datetime
    reachable: bool
    queries: int
    error: str | None = None
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    burns: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Observation:
    state: State
    reason: str
    zh: str
    en: str


@dataclass(frozen=True)
class Track:
    """The reported state plus the candidate state waiting for confirmation (hysteresis)."""

    state: State
    reason: str
    since: datetime
    pending: State | None = None
    pending_count: int = 0
