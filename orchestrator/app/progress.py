"""Progress per department against its deadline (迁移上云率): systems to migrate, cut over, accepted, the rate
and whether the deadline is at risk, with the reasons (W3: planned past the deadline; not placed in any wave;
blocked; the deadline passed with systems still to move)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..policy import Action

if TYPE_CHECKING:
    from .plans import Plans

CUT_OVER = ("cut_over", "awaiting_acceptance")
ACCEPTED = ("accepted", "decommissioned")


def progress(plans: Plans) -> dict[str, Any]:
    """`{"as_of", "departments": [...], "at_risk": [codes], "total"}`; each department `{"department", "name",
    "deadline", "days_left", "to_migrate", "cut_over", "accepted", "rate", "at_risk", "risks"}`, with `rate`
    (cut over or accepted) / to migrate, None when there is nothing to migrate."""
    view = plans.view()
    states = plans.lifecycles(view.decisions)
    risks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    titles = {d.key: d.name for d in view.decisions}
    for late in view.roadmap.late:
        risks[late.system.split("/", 1)[0]].append(
            {
                "kind": "late",
                "system": late.system,
                "name": titles.get(late.system, late.system),
                "zh": late.zh,
                "en": late.en,
                "days_late": late.days_late,
            }
        )
    for u in view.roadmap.unscheduled:
        risks[u.system.split("/", 1)[0]].append(
            {
                "kind": "unscheduled",
                "system": u.system,
                "name": titles.get(u.system, u.system),
                "zh": u.zh,
                "en": u.en,
            }
        )
    rows: list[dict[str, Any]] = []
    for plan in sorted(view.plans, key=lambda p: p.department.code):
        code = plan.department.code
        mine = [d for d in view.decisions if d.department == code]
        moving = [d for d in mine if d.action is Action.migrate]
        cut = sum(1 for d in moving if d.key in states and states[d.key].state in CUT_OVER)
        accepted = sum(1 for d in moving if d.key in states and states[d.key].state in ACCEPTED)
        found = list(risks.get(code, []))
        for d in mine:
            if d.action is Action.blocked:
                found.append(
                    {
                        "kind": "blocked",
                        "system": d.key,
                        "name": d.name,
                        "rules": list(d.rules),
                        "zh": f"无法排期（{'、'.join(d.rules)}）",
                        "en": f"cannot be scheduled ({', '.join(d.rules)})",
                    }
                )
        left = len(moving) - cut - accepted
        days_left = (plan.deadline - view.as_of).days
        if days_left < 0 and left:
            found.append(
                {
                    "kind": "overdue",
                    "system": None,
                    "name": None,
                    "zh": f"期限已过，仍有 {left} 个系统未迁移",
                    "en": f"the deadline has passed with {left} systems still to move",
                }
            )
        rows.append(
            {
                "department": code,
                "name": plan.department.name,
                "deadline": plan.deadline.isoformat(),
                "days_left": days_left,
                "to_migrate": len(moving),
                "cut_over": cut,
                "accepted": accepted,
                "rate": round((cut + accepted) / len(moving), 4) if moving else None,
                "at_risk": bool(found),
                "risks": found,
            }
        )
    to_migrate = sum(r["to_migrate"] for r in rows)
    moved = sum(r["cut_over"] + r["accepted"] for r in rows)
    return {
        "as_of": view.as_of.isoformat(),
        "departments": rows,
        "at_risk": [r["department"] for r in rows if r["at_risk"]],
        "total": {
            "to_migrate": to_migrate,
            "cut_over": sum(r["cut_over"] for r in rows),
            "accepted": sum(r["accepted"] for r in rows),
            "rate": round(moved / to_migrate, 4) if to_migrate else None,
        },
    }
