"""Acceptance (验收) after cutover: the department's own users accept a cut-over system or raise a problem, and
the source is decommissioned only after an acceptance (and the observation period, when the site sets one).

The wave's run is recorded in the store step by step as the executor records it (its state machine is tested
with real Ansible in tests/execute and tests/datamove); what is tested here is who may speak, when, and what
the decommission gate makes of it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import openpyxl
import pytest

from orchestrator.execute import AnsibleRunner, ExecuteError, Ports, RunConfig, WaveExecutor
from orchestrator.policy import PolicySettings
from tests.render.conftest import Rendered
from tests.web.conftest import OTHER, Web, audit_entries, build, record_cut_over

SYSTEM = "accountant-mgmt"  # 630000-CZT's system in W01
KEY = f"{OTHER}/{SYSTEM}"


@pytest.fixture(scope="module")
def web(rendered: Rendered, province_settings: PolicySettings) -> Iterator[Web]:
    w = build(rendered.out, province_settings, site=False)
    yield w
    w.close()


def _lifecycle(web: Web, system: str = SYSTEM) -> dict[str, Any]:
    decisions = web.client("czt").get(f"/api/decisions?department={OTHER}").json()
    found: dict[str, Any] = next(d["lifecycle"] for d in decisions if d["system"] == system)
    return found


def test_a_department_accepts_its_cut_over_system_and_only_then_may_the_source_go(web: Web) -> None:
    czt, rst = web.client("czt"), web.client("rst")
    url = f"/api/systems/{OTHER}/{SYSTEM}"
    early = czt.post(f"{url}/accept", json={"comment": "好"})
    assert early.status_code == 409 and "not cut over" in early.json()["en"]

    before = _lifecycle(web)
    assert before["state"] == "scheduled" and before["wave"] == "W01" and before["zh"] == "已排期"
    assert {"submitted", "approved", "scheduled"} <= set(before["dates"]) and before["next"]["en"]
    decisions = web.client("czt").get(f"/api/decisions?department={OTHER}").json()
    zombie = next(d for d in decisions if d["action"] == "retire")
    assert zombie["lifecycle"]["state"] == "retire_decided" and zombie["lifecycle"]["zh"] == "待清理"
    stays = next(d for d in decisions if d["action"] == "stay")["lifecycle"]
    assert stays["state"] == "approved" and "exempted" in stays["next"]["en"] and stays["wave"] is None

    record_cut_over(web, KEY)
    assert _lifecycle(web)["state"] == "cut_over"  # the wave is still running
    web.app.state.ctx.store.set_wave("W01", "done", "ops")
    waiting = _lifecycle(web)
    assert waiting["state"] == "awaiting_acceptance" and waiting["zh"] == "待验收"
    assert {"migrating", "cut_over"} <= set(waiting["dates"]) and "accept" in waiting["next"]["en"]
    assert rst.post(f"{url}/accept", json={}).status_code == 404  # another department's: not even seen
    for role in ("ops", "supervisor"):
        assert web.client(role).post(f"{url}/accept", json={}).status_code == 403
    assert czt.post(f"{url}/problem", json={"comment": " "}).status_code == 422  # a problem says what
    raised = czt.post(f"{url}/problem", json={"comment": "报表导出乱码 the exported reports are garbled"})
    assert raised.status_code == 200 and raised.json()["lifecycle"] == "awaiting_acceptance", raised.text

    # ops see it on the dashboard, beside the lifecycle's counts
    board = web.client("ops").get("/api/dashboard").json()
    assert [(p["system"], p["wave"], p["by"]) for p in board["problems"]] == [(KEY, "W01", "czt")]
    assert "garbled" in board["problems"][0]["comment"]
    counted = {x["state"]: x["systems"] for x in board["lifecycle"]}
    assert counted["awaiting_acceptance"] == 1 and counted["retire_decided"] >= 1
    assert _lifecycle(web)["problems"][0]["comment"] == board["problems"][0]["comment"]
    status = web.client("ops").get("/api/waves/W01/status").json()  # and on the wave, beside the rollback
    word = next(s for s in status["systems"] if s["system"] == KEY)["acceptance"]
    assert word["accepted"] is None and [p["by"] for p in word["problems"]] == ["czt"]

    store = web.app.state.ctx.store
    executor = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(web.root / "render"))
    with pytest.raises(ExecuteError) as refused:
        executor.decommission("W01", KEY)
    assert "not been accepted" in refused.value.en
    off = f"/api/waves/W01/decommission/{OTHER}/{SYSTEM}"  # and from the wave's page: refused at once
    early = web.client("ops").post(off, json={"confirm": KEY})
    assert early.status_code == 409 and "not been accepted" in early.json()["en"], early.text
    for role in ("czt", "supervisor"):
        assert web.client(role).post(off, json={"confirm": KEY}).status_code == 403

    accepted = czt.post(f"{url}/accept", json={"comment": "已核对 checked"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() | {"at": None} == {
        "system": KEY,
        "wave": "W01",
        "lifecycle": "accepted",
        "by": "czt",
        "at": None,
        "comment": "已核对 checked",
    }
    assert czt.post(f"{url}/accept", json={}).status_code == 409  # once
    status = web.client("ops").get("/api/waves/W01/status").json()
    word = next(s for s in status["systems"] if s["system"] == KEY)["acceptance"]
    assert word["accepted"]["by"] == "czt" and word["accepted"]["comment"] == "已核对 checked"
    done = _lifecycle(web)
    assert done["state"] == "accepted" and done["dates"]["accepted"] == accepted.json()["at"]
    board = web.client("supervisor").get("/api/dashboard").json()
    assert board["problems"] == [] and {x["state"]: x["systems"] for x in board["lifecycle"]}["accepted"] == 1
    # the supervisors' ledger carries the same state and dates
    ledger = web.client("supervisor").get("/api/ledger.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(ledger.content))
    sheet = next(book[n] for n in book.sheetnames if n.startswith(OTHER))
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == SYSTEM)
    state, dates = row[header.index("生命周期 Lifecycle")], row[header.index("日期 Dates")]
    assert state == "已验收 accepted" and f"验收 accepted {done['dates']['accepted'][:10]}" in dates
    assert "提交 submitted" in dates and "切换 cut over" in dates
    # and so do the audit inventory and the department's annual report
    raw = web.client("supervisor").get("/api/reports/inventory.xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(raw))["全省 Province"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if (r[1], r[2]) == (OTHER, SYSTEM))
    assert row[header.index("生命周期 Lifecycle")] == "已验收 accepted"
    assert f"验收 accepted {done['dates']['accepted'][:10]}" in row[header.index("日期 Dates")]
    annual = web.client("supervisor").get(f"/api/reports/annual.html?department={OTHER}")
    assert annual.status_code == 200 and "七、系统生命周期" in annual.text
    assert annual.text.count("已验收 accepted") == 1 and "待清理 retire_decided" in annual.text
    observing = WaveExecutor(
        Ports(store, AnsibleRunner()), RunConfig(web.root / "render", observation=timedelta(days=7))
    )
    with pytest.raises(ExecuteError) as wait:
        observing.decommission("W01", KEY)
    assert "observation period" in wait.value.en
    config = web.app.state.ctx.config
    config.observation_days = 7  # the site's setting (govmig serve --observation-days): the page and the gate
    try:
        kept = _lifecycle(web)
        until = datetime.fromisoformat(kept["source_kept_until"])
        assert until == datetime.fromisoformat(done["dates"]["accepted"]) + timedelta(days=7)
        assert "observed until" in kept["next"]["en"] and "观察期" in kept["next"]["zh"]
        waiting = web.client("ops").post(off, json={"confirm": KEY})
        assert waiting.status_code == 409 and "observation period" in waiting.json()["en"]
    finally:
        config.observation_days = 0
    assert _lifecycle(web)["source_kept_until"] is None
    said = [(a.action, a.actor, a.result) for a in store.audit_log(KEY) if a.target == KEY]
    assert said == [("system.problem", "czt", "raised"), ("system.accept", "czt", "accepted")]
    seen_by_ops = audit_entries(web)  # the auditor sees the problem raised
    assert any(a["action"] == "system.problem" and "garbled" in (a["detail"] or "") for a in seen_by_ops)
