"""Late systems name what held them back: capacity, a dependency, or no window before the deadline."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from orchestrator.plan import MigrationPlan
from orchestrator.policy import assess
from orchestrator.waves import WaveSettings, plan_waves
from tests.conftest import MINIMAL

AS_OF = date(2026, 11, 22)


def plan(deadline: str, count: int, chain: bool = False) -> MigrationPlan:
    doc = copy.deepcopy(MINIMAL)
    doc["deadline"] = deadline
    template = doc["systems"][1]
    template.update(
        filing={
            "project_name": "p",
            "constructing_unit": "u",
            "investment_wan": 1,
            "annual_om_wan": 1,
            "funding_channel": "fiscal",
        },
        data_resources=[{"name": "数据", "sharing": "conditional"}],
    )
    template["security"]["mlps_filed"] = True
    template["deployment"]["components"] = [{"name": "app"}]
    systems: list[dict[str, Any]] = []
    for n in range(count):
        s = copy.deepcopy(template)
        s["id"] = f"s{n}"
        s["depends_on"] = [f"s{n - 1}"] if chain and n else []
        systems.append(s)
    doc["systems"] = systems
    return MigrationPlan.model_validate(doc)


def test_capacity_binds_when_waves_before_the_deadline_are_full() -> None:
    p = plan("2026-12-10", 4)  # windows 11-27 and 12-04 fit before it
    r = plan_waves([p], assess([p], AS_OF), AS_OF, WaveSettings(max_systems=1, pilot_size=0))
    assert [len(w.systems) for w in r.waves] == [1, 1, 1, 1]
    assert [(x.system, x.binding) for x in r.late] == [
        ("630000-TEST/s2", "capacity"),
        ("630000-TEST/s3", "capacity"),
    ]
    assert r.late[0].days_late == 3 and "已满" in r.late[0].zh and "full" in r.late[0].en


def test_window_binds_when_none_opens_before_the_deadline() -> None:
    p = plan("2026-11-25", 1)
    r = plan_waves([p], assess([p], AS_OF), AS_OF, WaveSettings(pilot_size=0))
    [late] = r.late
    assert late.binding == "window" and late.planned_end.date() == date(2026, 11, 29)


def test_dependency_binds_when_what_it_needs_moves_too_late() -> None:
    # a chain s0 <- s1 <- s2 would fit one wave, but the department limit of 1 spreads it over three windows:
    # s1 was ready on 11-27 and only the limit held it (capacity); s2 could not start before s1 had moved,
    # after the deadline (dependency)
    p = plan("2026-12-01", 3, chain=True)
    r = plan_waves([p], assess([p], AS_OF), AS_OF, WaveSettings(max_per_department=1, pilot_size=0))
    assert [w.systems for w in r.waves] == [["630000-TEST/s0"], ["630000-TEST/s1"], ["630000-TEST/s2"]]
    assert {x.system: x.binding for x in r.late} == {
        "630000-TEST/s1": "capacity",
        "630000-TEST/s2": "dependency",
    }
    s1 = next(x for x in r.late if x.system.endswith("s1"))
    assert "每部门" in s1.zh and "per department" in s1.en


def test_holidays_are_skipped() -> None:
    p = plan("2027-06-30", 2)
    r = plan_waves(
        [p], assess([p], date(2026, 9, 20)), date(2026, 9, 20), WaveSettings(max_systems=1, pilot_size=0)
    )
    # 2026-09-25 (Mid-Autumn) and 2026-10-02 (National Day) are holidays
    assert [w.start.date().isoformat() for w in r.waves] == ["2026-10-09", "2026-10-16"]


def test_a_system_and_what_it_depends_on_both_simple_enough_for_the_pilot() -> None:
    # s1 depends on s0 and both are among the simplest: the pilot takes s0 alone (it holds only systems with
    # nothing still to move), s1 follows in the next window; nothing is lost, nothing raises
    p = plan("2027-06-30", 2, chain=True)
    r = plan_waves([p], assess([p], AS_OF), AS_OF, WaveSettings(pilot_size=3))
    assert [(w.pilot, w.systems) for w in r.waves] == [
        (True, ["630000-TEST/s0"]),
        (False, ["630000-TEST/s1"]),
    ]
    assert r.waves[0].end <= r.waves[1].start and not r.unscheduled and not r.late
