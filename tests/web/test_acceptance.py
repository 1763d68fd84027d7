"""Acceptance (验收) after cutover: the department's own users accept a cut-over system or raise a problem, and
the source is decommissioned only after an acceptance (and the observation period, when the site sets one).

The wave's run is recorded in the store step by step as the executor records it (its state machine is tested
with real Ansible in tests/execute and tests/datamove); what is tested here is who may speak, when, and what
the decommission gate makes of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from orchestrator.execute import STEPS, AnsibleRunner, ExecuteError, WaveExecutor
from orchestrator.policy import PolicySettings
from tests.render.conftest import Rendered
from tests.web.conftest import OTHER, Web, build

SYSTEM = "accountant-mgmt"  # 630000-CZT's system in W01
KEY = f"{OTHER}/{SYSTEM}"


@pytest.fixture(scope="module")
def web(rendered: Rendered, province_settings: PolicySettings) -> Iterator[Web]:
    w = build(rendered.out, province_settings, site=False)
    yield w
    w.close()


def _cut_over(web: Web) -> None:
    """W01 as the executor leaves it once the system's cutover finished."""
    store = web.app.state.ctx.store
    store.open_wave("W01", [KEY], str(web.root / "render"), False, 1, "ops")
    for step in STEPS:
        if step.name == "decommission":
            break
        store.begin_step("W01", KEY, step.name, "ops")
        store.end_step("W01", KEY, step.name, "done" if step.name == "cutover" else step.name, True, "ops")
        if step.name == "cutover":
            break


def test_a_department_accepts_its_cut_over_system_and_only_then_may_the_source_go(web: Web) -> None:
    czt, rst = web.client("czt"), web.client("rst")
    url = f"/api/systems/{OTHER}/{SYSTEM}"
    early = czt.post(f"{url}/accept", json={"comment": "好"})
    assert early.status_code == 409 and "not cut over" in early.json()["detail"]["en"]

    _cut_over(web)
    assert rst.post(f"{url}/accept", json={}).status_code == 404  # another department's: not even seen
    for role in ("ops", "supervisor"):
        assert web.client(role).post(f"{url}/accept", json={}).status_code == 403
    assert czt.post(f"{url}/problem", json={"comment": " "}).status_code == 422  # a problem says what
    raised = czt.post(f"{url}/problem", json={"comment": "报表导出乱码 the exported reports are garbled"})
    assert raised.status_code == 200 and raised.json()["lifecycle"] == "awaiting_acceptance", raised.text

    store = web.app.state.ctx.store
    executor = WaveExecutor(store, AnsibleRunner(), web.root / "render")
    with pytest.raises(ExecuteError) as refused:
        executor.decommission("W01", KEY)
    assert "not been accepted" in refused.value.en

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
    observing = WaveExecutor(store, AnsibleRunner(), web.root / "render", observation=timedelta(days=7))
    with pytest.raises(ExecuteError) as wait:
        observing.decommission("W01", KEY)
    assert "observation period" in wait.value.en
    said = [(a.action, a.actor, a.result) for a in store.audit_log(KEY) if a.target == KEY]
    assert said == [("system.problem", "czt", "raised"), ("system.accept", "czt", "accepted")]
    seen_by_ops = web.client("ops").get("/api/audit").json()  # ops sees the problem raised
    assert any(a["action"] == "system.problem" and "garbled" in (a["detail"] or "") for a in seen_by_ops)
