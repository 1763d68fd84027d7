"""Zombie criteria: thresholds come from settings, and measured usage wins over what was declared."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from orchestrator.plan import MigrationPlan
from orchestrator.plan.usage import Measurement
from orchestrator.policy import Action, PolicySettings, assess
from tests.conftest import MINIMAL

AS_OF = date(2026, 11, 22)


def plan_with(**usage: Any) -> MigrationPlan:
    doc = copy.deepcopy(MINIMAL)
    doc["systems"][1]["usage"] = usage
    doc["systems"][1]["filing"] = {
        "project_name": "p",
        "constructing_unit": "u",
        "investment_wan": 1,
        "annual_om_wan": 1,
        "funding_channel": "fiscal",
    }
    doc["systems"][1]["security"]["mlps_filed"] = True
    doc["systems"][1]["data_resources"] = [{"name": "数据", "sharing": "conditional"}]
    doc["systems"][1]["deployment"]["components"] = [{"name": "app"}]
    return MigrationPlan.model_validate(doc)


def beta(plan: MigrationPlan, settings: PolicySettings | None = None, **measured: Any) -> Any:
    usage = {"630000-TEST/beta": Measurement(system="630000-TEST/beta", **measured)} if measured else {}
    return next(d for d in assess([plan], AS_OF, settings or PolicySettings(), usage) if d.system == "beta")


def test_z1_threshold_is_a_setting() -> None:
    plan = plan_with(last_business_use="2026-04-01")  # 235 days before AS_OF
    assert beta(plan).action is Action.retire
    assert (
        beta(plan, PolicySettings.model_validate({"zombie": {"z1_idle_business_days": 300}})).action
        is Action.migrate
    )


def test_measured_last_request_overrides_a_stale_declaration() -> None:
    plan = plan_with(last_business_use="2025-01-01")
    d = beta(plan, window_days=30, last_request=date(2026, 11, 20), requests_per_day=500)
    assert d.action is Action.migrate and "Z1" not in d.rules


def test_measured_idleness_makes_a_busy_declaration_a_zombie() -> None:
    plan = plan_with(users=5, frequency="daily", requests_per_day=900, cpu_percent=40)
    d = beta(plan, window_days=30, requests_per_day=0.2, cpu_percent=0.4, active_days=1, users=5)
    assert d.action is Action.retire and d.rules == ["P5", "Z3", "Z5"]
    z3 = next(r for r in d.reasons if r.rule == "Z3")
    assert z3.zh.startswith("实测") and "30 天内" in z3.zh and "0.2" in z3.zh and z3.en.startswith("measured")
    z5 = next(r for r in d.reasons if r.rule == "Z5")
    assert "实测" in z5.zh and "monthly" in z5.en


def test_a_measurement_shorter_than_the_window_does_not_count_for_z3() -> None:
    plan = plan_with(users=5, frequency="monthly", requests_per_day=900)
    d = beta(plan, window_days=7, requests_per_day=0.0, cpu_percent=0.1)
    assert d.action is Action.migrate


def test_z3_alone_or_z5_alone_is_not_a_zombie() -> None:
    assert (
        beta(plan_with(users=500, frequency="daily", requests_per_day=0.1, cpu_percent=0.1)).action
        is Action.migrate
    )
    assert (
        beta(plan_with(users=5, frequency="yearly", requests_per_day=40, cpu_percent=9)).action
        is Action.migrate
    )
    assert (
        beta(plan_with(users=5, frequency="yearly", requests_per_day=0.5, cpu_percent=1)).action
        is Action.retire
    )


def test_no_request_over_a_long_window_is_z1_even_without_a_date() -> None:
    d = beta(plan_with(), window_days=200, requests_per_day=0)
    assert d.action is Action.retire and "Z1" in d.rules


def test_stopped_maintenance_is_z4() -> None:
    doc = copy.deepcopy(MINIMAL)
    doc["systems"][1]["maintenance"] = {"status": "stopped"}
    d = assess([MigrationPlan.model_validate(doc)], AS_OF)[1]
    assert d.action is Action.retire and d.rules == ["P5", "Z4"]
