"""The supervisors' dashboard document: the health of the latest cycle beside what needs no monitoring.

Zombie candidates, deadline risk, lifecycle states and problems come from the portfolio and are there before
the first monitoring cycle; states arrive with the cycles. People read names, not codes, times in the site's
time zone and reasons in Chinese with English beside (the codes stay in the document for scripts).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..app import STATE_ZH, Flag, Plans, said

WORST = 200
"""How many systems, worst first, the dashboard lists one by one (the full list is GET /api/health)."""


def local_time(iso: str | None, zone: str) -> str | None:
    """ "2026-12-02 21:15" in the site's time zone: how people read a time, to the minute."""
    if not iso:
        return None
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _said(s: dict[str, Any], names: dict[str, str], titles: dict[str, str], zone: str) -> dict[str, Any]:
    """One system's row as people read it: its name and department's name beside the codes, the local time."""
    return {
        "system": s["system"],
        "name": titles.get(s["system"], s["system"]),
        "department_name": names.get(s["department"], s["department"]),
        **{k: s[k] for k in ("zone", "wave")},
        **said(s["state"], s["reason"]),  # the words beside the codes, as `govmig health` prints them
        "since": s["since"],
        "since_local": local_time(s["since"], zone),
    }


def dashboard_document(doc: dict[str, Any], port: Plans, zone: str = "Asia/Shanghai") -> dict[str, Any]:
    groups: dict[str, dict[str, Counter[str]]] = {
        k: defaultdict(Counter) for k in ("department", "wave", "zone")
    }
    for s in doc["systems"]:
        for k, g in groups.items():
            g[s[k]][s["state"]] += 1
    view = port.view()
    names = {p.department.code: p.department.name for p in view.plans}
    titles = {d.key: d.name for d in view.decisions}
    states = port.lifecycles(view.decisions)
    lifecycle = Counter(s.state for s in states.values())
    zombies = [
        {
            "system": d.key,
            "name": d.name,
            "department_name": names.get(d.department, d.department),
            "reasons": [
                {"rule": r.rule, "zh": r.zh, "en": r.en} for r in d.reasons if r.rule.startswith("Z")
            ],
        }
        for d in view.decisions
        if Flag.zombie_candidate in d.flags
    ]
    budget = sorted(
        (
            {
                "system": s["system"],
                "name": titles.get(s["system"], s["system"]),
                "budget_left": s["metrics"]["budget_left"],
            }
            for s in doc["systems"]
            if "budget_left" in s["metrics"]
        ),
        key=lambda b: b["budget_left"],
    )
    return {
        "last_cycle": doc["last_cycle"],
        "last_cycle_local": local_time(doc["last_cycle"], zone),
        "time_zone": zone,
        "prometheus_reachable": doc["prometheus_reachable"],
        "counts": doc["counts"],
        "by": {k: {name: dict(c) for name, c in sorted(g.items())} for k, g in groups.items()},
        "department_names": names,
        "alerts": [
            _said(s, names, titles, zone) for s in doc["systems"] if s["state"] in ("down", "degraded")
        ],
        "budget": budget[:20],
        "systems": [_said(s, names, titles, zone) for s in doc["systems"][:WORST]],
        "systems_total": len(doc["systems"]),
        "zombies": zombies,
        "late": [
            {**x.model_dump(mode="json"), "name": titles.get(x.system, x.system)} for x in view.roadmap.late
        ],
        # each system's lifecycle (shared/DOMAIN.md v1.1), and the problems departments raised after cutover
        "lifecycle": [
            {"state": state, "zh": STATE_ZH[state], "systems": lifecycle[state]}
            for state in STATE_ZH
            if lifecycle[state]
        ],
        "problems": [
            {"system": key, "name": titles.get(key, key), "wave": s.wave, **p}
            for key, s in sorted(states.items())
            for p in s.problems
        ],
    }
