"""The example province's waves against the plan derived by hand (tests/waves/expected_province_waves.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestrator.plan import MigrationPlan
from orchestrator.policy import Decision
from orchestrator.waves import Roadmap, WaveSettings, plan_waves
from tests.conftest import AS_OF, ROOT

EXPECTED = yaml.safe_load(
    Path(__file__).with_name("expected_province_waves.yaml").read_text(encoding="utf-8")
)
SCHEDULE = WaveSettings.model_validate(yaml.safe_load((ROOT / "examples" / "schedule.yaml").read_text()))


def roadmap(plans: list[MigrationPlan], decisions: dict[str, Decision]) -> Roadmap:
    return plan_waves(plans, list(decisions.values()), AS_OF, SCHEDULE)


def test_waves_as_derived_by_hand(province_plans: list[MigrationPlan], province: dict[str, Decision]) -> None:
    r = roadmap(province_plans, province)
    assert {w.id: w.systems for w in r.waves} == {k: v for k, v in EXPECTED.items() if k.startswith("W")}
    assert [u.system for u in r.unscheduled] == EXPECTED["unscheduled"]
    assert r.unscheduled[0].reason == "group_size" and "20000 GB" in r.unscheduled[0].zh
    assert r.late == EXPECTED["late"]


def test_dates_kinds_and_pilot(province_plans: list[MigrationPlan], province: dict[str, Decision]) -> None:
    r = roadmap(province_plans, province)
    starts = {w.id: (w.start.isoformat(), w.end.isoformat(), w.classified, w.pilot) for w in r.waves}
    assert starts["W01"] == ("2026-11-27T22:00:00+08:00", "2026-11-29T06:00:00+08:00", False, True)
    assert starts["W03"] == ("2026-12-04T22:00:00+08:00", "2026-12-06T06:00:00+08:00", True, False)
    assert starts["W07"][0] == "2027-01-08T22:00:00+08:00"  # 2027-01-01 is New Year's Day: no window
    assert [w.id for w in r.waves if w.pilot] == ["W01"]


def test_a_tighter_link_leaves_more_unscheduled(
    province_plans: list[MigrationPlan], province: dict[str, Decision]
) -> None:
    slow = SCHEDULE.model_copy(update={"sync_bandwidth_mbps": 200})
    r = plan_waves(province_plans, list(province.values()), AS_OF, slow)
    reasons = {u.system: u.reason for u in r.unscheduled}
    assert reasons["630000-ZRZYT/geo-base-db"] == "group_size"  # 5,900 GB > 1,969 GB
    assert reasons["630000-ZRZYT/land-registry"] == "dependency"
    assert reasons["630100-XNBGT/urban-grid"] == "dependency"
    assert reasons["630000-GAT/population-db"] == "group_size"  # exactly 2,000 GB
    assert reasons["630000-ZWFWJ/one-window"] == "dependency"  # through service-portal
