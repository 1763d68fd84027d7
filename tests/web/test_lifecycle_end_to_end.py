"""The whole lifecycle through the real service and rehearsal sites (shared/DOMAIN.md v1.1), one department:
it submits, a supervisor returns it with a comment, it submits again and the supervisor approves; ops render
and run the wave for real (Ansible moves the files and both databases on the site); the department accepts its
systems; ops decommission a source from the wave's page; the zombie is retired (`govmig retire`), and the
annual report, the ledger and the decisions all say so, from the records.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from orchestrator.cli.app import cli
from orchestrator.lab import down, up
from orchestrator.policy import PolicySettings
from orchestrator.store import utcnow
from orchestrator.waves import WaveSettings
from tests.conftest import dump
from tests.datamove.rehearsal import CASES, TRADE, ZOMBIE, plan_with_zombie
from tests.web.conftest import Web, audit_entries, build

LAB = "630000-LAB"
USERS = {
    "ops": ("ops", None),
    "supervisor": ("supervisor", None),
    "lab": ("department", LAB),
    "auditor": ("auditor", None),
}


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    w = build(None, PolicySettings(), site=False, plans=(), users=USERS, schedule=WaveSettings())
    yield w
    if (w.root / "site-retire" / "lab.json").exists():
        down(w.root / "site-retire")
    w.close()


def _until(what: str, check: Any, seconds: float = 240) -> Any:
    """Polls `check` until it returns something true (bounded in time); its last answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {seconds} s")


def _lifecycles(web: Web) -> dict[str, dict[str, Any]]:
    decisions = web.client("lab").get(f"/api/decisions?department={LAB}").json()
    return {f"{LAB}/{d['system']}": d["lifecycle"] for d in decisions}


def _status(web: Web) -> dict[str, Any]:
    """The wave's state; empty until its thread has opened the record (the start answers before that)."""
    r = web.client("supervisor").get("/api/waves/W01/status")
    found: dict[str, Any] = r.json() if r.status_code == 200 else {}
    return found


def _submit(web: Web, doc: dict[str, Any]) -> int:
    sent = web.client("lab").post(f"/api/plans/{LAB}", files={"file": ("plan.yaml", dump(doc))})
    assert sent.status_code == 200 and sent.json()["valid"], sent.text
    version: int = sent.json()["version"]
    return version


def _review(web: Web, version: int, decision: str, comment: str) -> None:
    url = f"/api/plans/{LAB}/versions/{version}/review"
    done = web.client("supervisor").post(url, json={"decision": decision, "comment": comment})
    assert done.status_code == 200, done.text


