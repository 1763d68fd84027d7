"""Measured usage per system (from monitoring, or an export of it): the input the zombie criteria prefer.

The monitor stage writes this document; an operator may also hand one in (`govmig assess --usage FILE`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .models import Model
from .values import CalendarDate, Reference


class Measurement(Model):
    system: Reference
    """"DEPT/id" of the measured system."""
    window_days: Annotated[int, Field(ge=1)]
    """How many days the figures cover."""
    requests_per_day: Annotated[float, Field(ge=0)] | None = None
    cpu_percent: Annotated[float, Field(ge=0, le=100)] | None = None
    last_request: CalendarDate | None = None
    active_days: Annotated[int, Field(ge=0)] | None = None
    """Days in the window with at least one business request."""
    users: Annotated[int, Field(ge=0)] | None = None
    source: str = "prometheus"
    kept: str | None = None
    """Why a supervisor approved keeping it although idle (资源保留, issue 41): Z3 does not flag it."""


class MeasuredUsage(Model):
    api_version: Literal["govmig/v1"] = Field(alias="apiVersion")
    kind: Literal["MeasuredUsage"]
    measured_at: CalendarDate
    systems: list[Measurement] = Field(default_factory=list)

    def by_system(self) -> dict[str, Measurement]:
        return {m.system: m for m in self.systems}
