"""DOMAIN.md v1.2, "Clarifications of the rules": an incomplete exemption is one P4 decision, never the plan; a
system that depends on a blocked one is unscheduled (W2) with the blocking system and its rule; a dependency on a
retiring system names the replacement; a classified system that served the public says that service ends."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from orchestrator.cli.app import cli
from orchestrator.plan import MigrationPlan, load_bytes
from orchestrator.policy import Action, assess
from orchestrator.waves import plan_waves
from tests.conftest import AS_OF, EXAMPLES, dump
from tests.policy.test_cross_department import by_key, department


def _czt() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((EXAMPLES / "630000-CZT.yaml").read_text())
    return doc


def _exempted(doc: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in doc["systems"] if s.get("exemption"))


@pytest.mark.parametrize(
    ("blank", "zh", "en"),
    [
        ({"document": ""}, "批准文件", "document"),
        ({"document": "   ", "authority": None}, "批准机关、批准文件", "approving authority, document"),
        ({"reason": None}, "豁免理由", "reason"),
    ],
)
def test_an_incomplete_exemption_is_refused_by_p4_and_the_rest_of_the_plan_stands(
    blank: dict[str, Any], zh: str, en: str
) -> None:
    complete = _czt()
    doc = copy.deepcopy(complete)
    system = _exempted(doc)
    for part, value in blank.items():
        if value is None:
            del system["exemption"][part]
        else:
            system["exemption"][part] = value
    loaded = load_bytes(dump(doc), "czt.yaml", "yaml")
    assert loaded.ok, [p.en for p in loaded.problems]  # not an input error any more
    assert loaded.plan is not None
    original = load_bytes(dump(complete), "c.yaml", "yaml").plan
    assert original is not None
    before = by_key(assess([original], AS_OF))
    after = by_key(assess([loaded.plan], AS_OF))
    key = f"630000-CZT/{system['id']}"
    assert before[key].action is Action.stay
    decision = after[key]
    assert decision.action is not Action.stay and decision.target_network is not None
    assert decision.target_network.value != "private"  # the other rules placed it
    [p4] = [r for r in decision.reasons if r.rule == "P4"]
    assert "不完整" in p4.zh and zh in p4.zh and en in p4.en and "incomplete" in p4.en
    assert any(r.rule == "P4" and zh in r.zh for r in decision.fixes)
    assert "exemption_incomplete" in decision.flags
    assert len(decision.rules) > 1  # P4 and the rule that placed it (P2 or P3), and the rest
    assert {k: d.model_dump() for k, d in after.items() if k != key} == {
        k: d.model_dump() for k, d in before.items() if k != key
    }


def test_an_incomplete_exemption_in_json_decides_through_the_command_line(tmp_path: Any) -> None:
    doc = _czt()
    _exempted(doc)["exemption"]["document"] = ""
    path = tmp_path / "czt.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, default=str))
    result = CliRunner().invoke(cli, ["assess", str(path), "--format", "json", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    decisions = {d["system"]: d for d in json.loads(result.output)["decisions"]}
    assert len(decisions) == len(doc["systems"])
    decision = decisions[_exempted(doc)["id"]]
    assert decision["action"] in ("migrate", "blocked") and "P4" in decision["rules"]


def test_a_blank_exemption_is_no_exemption() -> None:
    plan = department("630000-A", exemption={"reason": "", "authority": " ", "document": ""})
    d = by_key(assess([plan], AS_OF))["630000-A/alpha"]
    assert d.action is Action.migrate and "P4" not in d.rules and "exemption_incomplete" not in d.flags


def _blocked_beta(**alpha: Any) -> list[MigrationPlan]:
    doc = department("630000-A", **alpha).model_dump(by_alias=True)
    doc["systems"][1]["filing"] = {}  # beta: incomplete filing, P8, blocked
    doc["systems"].append(
        copy.deepcopy(doc["systems"][0]) | {"id": "gamma", "name": "丙", "depends_on": ["alpha"]}
    )
    doc["systems"].append(copy.deepcopy(doc["systems"][0]) | {"id": "delta", "name": "丁", "depends_on": []})
    return [MigrationPlan.model_validate(doc)]


def test_a_system_that_depends_on_a_blocked_one_is_unscheduled_with_the_blocking_system_and_rule() -> None:
    plans = _blocked_beta()
    decisions = assess(plans, AS_OF)
    index = by_key(decisions)
    assert index["630000-A/beta"].action is Action.blocked
    assert index["630000-A/alpha"].action is Action.migrate
    roadmap = plan_waves(plans, decisions, AS_OF)
    placed = {k for w in roadmap.waves for k in w.systems}
    stuck = {u.system: u for u in roadmap.unscheduled}
    assert "630000-A/alpha" not in placed and "630000-A/gamma" not in placed
    assert "630000-A/delta" in placed  # what depends on nothing blocked is scheduled as before
    alpha = stuck["630000-A/alpha"]
    assert alpha.reason == "depends_on_blocked"
    assert (
        "630000-A/beta" in alpha.zh and "P8" in alpha.zh and "630000-A/beta" in alpha.en and "P8" in alpha.en
    )
    assert stuck["630000-A/gamma"].reason == "dependency" and "630000-A/alpha" in stuck["630000-A/gamma"].en
    assert not any(late.system == "630000-A/alpha" for late in roadmap.late)
    # every migrating system exactly once, in a wave or unscheduled (waves v1)
    migrating = [d.key for d in decisions if d.action is Action.migrate]
    assert sorted(migrating) == sorted([*placed, *stuck])
    note = next(n for n in index["630000-A/alpha"].notes if n.code == "depends_on_blocked")
    assert "P8" in note.zh and "630000-A/beta" in note.en


def test_plan_json_and_the_printed_roadmap_say_why(tmp_path: Any) -> None:
    [plan] = _blocked_beta()
    path = tmp_path / "a.yaml"
    path.write_bytes(dump(plan.model_dump(mode="json", by_alias=True, exclude_none=True)))
    runner = CliRunner()
    result = runner.invoke(cli, ["plan", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    unscheduled = {u["system"]: u for u in json.loads(result.output)["unscheduled"]}
    assert unscheduled["630000-A/alpha"]["reason"] == "depends_on_blocked"
    text = runner.invoke(cli, ["plan", str(path), "-o", str(tmp_path / "out")])
    assert text.exit_code == 0, text.output
    assert "alpha" in text.output and "630000-A/beta" in text.output and "P8" in text.output


def test_a_dependency_on_a_retiring_system_names_its_replacement() -> None:
    doc = department("630000-A").model_dump(by_alias=True)
    doc["systems"][1]["replaced_by"] = "gamma"  # beta retires (Z2), replaced by gamma
    doc["systems"].append(copy.deepcopy(doc["systems"][0]) | {"id": "gamma", "name": "丙", "depends_on": []})
    d = by_key(assess([MigrationPlan.model_validate(doc)], AS_OF))
    assert d["630000-A/beta"].action is Action.retire
    note = next(n for n in d["630000-A/alpha"].notes if n.code == "depends_on_retired")
    assert "630000-A/gamma" in note.zh and "replacement '630000-A/gamma'" in note.en
    assert "fix" not in note.en

    doc["systems"][1].pop("replaced_by")
    doc["systems"][1]["maintenance"] = {"status": "stopped"}  # retires (Z4) with no replacement
    d = by_key(assess([MigrationPlan.model_validate(doc)], AS_OF))
    note = next(n for n in d["630000-A/alpha"].notes if n.code == "depends_on_retired")
    assert "no replacement" in note.en and "fix" not in note.en


def test_a_classified_system_that_serves_the_public_says_its_public_service_ends() -> None:
    doc = department("630000-A").model_dump(by_alias=True)
    for sid, public in ((0, True), (1, False)):
        doc["systems"][sid]["security"].update(classified="secret", classified_filed=True)
        doc["systems"][sid]["network"]["internet_facing"] = public
    d = by_key(assess([MigrationPlan.model_validate(doc)], AS_OF))
    public, closed = d["630000-A/alpha"], d["630000-A/beta"]
    assert public.target_network is not None and public.target_network.value == "egov_internal"
    assert public.zone is not None and public.zone.value == "internal"
    [p1] = [r for r in public.reasons if r.rule == "P1"]
    assert "公众" in p1.zh and "public service ends" in p1.en
    assert "public_service_ends" in public.flags
    assert any(n.code == "public_service_ends" for n in public.notes)
    assert "public_service_ends" not in closed.flags


def test_validate_names_the_department_and_its_systems_when_one_field_fails(tmp_path: Any) -> None:
    doc = _czt()
    doc["systems"][0]["security"]["mlps_level"] = "五级"
    path = tmp_path / "czt.yaml"
    path.write_bytes(dump(doc))
    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 2
    [summary] = json.loads(result.output)["plans"]
    assert summary["valid"] is False
    assert summary["department"] == "630000-CZT" and summary["systems"] == len(doc["systems"])
