"""Decisions that need the whole portfolio: replacements and dependencies across departments."""

from __future__ import annotations

import copy
from datetime import date

from orchestrator.plan import MigrationPlan
from orchestrator.policy import Action, Decision, assess
from tests.conftest import MINIMAL

AS_OF = date(2026, 11, 22)


def department(code: str, **edits: object) -> MigrationPlan:
    doc = copy.deepcopy(MINIMAL)
    doc["department"]["code"] = code
    for system in doc["systems"]:
        system["filing"] = {
            "project_name": "p",
            "constructing_unit": "u",
            "investment_wan": 1,
            "annual_om_wan": 1,
            "funding_channel": "fiscal",
        }
        system["security"]["mlps_filed"] = True
        system["data_resources"] = [{"name": "数据", "sharing": "conditional"}]
        system["deployment"]["components"] = [{"name": "web"}]
    doc["systems"][0].update(edits)
    return MigrationPlan.model_validate(doc)


def by_key(decisions: list[Decision]) -> dict[str, Decision]:
    return {d.key: d for d in decisions}


def test_replaced_by_a_system_of_another_department() -> None:
    a = department("630000-A", replaced_by="630000-B/beta", depends_on=[])
    b = department("630000-B")
    d = by_key(assess([a, b], AS_OF))
    assert d["630000-A/alpha"].action is Action.retire and d["630000-A/alpha"].rules == ["P5", "Z2"]
    assert "replacement_unavailable" not in d["630000-A/alpha"].flags


def test_replacement_that_is_itself_retired_is_noted() -> None:
    a = department("630000-A", replaced_by="630000-B/alpha", depends_on=[])
    b = department("630000-B", maintenance={"status": "stopped"})
    d = by_key(assess([a, b], AS_OF))["630000-A/alpha"]
    assert "replacement_unavailable" in d.flags and "也将清理" in d.notes[0].zh


def test_depending_on_a_retired_system_in_another_department_is_flagged() -> None:
    a = department("630000-A", depends_on=["630000-B/beta"])
    b_doc = department("630000-B").model_dump(by_alias=True)
    b_doc["systems"][1]["maintenance"] = {"status": "stopped"}
    b = MigrationPlan.model_validate(b_doc)
    d = by_key(assess([a, b], AS_OF))["630000-A/alpha"]
    assert "depends_on_retired" in d.flags
    assert any(n.code == "depends_on_retired" and "630000-B/beta" in n.zh for n in d.notes)


def test_depending_on_a_blocked_system_is_flagged() -> None:
    a = department("630000-A")
    a_doc = a.model_dump(by_alias=True)
    a_doc["systems"][1]["filing"] = {}
    d = by_key(assess([MigrationPlan.model_validate(a_doc)], AS_OF))
    assert d["630000-A/beta"].action is Action.blocked
    assert "depends_on_blocked" in d["630000-A/alpha"].flags


def test_external_system_depending_on_an_internal_one_is_flagged() -> None:
    a_doc = department("630000-A").model_dump(by_alias=True)
    a_doc["systems"][1]["security"]["classified"] = "secret"
    a_doc["systems"][1]["security"]["classified_filed"] = True
    d = by_key(assess([MigrationPlan.model_validate(a_doc)], AS_OF))
    assert d["630000-A/beta"].target_network.value == "egov_internal"  # type: ignore[union-attr]
    assert "cross_network_dependency" in d["630000-A/alpha"].flags


def test_classified_bureau_system_consolidates_inside_the_internal_network() -> None:
    a_doc = department("630000-A", owner_unit="机要处").model_dump(by_alias=True)
    a_doc["systems"][0]["security"].update(classified="secret", classified_filed=True)
    d = by_key(assess([MigrationPlan.model_validate(a_doc)], AS_OF))["630000-A/alpha"]
    assert d.consolidate_into == "630000-A/integrated-internal" and "内网" in next(
        r.zh for r in d.reasons if r.rule == "P6"
    )