def test_submit_review_run_accept_decommission_and_retire(web: Web) -> None:
    # a first version goes back with the supervisor's comment; nothing of it is in force
    first = plan_with_zombie()
    first["systems"][0]["function"] = "统计"
    v1 = _submit(web, first)
    assert (
        web.client("lab")
        .post(f"/api/plans/{LAB}/versions/{v1}/review", json={"decision": "approve"})
        .status_code
        == 403
    )
    _review(web, v1, "return", "请写明主要功能 describe the function")
    versions = {v["version"]: v for v in web.client("lab").get(f"/api/plans/{LAB}/versions").json()}
    assert versions[v1]["review"]["status"] == "returned" and not versions[v1]["in_force"]
    assert "describe the function" in versions[v1]["review"]["comment"]
    assert web.client("lab").get(f"/api/decisions?department={LAB}").json() == []  # nothing approved yet

    # the second is approved and feeds the waves: W01 moves both systems, the zombie is to be retired
    v2 = _submit(web, plan_with_zombie())
    _review(web, v2, "approve", "同意 approved")
    states = _lifecycles(web)
    assert states[TRADE]["state"] == states[CASES]["state"] == "scheduled" and states[TRADE]["wave"] == "W01"
    assert states[ZOMBIE]["state"] == "retire_decided"
    assert {"submitted", "approved", "scheduled"} <= set(states[TRADE]["dates"])

    # ops render the approved portfolio; the rehearsal sites stand in for the hosts and databases
    assert web.client("ops").post("/api/render").status_code == 200
    tree = web.root / "render"
    site = up(tree, "W01", web.root / "site", local=True)
    retiring = up(tree, "retire", web.root / "site-retire", local=True)

    # the wave runs for real, from the API; every system is moved and verified
    assert web.client("ops").post("/api/waves/W01/run").status_code == 200
    done = _until(
        "the wave ends",
        lambda: (s := _status(web)).get("status") not in (None, "running") and not s["running"] and s,
    )
    failures = [
        f"{e.system} {e.step}: {e.detail}"
        for e in web.app.state.ctx.store.step_log("W01")
        if e.status == "failed"
    ]
    assert done["status"] == "done", (failures, json.dumps(done, ensure_ascii=False)[:2000])
    for s in done["systems"]:
        assert s["state"] == "done" and s["verification"]["databases_equal"] is True, s
        assert s["acceptance"] == {"cut_over": s["acceptance"]["cut_over"], "accepted": None, "problems": []}
    assert _lifecycles(web)[TRADE]["state"] == "awaiting_acceptance"
    assert any(Path(site.systems[TRADE]["files"]["target"]).iterdir())  # the files arrived

    # the department accepts; only then does ops' decommission go through
    off = f"/api/waves/W01/decommission/{TRADE}"
    assert web.client("ops").post(off, json={"confirm": TRADE}).status_code == 409
    for key in (TRADE, CASES):
        said = web.client("lab").post(f"/api/systems/{key}/accept", json={"comment": "业务正常 checked"})
        assert said.status_code == 200, said.text
    asked = web.client("ops").post(off, json={"confirm": TRADE})  # asked; a second person approves
    assert asked.status_code == 202 and asked.json()["status"] == "pending", asked.text
    decide = f"/api/approvals/{asked.json()['approval']}"
    assert web.client("ops").post(decide, json={"decision": "approve"}).status_code == 403  # not the asker
    approved = web.client("supervisor").post(
        decide, json={"decision": "approve", "comment": "已核对 checked"}
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    _until(
        "the source is decommissioned",
        lambda: {s["system"]: s["state"] for s in _status(web)["systems"]}[TRADE] == "decommissioned",
        120,
    )
    web.app.state.runs.join(60)
    states = _lifecycles(web)
    assert states[TRADE]["state"] == "decommissioned" and states[CASES]["state"] == "accepted"
    order = ["submitted", "approved", "migrating", "cut_over", "accepted", "decommissioned"]
    assert [k for k in order if k in states[TRADE]["dates"]] == order
    stamps = [states[TRADE]["dates"][k] for k in order[2:]]
    assert stamps == sorted(stamps)  # in the order it went through them

    # the zombie is retired from the console, against the same store
    db = f"sqlite:///{web.root / 'govmig.db'}"
    asking = ["retire", ZOMBIE, "--tree", str(tree), "--db", db, "--by", "ops", "--format", "json"]
    asked_cli = CliRunner().invoke(cli, asking)
    assert asked_cli.exit_code == 0 and json.loads(asked_cli.output)["status"] == "pending", asked_cli.output
    assert _lifecycles(web)[ZOMBIE]["state"] == "retire_decided"  # asked only: nothing ran yet
    made = CliRunner().invoke(
        cli,
        ["user", "add", "ops-2", "--role", "ops", "--password-stdin", "--db", db, "--format", "json"],
        input="Approver-Kestrel-2026!\n",
    )
    assert made.exit_code == 0, made.output
    code = pyotp.parse_uri(json.loads(made.output)["totp_uri"]).now()  # the second person's authenticator
    approving = ["approvals", "approve", str(json.loads(asked_cli.output)["approval"]), "--by", "ops-2"]
    retired = CliRunner().invoke(cli, [*approving, "--otp", code, "--db", db, "--format", "json"])
    assert retired.exit_code == 0, retired.output
    assert retiring.systems[ZOMBIE]["files"]["archive"]
    assert _lifecycles(web)[ZOMBIE]["state"] == "retired"

    # the annual report counts what was done: two moved this year, one zombie cleared, and where each stands
    year = utcnow().year
    raw = web.client("supervisor").get(f"/api/reports/annual.xlsx?year={year}&department={LAB}").content
    sheets = load_workbook(io.BytesIO(raw)).worksheets
    head = [c.value for c in sheets[0][1]]
    row = dict(zip(head, next(sheets[0].iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["本年完成 Moved this year"] == 2 and (row["僵尸 Zombies"], row["已清理 Cleared"]) == (1, 1)
    stands = next(ws for ws in sheets if ws.title.endswith("七、系统生命周期"))
    shown = {r[0]: r[2] for r in stands.iter_rows(min_row=2, values_only=True)}  # r[1]: its name
    assert shown == {TRADE: "已下线 decommissioned", CASES: "已验收 accepted", ZOMBIE: "已清理 retired"}
    actions = [a["action"] for a in audit_entries(web)]
    for action in ("plan.submit", "plan.review", "render", "wave.run", "system.accept", "system.retire"):
        assert action in actions, (action, sorted(set(actions)))
