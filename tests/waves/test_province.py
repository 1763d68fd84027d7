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
    assert r.late == EXPECTED["late"]
    w09 = next(w for w in r.waves if w.id == "W09")  # warm: the window holds the delta, the pre-sync the rest
    assert w09.presync_start is not None and (w09.start - w09.presync_start).days == 7
    assert w09.window_gb < w09.data_gb <= SCHEDULE.presync_data_gb


def test_dates_kinds_and_pilot(province_plans: list[MigrationPlan], province: dict[str, Decision]) -> None:
    r = roadmap(province_plans, province)
    starts = {w.id: (w.start.isoformat(), w.end.isoformat(), w.classified, w.pilot) for w in r.waves}
    assert starts["W01"] == ("2026-11-27T22:00:00+08:00", "2026-11-29T06:00:00+08:00", False, True)
    assert starts["W03"] == ("2026-12-04T22:00:00+08:00", "2026-12-06T06:00:00+08:00", True, False)
    assert starts["W07"][0] == "2027-01-08T22:00:00+08:00"  # 2027-01-01 is New Year's Day: no window
    assert [w.id for w in r.waves if w.pilot] == ["W01"]


def test_a_tighter_link_leaves_more_unscheduled_and_says_what_would_fit(
    province_plans: list[MigrationPlan], province: dict[str, Decision]
) -> None:
    slow = SCHEDULE.model_copy(update={"sync_bandwidth_mbps": 50})  # 492 GB a window, 2,584 GB in 7 days
    r = plan_waves(province_plans, list(province.values()), AS_OF, slow)
    said = {u.system: u for u in r.unscheduled}
    geo = said["630000-ZRZYT/geo-base-db"]  # 5,900 GB warm: more than the pre-sync's lead time carries
    assert geo.reason == "presync" and "16.0 days" in geo.en and "presync_lead_days" in geo.zh
    population = said["630000-GAT/population-db"]  # its 800 GB Oracle database moves whole in the window
    assert (
        population.reason == "group_size"
        and "87 Mbps" in population.en
        and "800 GB of databases" in population.en
    )
    sensing = said["630000-ZRZYT/remote-sensing"]  # files only: warm already, the delta alone is too much
    assert sensing.reason == "group_size" and "warm" not in sensing.en and "102 Mbps" in sensing.en
    assert said["630000-ZRZYT/land-registry"].reason == "dependency"
    assert said["630100-XNBGT/urban-grid"].reason == "dependency"
    assert said["630000-ZWFWJ/one-window"].reason == "dependency"  # through service-portal
