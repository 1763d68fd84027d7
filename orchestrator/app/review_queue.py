"""The supervisors' review queue (shared/DOMAIN.md v1.2): every version waiting for review across departments,
oldest first, and one version read beside the version in force: its text side by side and the decisions it would
change (per system: action, network, zone and wave before and after, by name)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..plan import MigrationPlan
from ..policy import Decision
from ..store import PENDING
from ..waves import Roadmap
from .plan_documents import plan_yaml
from .side_by_side import side_by_side

if TYPE_CHECKING:
    from .plans import Plans

WAITING = ("pending", "returned")
"""What a version newer than the one in force can be: not yet reviewed, or returned to its department."""
COMPARED = ("action", "target_network", "zone", "wave")


def _name(version: Any, known: dict[str, str]) -> str:
    """The department's name: as its plan in force says, else as this version says, else its code."""
    said = (version.plan or {}).get("department", {}).get("name") if version.plan else None
    return known.get(version.department) or (said if isinstance(said, str) and said else version.department)


def queue(plans: Plans, status: str = "pending") -> list[dict[str, Any]]:
    """Versions newer than their department's version in force whose review is `status`, oldest first:
    `{"department", "name", "version", "submitted", "by", "valid", "filename", "problems", "status"}`."""
    known = {p.department.code: p.department.name for p in plans.view().plans}
    found: list[dict[str, Any]] = []
    for code in plans.book.departments():
        in_force = plans.reviews.in_force(code) or 0
        reviews = plans.reviews.of(code)
        for v in plans.book.versions(code):
            if v.version <= in_force or reviews.get(v.version, PENDING).status != status:
                continue
            found.append(
                {
                    "department": code,
                    "name": _name(v, known),
                    "version": v.version,
                    "submitted": v.submitted_at.isoformat(),
                    "by": v.submitted_by,
                    "valid": v.valid,
                    "filename": v.filename,
                    "problems": len(v.problems),
                    "status": status,
                    "in_force": in_force or None,
                }
            )
    return sorted(found, key=lambda r: (r["submitted"], r["department"], r["version"]))


def _waves(roadmap: Roadmap) -> dict[str, str]:
    return {s: w.id for w in roadmap.waves for s in w.systems}


def _placed(d: Decision | None, waves: dict[str, str]) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "action": d.action.value,
        "target_network": d.target_network.value if d.target_network else None,
        "zone": d.zone.value if d.zone else None,
        "cloud": d.cloud,
        "wave": waves.get(d.key),
        "rules": list(d.rules),
    }


def decision_changes(
    before: list[Decision], before_waves: Roadmap, after: list[Decision], after_waves: Roadmap
) -> list[dict[str, Any]]:
    """Per system whose placement differs: `{"system", "name", "change": added | removed | changed, "before",
    "after", "fields"}` (fields: which of action, target_network, zone, wave changed)."""
    old = {d.key: d for d in before}
    new = {d.key: d for d in after}
    ow, nw = _waves(before_waves), _waves(after_waves)
    changes = []
    for key in [*old, *(k for k in new if k not in old)]:
        b, a = _placed(old.get(key), ow), _placed(new.get(key), nw)
        fields = [f for f in COMPARED if (b or {}).get(f) != (a or {}).get(f)]
        if b is not None and a is not None and not fields:
            continue
        named = new.get(key) or old[key]
        change = "added" if b is None else "removed" if a is None else "changed"
        changes.append(
            {"system": key, "name": named.name, "change": change, "before": b, "after": a, "fields": fields}
        )
    return changes


def review_detail(plans: Plans, department: str, version: int) -> dict[str, Any] | None:
    """One version beside the version in force (None: no such version): its text side by side (as parsed when
    both are valid, else as submitted) and the decisions it changes (when it is valid)."""
    row = plans.book.version(department, version)
    if row is None:
        return None
    view = plans.view()
    in_force = plans.reviews.in_force(department)
    base = plans.book.version(department, in_force) if in_force else None
    parsed = row.plan is not None and (base is None or base.plan is not None)
    left = "" if base is None else plan_yaml(base.plan) if parsed and base.plan else base.content
    right = plan_yaml(row.plan) if parsed and row.plan else row.content
    changes: list[dict[str, Any]] = []
    if row.plan is not None:
        after = view.portfolio.with_plan(MigrationPlan.model_validate(row.plan))
        mine = [d for d in view.decisions if d.department == department]
        changes = decision_changes(mine, view.roadmap, after.decisions_of(department), after.roadmap)
    known = {p.department.code: p.department.name for p in view.plans}
    return {
        "department": department,
        "name": _name(row, known),
        "version": version,
        "submitted": row.submitted_at.isoformat(),
        "by": row.submitted_by,
        "valid": row.valid,
        "filename": row.filename,
        "problems": row.problems,
        "review": plans.reviews.of(department).get(version, PENDING).as_json(),
        "in_force": in_force,
        "reviewable": row.valid and (in_force is None or version > in_force),
        "parsed": parsed,
        "diff": side_by_side(left, right),
        "changes": changes,
    }
