"""A department clerk's day: the plan in force to start the form from, two versions side by side with what the
assessment changes between them, and the department's systems with their state, wave, health and next step."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..plan import MigrationPlan
from ..policy import Action
from .health import said
from .lifecycle import STATE_ZH
from .plan_documents import plan_yaml
from .plans import Plans
from .portfolio import Portfolio
from .side_by_side import side_by_side

ANSWERS = {"cut_over": ("accept", "problem"), "awaiting_acceptance": ("accept", "problem")}
"""What a department may say of a system in each lifecycle state (api_systems.py: accept, problem)."""


def current_plan(plans: Plans, department: str) -> dict[str, Any] | None:
    """The plan in force (the approved version), else the latest valid one: its JSON document (aliases) for the
    form to start from, with its version; None when the department has no valid version."""
    book = plans.book
    version = plans.reviews.in_force(department)
    row = book.version(department, version) if version is not None else None
    if row is None or row.plan is None:
        valid = [v for v in book.versions(department) if v.plan is not None]
        row = valid[-1] if valid else None
    if row is None:
        return None
    return {
        "department": department,
        "version": row.version,
        "in_force": row.version == version,
        "filename": row.filename,
        "submitted_by": row.submitted_by,
        "submitted_at": row.submitted_at.isoformat(),
        "plan": row.plan,
    }


def template_of(plans: Plans, department: str | None = None) -> bytes:
    """The Excel template, filled with the department's plan in force (empty without one, or for None)."""
    from .workbooks import build_template  # openpyxl loads only for a workbook

    current = current_plan(plans, department) if department else None
    return build_template(MigrationPlan.model_validate(current["plan"]) if current else None)


@dataclass(frozen=True)
class Placed:
    """What the assessment decides of one system in one version: the parts a clerk compares."""

    name: str
    action: str
    network: str | None
    cloud: bool
    zone: str | None
    wave: str | None
    rules: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "action": self.action,
            "network": self.network,
            "cloud": self.cloud,
            "zone": self.zone,
            "wave": self.wave,
            "rules": list(self.rules),
        }


COMPARED = ("action", "network", "cloud", "zone", "wave")


def _placed(portfolio: Portfolio, plan: dict[str, Any]) -> dict[str, Placed]:
    model = MigrationPlan.model_validate(plan)
    moved = portfolio.with_plan(model)
    wave_of = {s: w.id for w in moved.roadmap.waves for s in w.systems}
    return {
        d.system: Placed(
            d.name,
            d.action.value,
            d.target_network.value if d.target_network else None,
            d.cloud,
            d.zone.value if d.zone else None,
            wave_of.get(d.key),
            tuple(d.rules),
        )
        for d in moved.decisions_of(model.department.code)
    }


def changes(before: Mapping[str, Placed], after: Mapping[str, Placed]) -> list[dict[str, Any]]:
    """The systems whose decision differs (action, network, cloud, zone, wave), and those added or removed."""
    out = []
    for system in sorted({*before, *after}):
        a, b = before.get(system), after.get(system)
        differ = [k for k in COMPARED if a is None or b is None or getattr(a, k) != getattr(b, k)]
        if a is not None and b is not None and not differ:
            continue
        kind = "added" if a is None else "removed" if b is None else "changed"
        shown = b or a
        assert shown is not None
        out.append(
            {
                "system": system,
                "name": shown.name,
                "kind": kind,
                "fields": differ if kind == "changed" else [],
                "a": a.as_json() if a else None,
                "b": b.as_json() if b else None,
            }
        )
    return out


class NoVersion(LookupError):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def compare_versions(plans: Plans, department: str, a: int, b: int) -> dict[str, Any]:
    """Two versions side by side (as parsed when both are valid, else as submitted) and what the assessment
    decides differently between them (only when both are valid: an invalid version is not assessed)."""
    rows = []
    for v in (a, b):
        row = plans.book.version(department, v)
        if row is None:
            raise NoVersion(v)
        rows.append(row)
    old, new = rows
    before, after = old.plan, new.plan
    both = before is not None and after is not None
    left, right = (plan_yaml(r.plan) if r.plan and both else r.content for r in (old, new))
    lines = side_by_side(left, right, context=None)
    assessed: list[dict[str, Any]] | None = None
    if before is not None and after is not None:
        portfolio = plans.view().portfolio
        assessed = changes(_placed(portfolio, before), _placed(portfolio, after))
    return {
        "department": department,
        "a": {"version": a, "valid": old.plan is not None, "filename": old.filename},
        "b": {"version": b, "valid": new.plan is not None, "filename": new.filename},
        "parsed": both,
        "rows": lines,
        "changed_lines": sum(1 for r in lines if r["op"] != "equal"),
        "assessment": assessed,
    }


def department_systems(
    plans: Plans, department: str, health: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The department's systems in the plan in force: name and id, the decision in words, lifecycle state and
    wave, live health (from the monitor's latest document, `health`'s entries) and what the department does
    next (`answers`: `accept`, `problem`)."""
    decisions = [d for d in plans.view().decisions if d.department == department]
    states = plans.lifecycles(decisions)
    watched = {str(h["system"]): h for h in health}
    out = []
    for d in decisions:
        life = states[d.key].as_json()
        seen = watched.get(d.key)
        out.append(
            {
                "key": d.key,
                "department": d.department,
                "system": d.system,
                "name": d.name,
                "action": d.action.value,
                "action_zh": Action(d.action).zh,
                "network": d.target_network.value if d.target_network else None,
                "lifecycle": life,
                "state_zh": STATE_ZH[str(life["state"])],
                "wave": life["wave"],
                "health": (
                    {**said(str(seen["state"]), str(seen["reason"])), "since": seen["since"]}
                    if seen is not None
                    else None
                ),
                "answers": list(ANSWERS.get(str(life["state"]), ())),
            }
        )
    return out
