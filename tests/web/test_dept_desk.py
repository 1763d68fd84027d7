"""A department clerk's day over the API: the plan form's schema in both languages, checking YAML, JSON (as the form
builds it) and the Excel template without storing anything and every error in its place, the plan in force to
start from, two versions side by side with the assessment's changes, and "my systems" with state, wave and health."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pytest
import yaml

from orchestrator.app import build_template
from orchestrator.plan import MigrationPlan
from orchestrator.policy import PolicySettings
from orchestrator.store import HealthStore
from orchestrator.store.health import StateRow
from tests.conftest import EXAMPLES
from tests.web.conftest import MINE, OTHER, Web, build, record_cut_over


@pytest.fixture(scope="module")
def web(province_settings: PolicySettings) -> Iterator[Web]:
    """The example province's plans as approved versions; no tree, no wave runs here."""
    w = build(None, province_settings, site=False)
    yield w
    w.close()


def plan_doc(department: str = MINE) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{department}.yaml").read_text(encoding="utf-8"))
    return doc


def as_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, default=str)


def versions(web: Web, department: str = MINE) -> list[dict[str, Any]]:
    r = web.client("supervisor").get(f"/api/plans/{department}/versions")
    assert r.status_code == 200, r.text
    return list(r.json())


def test_the_schema_labels_every_field_in_both_languages_and_names_every_choice_in_chinese(web: Web) -> None:
    r = web.client("rst").get("/api/plans/schema")
    assert r.status_code == 200, r.text
    schema = r.json()
    assert schema["properties"]["apiVersion"]["x-label"] == {"zh": "契约版本", "en": "Contract version"}
    models = {k: v for k, v in schema["$defs"].items() if "properties" in v} | {"MigrationPlan": schema}
    assert {"System", "Department", "Component", "Database", "Security"} <= set(models)
    for name, model in models.items():
        assert model["x-label"]["zh"] and model["x-label"]["en"], name
        for field, prop in model["properties"].items():
            label = prop.get("x-label", {})
            assert label.get("zh") and label.get("en"), f"{name}.{field} has no label"
            assert label["zh"] != field and label["en"] != field
    network = {o["value"]: o for o in schema["$defs"]["Network"]["x-options"]}
    assert network["egov_internal"]["zh"] == "电子政务内网" and network["egov_internal"]["en"]
    engines = {o["value"]: o["zh"] for o in schema["$defs"]["DatabaseEngine"]["x-options"]}
    assert engines["dameng"] != "dameng" and engines["kingbase"] != "kingbase"
    deadline = schema["properties"]["deadline"]
    assert deadline["format"] == "date" and deadline["x-help"]["zh"]
    assert web.client().get("/api/plans/schema").status_code == 401
    assert web.client("sys").get("/api/plans/schema").status_code == 403


def test_yaml_and_the_forms_json_are_checked_without_storing_each_error_in_its_place(web: Web) -> None:
    c = web.client("rst")
    before = versions(web)
    doc = plan_doc()
    doc["systems"][0]["security"]["mlps_level"] = 9
    doc["systems"][1]["deployment"]["kind"] = "vmm"
    del doc["systems"][2]["name"]
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    checked = c.post(f"/api/plans/{MINE}/validate", data={"content": text, "filename": "plan.yaml"}).json()
    assert checked["valid"] is False
    places = {p["place"]["field"]: p for p in checked["problems"]}
    assert set(places) == {
        "systems[0].security.mlps_level",
        "systems[1].deployment.kind",
        "systems[2].name",
    }
    mlps = places["systems[0].security.mlps_level"]
    line = text.splitlines()[mlps["place"]["line"] - 1]
    assert "mlps_level: 9" in line and mlps["place"]["column"] == line.index("9") + 1
    assert "等保级别" in mlps["zh"] and "mlps_level" in mlps["en"] and mlps["location"].startswith("line ")

    form = c.post(
        f"/api/plans/{MINE}/validate", data={"content": as_json(doc), "filename": "plan.json"}
    ).json()
    assert {p["place"]["field"] for p in form["problems"]} == set(places)
    assert all(p["zh"] and p["en"] and p["location"] for p in form["problems"])

    broken = c.post(f"/api/plans/{MINE}/validate", data={"content": "a: [1,\n b: 2", "filename": "plan.yaml"})
    [syntax] = broken.json()["problems"]
    assert syntax["place"]["line"] == 3 and syntax["zh"].startswith("YAML 语法错误")

    good = c.post(
        f"/api/plans/{MINE}/validate", data={"content": as_json(plan_doc()), "filename": "plan.json"}
    )
    assert good.json()["valid"] is True and len(good.json()["assessment"]) == len(doc["systems"])
    assert versions(web) == before  # checking stores nothing


