"""The annual figures (002 三(二)): for one year, per department and for the province — the catalog by sharing
class with the legal basis of every resource not shared, systems connected to the sharing platform, migration
against the roadmap, zombies cleared, filings complete, availability against objective from the monitoring history.

Pure: the history (when each system finished moving; its monitored samples in the year) is handed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..plan import MigrationPlan
from ..policy import Action, Decision, Flag
from ..waves import Roadmap
from .lifecycle import UNKNOWN, States

CLASSES = ("unconditional", "conditional", "not_shared", "unclassified")
CLASS_ZH = {
    "unconditional": "无条件共享",
    "conditional": "有条件共享",
    "not_shared": "不予共享",
    "unclassified": "未分类",
}
PROVINCE = "province"


@dataclass(frozen=True)
class History:
    done: Mapping[str, datetime] = field(default_factory=dict)
    """System key → when a real (not check-mode) wave finished moving it."""
    samples: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """System key → (cycles it was up, cycles it was watched) within the year."""
    retired: Mapping[str, datetime] = field(default_factory=dict)
    """System key → when `govmig retire` retired it (archived, stopped, off its front end)."""
    states: States = field(default_factory=dict)
    """System key → its lifecycle state as shown and the dates it went through (app/lifecycle.py)."""


@dataclass
class Figures:
    scope: str
    name: str
    systems: int = 0
    resources: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    not_shared: list[tuple[str, str, str | None]] = field(default_factory=list)
    platform_planned: int = 0
    platform_connected: int = 0
    to_migrate: int = 0
    planned_in_year: int = 0
    migrated_in_year: int = 0
    migrated_by_year_end: int = 0
    late: int = 0
    zombies: int = 0
    zombies_cleared: int = 0
    filings_due: int = 0
    filings_complete: int = 0
    availability: list[tuple[str, float, float]] = field(default_factory=list)
    duplicate: int = 0
    no_om_funds: list[str] = field(default_factory=list)
    lifecycle: Counter[str] = field(default_factory=Counter)
    """Lifecycle state as shown → how many of these systems are in it now."""
    lifecycle_rows: list[tuple[str, str, Mapping[str, str]]] = field(default_factory=list)
    """(system key, state as shown, its dates), in plan order."""
    titles: dict[str, str] = field(default_factory=dict)
    """System key → its name: the tables name systems as the charts do, the key beside."""

    @property
    def meeting_objective(self) -> int:
        return sum(1 for _, a, objective in self.availability if a * 100 >= objective)

    def add(self, other: Figures) -> None:
        for name, value in other.__dict__.items():
            if isinstance(value, int) and name not in ("scope",):
                setattr(self, name, getattr(self, name) + value)
            elif isinstance(value, list):
                getattr(self, name).extend(value)
            elif name == "titles":
                self.titles.update(value)
            elif isinstance(value, dict):
                for k, n in value.items():
                    getattr(self, name)[k] += n


def _department(
    plan: MigrationPlan,
    decisions: Mapping[str, Decision],
    roadmap: Roadmap,
    history: History,
    year: int,
    objective: Mapping[str, float],
) -> Figures:
    code = plan.department.code
    f = Figures(code, plan.department.name, systems=len(plan.systems))
    ends = {s: w.end for w in roadmap.waves for s in w.systems}
    late = {x.system for x in roadmap.late}
    for s in plan.systems:
        key = f"{code}/{s.id}"
        d = decisions[key]
        f.titles[key] = s.name
        for r in s.data_resources:
            cls = r.sharing.value if r.sharing else "unclassified"
            f.resources[cls] += 1
            if cls == "not_shared":
                f.not_shared.append((key, r.name, r.legal_basis))
        done = history.done.get(key)
        moved = done is not None and done.year <= year
        if "P7" in d.rules:
            f.platform_planned += 1
            f.platform_connected += int(moved)
        if d.action is Action.migrate:
            f.to_migrate += 1
            f.planned_in_year += int(key in ends and ends[key].year == year)
            f.migrated_in_year += int(done is not None and done.year == year)
            f.migrated_by_year_end += int(moved)
            f.late += int(key in late)
        if Flag.zombie_candidate in d.flags:
            f.zombies += 1
            cleared = history.retired.get(key)  # what was done, not what the plan says of its maintenance
            f.zombies_cleared += int(cleared is not None and cleared.year <= year)
        if d.action is not Action.retire:
            f.filings_due += 1
            f.filings_complete += int("P8" not in d.rules)
        up, watched = history.samples.get(key, (0, 0))
        if watched:
            f.availability.append((key, up / watched, objective[key]))
        f.duplicate += int(Flag.duplicate_collection in d.flags)
        if Flag.no_om_funds in d.flags:
            f.no_om_funds.append(key)
        if history.states:
            shown, dates = history.states.get(key, (UNKNOWN, {}))
            f.lifecycle[shown] += 1
            f.lifecycle_rows.append((key, shown, dates))
    return f


def annual_figures(
    plans: Sequence[MigrationPlan],
    decisions: Sequence[Decision],
    roadmap: Roadmap,
    history: History,
    year: int,
    objective: Mapping[str, float],
) -> list[Figures]:
    """One Figures per department (by code), then the province's."""
    by_key = {f"{d.department}/{d.system}": d for d in decisions}
    departments = [
        _department(p, by_key, roadmap, history, year, objective)
        for p in sorted(plans, key=lambda p: p.department.code)
    ]
    province = Figures(PROVINCE, "全省 Province")
    for f in departments:
        province.add(f)
    return [*departments, province]
