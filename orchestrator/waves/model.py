"""The waves output contract (DOMAIN.md, "waves (v1)") and the roadmap's extra detail."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class Wave(BaseModel):
    id: str
    start: datetime
    end: datetime
    classified: bool
    systems: list[str]
    pilot: bool = False
    departments: list[str] = Field(default_factory=list)
    data_gb: float = 0
    window_gb: float = 0
    """What the window itself carries: the warm moves' delta, the cold moves whole."""
    presync_gb: float = 0
    presync_start: datetime | None = None
    """When the pre-sync starts (the lead time before the window), while the sources serve."""


class Unscheduled(BaseModel):
    system: str
    reason: str
    """A short machine-readable cause: group_size, dependency, depends_on_blocked, classification_conflict,
    presync, horizon."""
    zh: str
    en: str


class Late(BaseModel):
    system: str
    deadline: date
    planned_end: datetime
    binding: str
    """What held it back: capacity, dependency, window."""
    days_late: int
    zh: str
    en: str


class Factor(BaseModel):
    points: int
    zh: str
    en: str


class Score(BaseModel):
    """A system's complexity, explained factor by factor."""

    score: int
    level: str
    factors: list[Factor]


class Roadmap(BaseModel):
    waves: list[Wave]
    unscheduled: list[Unscheduled]
    late: list[Late]
    complexity: dict[str, Score] = Field(default_factory=dict)
    deadlines: dict[str, date] = Field(default_factory=dict)

    def contract(self) -> dict[str, object]:
        return self.model_dump(mode="json", include={"waves", "unscheduled", "late", "complexity"})