def excel_with_errors() -> bytes:
    plan = MigrationPlan.model_validate(plan_doc())
    wb = openpyxl.load_workbook(io.BytesIO(build_template(plan)))
    systems = wb["系统 Systems"]
    keys = [c.value for c in systems[2]]
    systems.cell(row=4, column=keys.index("security.mlps_level") + 1).value = "五级"
    wb["数据库 Databases"].cell(row=4, column=2).value = "sybase"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_excel_plan_is_checked_without_storing_each_error_at_its_sheet_row_and_column(web: Web) -> None:
    c = web.client("rst")
    before = versions(web)
    upload = {"file": ("计划.xlsx", excel_with_errors(), "application/octet-stream")}
    checked = c.post(f"/api/plans/{MINE}/validate", files=upload).json()
    assert checked["valid"] is False
    by_sheet = {p["place"]["sheet"]: p for p in checked["problems"]}
    mlps = by_sheet["系统 Systems"]["place"]
    assert mlps == {
        "field": "systems[0].security.mlps_level",
        "sheet": "系统 Systems",
        "row": 4,
        "column": "R",
        "header": "等保级别*",
    }
    engine = by_sheet["数据库 Databases"]
    assert engine["place"]["row"] == 4 and engine["place"]["column"] == "B"
    assert "sybase" in engine["zh"] and "sybase" in engine["en"]
    read = checked["document"]  # what the workbook held, for the form to show beside its errors
    assert read["systems"][0]["security"]["mlps_level"] == "五级"
    assert read["systems"][0]["deployment"]["databases"][0]["engine"] == "sybase"
    assert read["deadline"] == str(plan_doc()["deadline"]) and read["department"]["code"] == MINE
    assert versions(web) == before  # checking stores nothing

    template = c.get("/api/plans/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    filled = openpyxl.load_workbook(io.BytesIO(c.get(f"/api/plans/{MINE}/template.xlsx").content))
    assert filled["系统 Systems"].cell(row=4, column=1).value == plan_doc()["systems"][0]["id"]


def test_the_plan_in_force_starts_the_form_else_the_latest_valid_version(web: Web) -> None:
    rst = web.client("rst")
    r = rst.get(f"/api/plans/{MINE}/current")
    assert r.status_code == 200, r.text
    current = r.json()
    assert current["in_force"] is True and current["plan"]["apiVersion"] == "govmig/v1"
    assert current["plan"]["department"]["code"] == MINE and len(current["plan"]["systems"]) == 10
    assert rst.get(f"/api/plans/{OTHER}/current").status_code == 404  # another department's: not there

    accounts = web.app.state.ctx.accounts
    accounts.add_department("630000-NEW", "新设部门", "test")
    supervisor, ops = web.client("supervisor"), web.client("ops")
    missing = supervisor.get("/api/plans/630000-NEW/current")
    assert missing.status_code == 404 and missing.json()["zh"] and missing.json()["en"]
    doc = plan_doc()
    doc["department"]["code"] = "630000-NEW"
    doc["systems"] = doc["systems"][:2]
    body = {"content": as_json(doc), "filename": "plan.json"}
    submitted = ops.post("/api/plans/630000-NEW", data=body).json()
    assert submitted["valid"] is True, submitted["problems"]
    doc["systems"][0]["name"] = "未通过的版本"
    doc["systems"][0]["security"]["mlps_level"] = 0
    ops.post("/api/plans/630000-NEW", data={"content": as_json(doc), "filename": "plan.json"})
    latest = supervisor.get("/api/plans/630000-NEW/current").json()
    assert latest["version"] == submitted["version"] and latest["in_force"] is False
    assert len(latest["plan"]["systems"]) == 2


def test_two_versions_side_by_side_with_the_decisions_they_change(web: Web) -> None:
    rst = web.client("rst")
    in_force = rst.get(f"/api/plans/{MINE}/current").json()["version"]
    doc = plan_doc()
    doc["systems"][0]["security"]["classified"] = "secret"
    doc["systems"][0]["security"]["classified_filed"] = True
    submitted = rst.post(f"/api/plans/{MINE}", data={"content": as_json(doc), "filename": "plan.json"}).json()
    assert submitted["valid"] is True, submitted["problems"]
    assert "document" not in submitted and "plan" not in submitted
    r = rst.get(f"/api/plans/{MINE}/compare", params={"a": in_force, "b": submitted["version"]})
    assert r.status_code == 200, r.text
    compared = r.json()
    assert compared["parsed"] is True and compared["changed_lines"] >= 1
    changed = [row for row in compared["rows"] if row["op"] != "equal"]
    assert any(
        row["left"]
        and row["right"]
        and "classified: none" in row["left_text"]
        and "secret" in row["right_text"]
        for row in changed
    )
    equal = [row for row in compared["rows"] if row["op"] == "equal"]
    assert equal and all(row["left_text"] == row["right_text"] for row in equal)
    assert not [row for row in compared["rows"] if row["op"] == "skip"]  # the page folds, on demand
    first = doc["systems"][0]["id"]
    [change] = [c for c in compared["assessment"] if c["system"] == first]
    assert change["kind"] == "changed" and "network" in change["fields"]
    assert change["b"]["network"] == "egov_internal" and change["a"]["network"] != "egov_internal"
    assert change["name"] == doc["systems"][0]["name"]
    assert {c["system"] for c in compared["assessment"]} <= {s["id"] for s in doc["systems"]}

    missing = rst.get(f"/api/plans/{MINE}/compare", params={"a": in_force, "b": 999})
    assert missing.status_code == 404 and missing.json()["en"] == "no version 999"
    other = web.client("czt").get(f"/api/plans/{MINE}/compare", params={"a": 1, "b": 1})
    assert other.status_code == 404


def test_my_systems_by_name_with_state_wave_health_and_what_to_do_next(web: Web) -> None:
    rst = web.client("rst")
    key = f"{MINE}/salary-mgmt"
    record_cut_over(web, key)
    at = datetime(2026, 11, 30, 8, 5, tzinfo=UTC)
    row = StateRow(key, MINE, "extranet", "W01", "degraded", "slow", at, None, 0, {})
    HealthStore(web.app.state.ctx.config.engine).record_cycle(at, 0.1, 10, True, [row], [], [])
    for _ in range(30):  # the health document is looked at again at most once a second
        mine = rst.get("/api/dept/systems").json()
        if mine["last_cycle"]:
            break
        time.sleep(0.1)
    assert mine["department"] == MINE
    systems = {s["system"]: s for s in mine["systems"]}
    assert set(systems) == {s["id"] for s in plan_doc()["systems"]}
    salary = systems["salary-mgmt"]
    assert salary["name"] == "机关事业单位工资管理系统" and salary["key"] == key
    assert salary["lifecycle"]["state"] == "cut_over" and salary["state_zh"] == "已切换"
    assert salary["wave"] == "W01" and salary["answers"] == ["accept", "problem"]
    assert salary["health"]["state"] == "degraded" and salary["health"]["state_zh"]
    assert salary["lifecycle"]["next"]["zh"] and salary["lifecycle"]["next"]["en"]
    others = [s for s in systems.values() if s["system"] != "salary-mgmt"]
    assert all(s["health"] is None and s["answers"] == [] for s in others)

    accepted = rst.post(f"/api/systems/{MINE}/salary-mgmt/accept", json={"comment": "核对无误"})
    assert accepted.status_code == 200, accepted.text
    again = {s["system"]: s for s in rst.get("/api/dept/systems").json()["systems"]}["salary-mgmt"]
    assert again["lifecycle"]["state"] == "accepted" and again["answers"] == []

    supervisor = web.client("supervisor")
    assert supervisor.get("/api/dept/systems").status_code == 422  # a supervisor names the department
    seen = supervisor.get("/api/dept/systems", params={"department": MINE}).json()
    assert {s["system"] for s in seen["systems"]} == set(systems)
    assert rst.get("/api/dept/systems", params={"department": OTHER}).status_code == 404
