"""The availability-objective rule render writes into each system's alert rules and reports scores a year against:
one definition, so the report's objective is the one the alerts fired on."""

from __future__ import annotations

from typing import Protocol

OBJECTIVE_LOW = 99.5
"""Availability objective (%) for MLPS 1-2 systems, unless the site's render settings say otherwise..."""
OBJECTIVE_HIGH = 99.9
"""...and for MLPS 3 and up."""
HIGH_FROM_LEVEL = 3
"""The MLPS level from which a system has the high objective."""


class Objectives(Protocol):
    """Where a site sets the two objectives (render's settings)."""

    @property
    def objective_low(self) -> float: ...

    @property
    def objective_high(self) -> float: ...


def availability_objective(mlps_level: int, objectives: Objectives | None = None) -> float:
    """A system's availability objective (%) by its MLPS level."""
    low = objectives.objective_low if objectives else OBJECTIVE_LOW
    high = objectives.objective_high if objectives else OBJECTIVE_HIGH
    return high if mlps_level >= HIGH_FROM_LEVEL else low
