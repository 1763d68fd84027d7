"""Requests and reclaim (资源调整与回收, issue 41) through the web API and the CLI, over the province's plans in a
real store: a department asks to resize a system, a supervisor other than the asker approves it (the asker is
refused, audited in the chain), and the render of the portfolio in force carries the new requests; a returned
request changes nothing; the ledger lists each approved change with its effect on a month's fees at the price
list, worked out here by hand; an approved keep withdraws Z3 from an idle system.

The utilization recommendation asked and approved against a real Prometheus is in tests/reports/test_money.py.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from orchestrator.cli.app import main
from orchestrator.reports import Prices
from tests.web.conftest import USERS, Web, audit_entries, build

PRICES = {"currency": "CNY", "vcpu_month": "120.50", "memory_gib_month": "15.30", "storage_gib_month": "0.35"}
CONTAINER = "630000-RST/employment-service"  # web 2 × (1 CPU, 2Gi), api 2 × (2 CPU, 4Gi): 6 vCPU, 12 GiB
VM = "630000-RST/social-insurance"  # a VM of the same components: 6 cores, 12Gi
ZOMBIE = "630000-JYT/edu-stats-old"  # Z3 (declared idle) and Z5: retired


@pytest.fixture(scope="module")
def web(province_settings: Any) -> Iterator[Web]:
    users = {**USERS, "supervisor2": ("supervisor", None)}
    w = build(None, province_settings, site=False, users=users)
    w.app.state.ctx.config.prices = Prices.model_validate(PRICES)
    yield w
    w.close()


def _workloads(files: dict[str, str], key: str) -> dict[str, tuple[str, str, int]]:
    """Each Deployment or StatefulSet of the system: (CPU request, memory request, replicas); the limits equal the
    requests."""
    department, system = key.split("/")
    found = {}
    for path, text in files.items():
        if not path.startswith(f"manifests/base/{department}/{system}/"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc and doc["kind"] in ("Deployment", "StatefulSet"):
                (c,) = doc["spec"]["template"]["spec"]["containers"]
                assert c["resources"]["limits"] == c["resources"]["requests"]
                r = c["resources"]["requests"]
                found[c["name"]] = (r["cpu"], r["memory"], doc["spec"]["replicas"])
    return found


def _vm(files: dict[str, str], key: str) -> dict[str, Any]:
    department, system = key.split("/")
    docs = yaml.safe_load_all(files[f"manifests/base/{department}/{system}/virtualmachine.yaml"])
    vm = next(d for d in docs if d["kind"] == "VirtualMachine")
    return dict(vm["spec"]["template"]["spec"]["domain"])


def _render(web: Web) -> dict[str, str]:
    return web.app.state.ctx.site.plans.view().portfolio.render()


def _monthly(cpu: str, memory: str, storage: str) -> Decimal:
    """A month of holding these at the price list, by hand."""
    return (
        Decimal(cpu) * Decimal(PRICES["vcpu_month"])
        + Decimal(memory) * Decimal(PRICES["memory_gib_month"])
        + Decimal(storage) * Decimal(PRICES["storage_gib_month"])
    ).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_a_supervisors_approval_changes_the_rendered_requests_and_the_ledger_shows_the_fee_effect(
    web: Web,
) -> None:
    before = _render(web)
    assert _workloads(before, CONTAINER) == {"web": ("1", "2Gi", 2), "api": ("2", "4Gi", 2)}
    assert _vm(before, VM)["cpu"]["cores"] == 6

    rst = web.client("rst")
    asked = rst.post(
        "/api/resources/requests",
        json={"system": CONTAINER, "kind": "resize", "cpu": 3, "memory_gib": 6, "reason": "峰值不足一半"},
    )
    assert asked.status_code == 201, asked.text
    ask = asked.json()
    assert ask["status"] == "pending" and ask["asked_by"] == "rst" and ask["basis"] == "declared"
    assert ask["from"] == {"cpu": 6.0, "memory_gib": 12.0, "storage_gib": ask["from"]["storage_gib"]}
    assert _workloads(_render(web), CONTAINER) == _workloads(before, CONTAINER)  # asked is not approved
    again = rst.post("/api/resources/requests", json={"system": CONTAINER, "cpu": 2, "memory_gib": 4})
    assert again.status_code == 409 and "等待审批" in again.json()["zh"]  # one waiting at a time
    assert rst.post(f"/api/resources/requests/{ask['id']}", json={"decision": "approve"}).status_code == 403

    approved = web.client("supervisor").post(
        f"/api/resources/requests/{ask['id']}", json={"decision": "approve", "comment": "同意"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["decided_by"] == "supervisor"
    after = _render(web)
    # halved: each component's per-replica request and limit, so the system holds 3 vCPU and 6 GiB
    assert _workloads(after, CONTAINER) == {"web": ("500m", "1Gi", 2), "api": ("1", "2Gi", 2)}
    assert _workloads(after, "630000-RST/personnel-exam") == _workloads(before, "630000-RST/personnel-exam")

    vm = web.client("supervisor").post(
        "/api/resources/requests", json={"system": VM, "kind": "resize", "cpu": 2, "memory_gib": 4}
    )
    assert vm.status_code == 201
    own = web.client("supervisor").post(
        f"/api/resources/requests/{vm.json()['id']}", json={"decision": "approve"}
    )
    assert own.status_code == 403 and own.json()["en"].startswith(
        "you cannot decide your own resources request"
    )
    assert (
        web.client("supervisor2")
        .post(f"/api/resources/requests/{vm.json()['id']}", json={"decision": "approve"})
        .json()["status"]
        == "approved"
    )
    domain = _vm(_render(web), VM)
    assert domain["cpu"]["cores"] == 2 and domain["memory"]["guest"] == "4Gi"
    assert domain["resources"]["limits"] == {"cpu": "2", "memory": "4Gi"}

    actions = [(e["actor"], e["action"], e["target"]) for e in audit_entries(web)]
    assert ("supervisor", "resources.self", VM) in actions  # the asker's try, in the chain
    assert ("supervisor", "resources.approve", CONTAINER) in actions

    listed = web.client("ops").get("/api/resources/requests?status=approved").json()
    effect = {r["system"]: r for r in listed}
    storage = str(ask["from"]["storage_gib"])
    assert Decimal(effect[CONTAINER]["monthly_before"]) == _monthly("6", "12", storage)
    assert Decimal(effect[CONTAINER]["monthly_after"]) == _monthly("3", "6", storage)
    assert Decimal(effect[CONTAINER]["monthly_effect"]) == _monthly("3", "6", storage) - _monthly(
        "6", "12", storage
    )

    ledger = web.client("supervisor").get("/api/ledger.xlsx")
    assert ledger.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(ledger.content))["资源调整 Resource changes"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {CONTAINER, VM}
    line = rows[CONTAINER]
    assert line[2] == "公共就业服务信息系统" and line[6] == "峰值不足一半" and line[8] == "supervisor"
    assert Decimal(str(line[14])) == _monthly("3", "6", storage) - _monthly("6", "12", storage)


def test_a_returned_request_changes_nothing(web: Web) -> None:
    key = "630000-RST/personnel-exam"
    before = _render(web)
    asked = web.client("rst").post("/api/resources/requests", json={"system": key, "cpu": 1, "memory_gib": 1})
    assert asked.status_code == 201
    number = asked.json()["id"]
    bare = web.client("supervisor").post(f"/api/resources/requests/{number}", json={"decision": "return"})
    assert bare.status_code == 422 and "意见" in bare.json()["zh"]  # a return says what to change
    returned = web.client("supervisor").post(
        f"/api/resources/requests/{number}", json={"decision": "return", "comment": "先观察一个月"}
    )
    assert returned.json()["status"] == "returned" and returned.json()["comment"] == "先观察一个月"
    assert _workloads(_render(web), key) == _workloads(before, key)
    assert key not in {
        r["system"] for r in web.client("ops").get("/api/resources/requests?status=approved").json()
    }
    twice = web.client("supervisor2").post(f"/api/resources/requests/{number}", json={"decision": "approve"})
    assert twice.status_code == 409  # decided once


def test_a_department_asks_only_for_its_own_and_sees_only_its_own(web: Web) -> None:
    other = web.client("czt").post(
        "/api/resources/requests", json={"system": "630000-RST/talent-db", "cpu": 1, "memory_gib": 1}
    )
    assert other.status_code == 403 and other.json()["zh"] and other.json()["en"]
    missing = web.client("rst").post(
        "/api/resources/requests", json={"system": "630000-RST/no-such", "cpu": 1, "memory_gib": 1}
    )
    assert missing.status_code == 404 and "no system" in missing.json()["en"]
    keep = web.client("rst").post(
        "/api/resources/requests", json={"system": "630000-RST/talent-db", "kind": "keep"}
    )
    assert keep.status_code == 422 and "reason" in keep.json()["en"]
    assert all(
        r["department"] == "630000-CZT" for r in web.client("czt").get("/api/resources/requests").json()
    )
    assert web.client("ops").post("/api/resources/requests", json={}).status_code == 403


def test_an_approved_keep_withdraws_z3(web: Web) -> None:
    decided = {d.key: d for d in web.app.state.ctx.site.plans.view().decisions}
    assert "Z3" in decided[ZOMBIE].rules and decided[ZOMBIE].action == "retire"
    asked = web.client("supervisor").post(
        "/api/resources/requests",
        json={"system": ZOMBIE, "kind": "keep", "reason": "年度统计季使用，省政府办公厅要求保留"},
    )
    assert asked.status_code == 201
    web.client("supervisor2").post(
        f"/api/resources/requests/{asked.json()['id']}", json={"decision": "approve"}
    )
    decided = {d.key: d for d in web.app.state.ctx.site.plans.view().decisions}
    assert "Z3" not in decided[ZOMBIE].rules and decided[ZOMBIE].action != "retire"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_the_cli_asks_decides_and_renders_the_approved_sizes(web: Web, tmp_path: Path) -> None:
    db = f"sqlite:///{web.root / 'govmig.db'}"
    key = "630000-RST/labor-inspection"
    code, out, err = run(
        "resources",
        "request",
        key,
        "--by",
        "rst",
        "--cpu",
        "1.5",
        "--memory-gib",
        "3",
        "--db",
        db,
        "--format",
        "json",
    )
    assert code == 0, err
    number = json.loads(out)["id"]
    code, _, err = run("resources", "approve", str(number), "--by", "rst", "--db", db, "--format", "json")
    assert (
        code == 1 and "不是可以审批资源申请" in err and "Traceback" not in err
    )  # a department decides nothing
    code, out, err = run(
        "resources", "approve", str(number), "--by", "supervisor", "--db", db, "--format", "json"
    )
    assert code == 0 and json.loads(out)["status"] == "approved", err
    code, _, err = run("resources", "approve", "99999", "--by", "supervisor", "--db", db)
    assert code == 2 and "没有 99999 号资源申请" in err
    code, _, err = run(
        "resources", "request", key, "--by", "rst", "--cpu", "-1", "--memory-gib", "3", "--db", db
    )
    assert code == 2 and "cpu" in err and "Traceback" not in err
    prices = tmp_path / "prices.yaml"
    prices.write_text(yaml.safe_dump(PRICES))
    code, out, err = run(
        "resources", "list", "--status", "approved", "--prices", str(prices), "--db", db, "--format", "json"
    )
    assert code == 0, err
    assert any(r["system"] == key and r["monthly_after"] for r in json.loads(out))
    code, out, err = run(
        "resources", "ledger", "-o", str(tmp_path / "ledger.xlsx"), "--prices", str(prices), "--db", db
    )
    assert code == 0, err
    sheet = openpyxl.load_workbook(tmp_path / "ledger.xlsx")["资源调整 Resource changes"]
    assert key in {r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
