"""The cloud vendor's service level for a month (云服务商考核), per zone, from the health probes.

Each minute of the month a zone is unavailable when fewer than `unavailable_below` of its probes succeed (a single
system failing is the system's matter, most of a zone failing is the vendor's); its availability is the share of
the measured minutes it was available; an incident is a run of unavailable minutes. The terms say what follows:
the penalty is the percentage of the highest tier whose `below` the availability falls under.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from .month import BEIJING, Month

MINUTE = 60


class Penalty(BaseModel):
    model_config = ConfigDict(extra="forbid")

    below: Annotated[float, Field(gt=0, le=100)]
    """Availability (percent) under which this tier applies."""
    percent: Annotated[float, Field(ge=0, le=100)]
    """Of the month's service fee withheld."""


class ZoneTerms(BaseModel):
    model_config = ConfigDict(extra="forbid")

    objective: Annotated[float, Field(gt=0, le=100)] = 99.9
    penalties: list[Penalty] = Field(default_factory=list)


class SlaTerms(ZoneTerms):
    """`sla.yaml`: the default terms, and per zone where a zone's differ."""

    unavailable_below: Annotated[float, Field(gt=0, le=1)] = 0.5
    zones: dict[str, ZoneTerms] = Field(default_factory=dict)

    def of(self, zone: str) -> ZoneTerms:
        return self.zones.get(zone, self)


def _at(t: int) -> str:
    return datetime.fromtimestamp(t, BEIJING).isoformat()


def zone_sla(
    zone: str, minutes: Mapping[int, tuple[float, int]], month: Month, terms: SlaTerms
) -> dict[str, Any]:
    zone_terms = terms.of(zone)
    measured = sorted(t for t, (_, n) in minutes.items() if n > 0 and month.start <= t < month.end)
    down = [t for t in measured if minutes[t][0] < terms.unavailable_below]
    incidents: list[dict[str, Any]] = []
    for t in down:
        if incidents and incidents[-1]["_last"] == t - MINUTE:
            incidents[-1]["_last"] = t
            incidents[-1]["minutes"] += 1
        else:
            incidents.append({"_first": t, "_last": t, "minutes": 1})
    availability = round(100 * (len(measured) - len(down)) / len(measured), 4) if measured else None
    tiers = sorted(zone_terms.penalties, key=lambda p: p.below)
    penalty = next((p.percent for p in tiers if availability is not None and availability < p.below), 0.0)
    return {
        "zone": zone,
        "measured_minutes": len(measured),
        "unavailable_minutes": len(down),
        "availability": availability,
        "objective": zone_terms.objective,
        "met": availability is not None and availability >= zone_terms.objective,
        "penalty_percent": penalty,
        "incidents": [
            {"start": _at(i["_first"]), "end": _at(i["_last"] + MINUTE), "minutes": i["minutes"]}
            for i in incidents
        ],
    }


def sla(
    zones: Mapping[str, Mapping[int, tuple[float, int]]], month: Month, terms: SlaTerms
) -> dict[str, Any]:
    return {
        "month": month.label,
        "unavailable_below": terms.unavailable_below,
        "zones": [zone_sla(z, minutes, month, terms) for z, minutes in sorted(zones.items())],
    }
