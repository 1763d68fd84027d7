"""A department submits, sees its errors located, corrects, and keeps every version; the assessment comes back
beside the plan; the Excel template uploads like the YAML; a plan for another department is refused."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import EXAMPLES
from tests.web.conftest import MINE, OTHER, Web, audit_entries


@pytest.fixture(scope="module")
def web(plain_web: Web) -> Web:
    """No wave runs in this module."""
    return plain_web


def plan_text(department: str = MINE) -> str:
    return (EXAMPLES / f"{department}.yaml").read_text(encoding="utf-8")


def test_errors_are_located_then_fixed_and_every_version_is_kept(web: Web) -> None:
    c = web.client("rst")
    before = len(c.get(f"/api/plans/{MINE}/versions").json())
    good = plan_text()
    doc = yaml.safe_load(good)
    doc["systems"][0]["security"]["mlps_level"] = 9
    bad = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    checked = c.post(f"/api/plans/{MINE}/validate", data={"content": bad, "filename": "plan.yaml"}).json()
    assert checked["valid"] is False and checked["assessment"] == []
    problem = next(p for p in checked["problems"] if "mlps_level" in p["location"])
    assert problem["location"].startswith("line ") and problem["zh"] and problem["en"]
    assert len(c.get(f"/api/plans/{MINE}/versions").json()) == before  # validating saves nothing

    submitted = c.post(f"/api/plans/{MINE}", data={"content": bad, "filename": "plan.yaml"}).json()
    assert submitted["version"] == before + 1 and submitted["valid"] is False
    fixed = c.post(f"/api/plans/{MINE}", data={"content": good, "filename": "plan.yaml"}).json()
    assert fixed["version"] == before + 2 and fixed["valid"] is True and fixed["problems"] == []
    assert {d["department"] for d in fixed["assessment"]} == {MINE} and len(fixed["assessment"]) == len(
        doc["systems"]
    )

    versions = c.get(f"/api/plans/{MINE}/versions").json()
    assert [v["valid"] for v in versions[-2:]] == [False, True]
    diff = c.get(f"/api/plans/{MINE}/diff", params={"a": before + 1, "b": before + 2}).json()
    assert diff["parsed"] is False and "mlps_level: 9" in diff["diff"]
    raw = c.get(f"/api/plans/{MINE}/versions/{before + 1}").json()
    assert raw["content"] == bad and raw["problems"] and raw["submitted_by"] == "rst"
    audit = audit_entries(web)
    assert [
        a["result"] for a in audit if a["target"] in (f"{MINE}/v{before + 1}", f"{MINE}/v{before + 2}")
    ] == ["invalid", "valid"]  # oldest first


def test_the_excel_template_uploads_and_a_plan_for_another_department_is_refused(web: Web) -> None:
    c = web.client("ops")
    xlsx = next(EXAMPLES.glob("*.xlsx"))
    department = xlsx.stem
    r = c.post(
        f"/api/plans/{department}", files={"file": (xlsx.name, xlsx.read_bytes(), "application/octet-stream")}
    )
    assert r.status_code == 200 and r.json()["valid"] is True, r.json()["problems"][:3]
    stored = c.get(f"/api/plans/{department}/versions/{r.json()['version']}").json()
    assert yaml.safe_load(stored["content"])["department"]["code"] == department  # kept as parsed YAML
    before = len(c.get(f"/api/plans/{MINE}/versions").json())
    wrong = web.client("rst").post(
        f"/api/plans/{MINE}", data={"content": plan_text(OTHER), "filename": "p.yaml"}
    )
    assert wrong.status_code == 422
    assert wrong.json()["en"].startswith(f"the plan is for department {OTHER}, not {MINE}")
    assert len(c.get(f"/api/plans/{MINE}/versions").json()) == before  # refused, not kept
    bad_type = c.post(
        f"/api/plans/{MINE}/validate", files={"file": ("plan.txt", b"x: 1", "text/plain")}
    ).json()
    assert bad_type["valid"] is False and "only .yaml" in bad_type["problems"][0]["en"]


def test_a_new_version_feeds_the_waves_only_once_a_supervisor_approves_it(web: Web) -> None:
    """submit → return with a comment → resubmit → approve: the approved version stays in force meanwhile."""
    ops, rst, supervisor = web.client("ops"), web.client("rst"), web.client("supervisor")

    def names() -> dict[str, str]:
        return {d["system"]: d["name"] for d in ops.get(f"/api/decisions?department={MINE}").json()}

    def submit(name: str) -> int:
        doc = yaml.safe_load(plan_text())
        doc["systems"][0]["name"] = name
        body = {"content": yaml.safe_dump(doc, allow_unicode=True), "filename": "p.yaml"}
        r = rst.post(f"/api/plans/{MINE}", data=body)
        assert r.json()["valid"] is True, r.text
        return int(r.json()["version"])

    first, before = yaml.safe_load(plan_text())["systems"][0]["id"], names()
    waiting = submit("改名后的系统 renamed system")
    assert names() == before  # waiting for review: the approved version stays in force
    listed = {v["version"]: v for v in rst.get(f"/api/plans/{MINE}/versions").json()}
    assert listed[waiting]["review"]["status"] == "pending" and not listed[waiting]["in_force"]
    assert sum(v["in_force"] for v in listed.values()) == 1

    url = f"/api/plans/{MINE}/versions/{waiting}/review"
    for who in (ops, rst):  # neither the department nor ops reviews
        assert who.post(url, json={"decision": "approve"}).status_code == 403
    assert supervisor.post(url, json={"decision": "return"}).status_code == 422  # a return says why
    comment = "请补充等保备案号 <script>alert(1)</script>"
    r = supervisor.post(url, json={"decision": "return", "comment": comment})
    assert r.status_code == 200 and r.json()["review"]["status"] == "returned", r.text
    seen = {v["version"]: v["review"] for v in rst.get(f"/api/plans/{MINE}/versions").json()}[waiting]
    assert seen["status"] == "returned" and seen["comment"] == comment and seen["by"] == "supervisor"
    # kept as the reviewer wrote it, as data: the console draws it as text (tests/web/test_console_dept.py)
    assert rst.get(f"/api/plans/{MINE}/versions").headers["content-type"].startswith("application/json")
    assert names() == before

    again = submit("改名后的系统 renamed system")
    r = supervisor.post(f"/api/plans/{MINE}/versions/{again}/review", json={"decision": "approve"})
    assert r.status_code == 200, r.text
    assert names()[first] == "改名后的系统 renamed system"  # in force now: assessment, waves, render
    assert supervisor.post(url, json={"decision": "approve"}).status_code == 409  # superseded
    audit = audit_entries(web)
    reviewed = [(a["target"], a["result"]) for a in audit if a["action"] == "plan.review"]
    assert (f"{MINE}/v{waiting}", "returned") in reviewed and (f"{MINE}/v{again}", "approved") in reviewed
