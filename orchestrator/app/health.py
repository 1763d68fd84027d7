"""Health and usage: what the monitor recorded, in words beside their codes, and the usage it measured (the zombie
rules' input), composed once for the CLI and the web."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..monitor import State, health_document, measured_usage, ordered, reason_said, state_said
from ..plan import MeasuredUsage
from ..store import Engine, HealthStore, StateRow, aware


def said(state: str, reason: str) -> dict[str, str]:
    """A system's state and reason as people read them, the codes beside: what the web's pages and the CLI's
    table both show."""
    zh, en = reason_said(reason)
    return {"state": state, "state_zh": state_said(state), "reason": reason, "reason_zh": zh, "reason_en": en}


@dataclass(frozen=True)
class HealthTable:
    """What a health table shows: the rows worst first, when the last cycle was, and how many in each state."""

    rows: list[StateRow]
    last_cycle: datetime | None
    counts: list[tuple[str, str, int]]
    """(state, its Chinese word, how many), every state in order."""


class Health:
    def __init__(self, engine: Engine) -> None:
        self.records = HealthStore(engine)

    def document(self, department: str | None = None) -> dict[str, Any]:
        """Every watched system's health, worst first, with the words for each code (`said`)."""
        return health_document(self.records, department)

    def usage(self, as_of: date, window: int) -> MeasuredUsage:
        """The usage measured over the `window` business days before `as_of`."""
        return measured_usage(self.records.usage(), as_of, window)

    def table(self, department: str | None = None) -> HealthTable:
        rows = ordered(self.records.states(department))
        last = self.records.cycles(1)
        counts = [(s.value, state_said(s.value), sum(1 for h in rows if h.state == s.value)) for s in State]
        return HealthTable(rows, aware(last[0].at) if last else None, counts)
