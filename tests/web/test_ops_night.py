"""The ops engineer's night through the API: the waves board (preflight, the real run and the check run apart,
progress, who may read it), the wave's systems × steps matrix, its log as readable lines (words, not Ansible's
event names; filtered by system and to failures; the raw event only when asked), a finished wave's run refused,
and the night's manual tasks closed on the web by the same rule as `govmig task done`."""

from __future__ import annotations

import json
import time
from typing import Any

from orchestrator.contracts import ManualTask, WaveState, WaveTasks
from orchestrator.contracts import tree as layout
from orchestrator.store import Preflights, utcnow
from tests.web.conftest import Web, audit_entries

W01 = {"630000-CZT/accountant-mgmt", "630000-FGW/energy-review", "630000-JYT/campus-safety"}


def _wave(board: dict[str, Any], wave: str) -> dict[str, Any]:
    return next(w for w in board["waves"] if w["wave"] == wave)


def _wait(web: Web, query: str, seconds: float = 180) -> dict[str, Any]:
    c, state = web.client("supervisor"), {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = c.get(f"/api/waves/W01/status?{query}")
        if r.status_code == 200:
            state = r.json()
            if not state["running"] and state["status"] != WaveState.running:
                return state
        time.sleep(0.5)
    raise AssertionError(f"the wave did not finish: {state}")


def test_the_board_tells_each_wave_s_preflight_and_runs_to_ops_and_supervisors(web: Web) -> None:
    ops = web.client("ops")
    r = ops.get("/api/waves/board")
    assert r.status_code == 200, r.text
    w01 = _wave(r.json(), "W01")
    assert "retire" not in {w["wave"] for w in r.json()["waves"]}  # the retirement's record is no wave
    assert {s["system"] for s in w01["systems"]} == W01
    assert all(s["name"] for s in w01["systems"])  # names beside the keys
    assert w01["preflight"]["state"] == "none" and w01["preflight"]["at"] is None
    assert w01["run"] is None and w01["check_run"] is None and w01["last_run"] is None
    assert w01["may_run"] is True and w01["why_not"] is None
    assert r.json()["workers"]["alive"] >= 1  # the fixture's worker beats
    assert web.client("supervisor").get("/api/waves/board").status_code == 200
    for user in ("rst", "sys", "aud"):  # a department, an administrator: not theirs to read
        assert web.client(user).get("/api/waves/board").status_code == 403

    tree = str((web.root / "render").resolve())
    finding = {"system": None, "check": "host", "severity": "critical", "zh": "不通", "en": "unreachable"}
    Preflights(web.app.state.ctx.store.engine).record("W01", tree, utcnow(), False, [finding], "ops")
    said = _wave(ops.get("/api/waves/board").json(), "W01")["preflight"]
    assert said["state"] == "not_ready" and said["critical"] == 1 and said["at"]
    Preflights(web.app.state.ctx.store.engine).record("W01", tree, utcnow(), True, [], "ops")
    said = _wave(ops.get("/api/waves/board").json(), "W01")["preflight"]
    assert said["state"] == "ready" and said["critical"] == 0 and said["stale"] is False


def test_workers_are_listed_alive_and_no_worker_is_said_plainly(web: Web) -> None:
    r = web.client("supervisor").get("/api/workers")
    assert r.status_code == 200
    body = r.json()
    assert body["alive"] >= 1 and body["warning"] is None
    assert any(w["alive"] and w["heartbeat_at"] for w in body["workers"])
    assert web.client("czt").get("/api/workers").status_code == 403


def test_a_check_run_is_marked_apart_its_matrix_fills_and_its_log_reads_as_words(web: Web) -> None:
    ops = web.client("ops")
    assert ops.post("/api/waves/W01/run?check=true").status_code == 200
    assert _wait(web, "check=true")["status"] == WaveState.done
    w01 = _wave(ops.get("/api/waves/board").json(), "W01")
    assert w01["run"] is None  # the check run is no real run
    check = w01["check_run"]
    assert check["check"] is True and check["status"] == WaveState.done and check["status_zh"] == "已完成"
    assert check["total"] == 3 and check["cut_over"] == 3 and check["progress"] == 100
    assert w01["last_run"]["check"] is True and w01["last_run"]["record"] == "W01@check"

    matrix = ops.get("/api/waves/W01/matrix?check=true").json()
    assert [s["step"] for s in matrix["steps"]][-1] == "cutover"
    assert {s["system"] for s in matrix["systems"]} == W01
    for s in matrix["systems"]:
        assert s["state_zh"] == "已切换" and s["name"]
        assert {c["state"] for c in s["cells"].values()} == {"done"}
        assert s["cells"]["cutover"]["zh"] == "完成" and s["cells"]["cutover"]["en"] == "done"
    untouched = ops.get("/api/waves/W01/matrix").json()  # the real run's: nothing started
    assert {c["state"] for s in untouched["systems"] for c in s["cells"].values()} == {"pending"}

    log = ops.get("/api/waves/W01/log", params={"check": "true", "limit": 2000}).json()
    lines = log["lines"]
    assert lines and log["record"] == "W01@check"
    text = json.dumps(lines, ensure_ascii=False)
    assert "runner_on_" not in text and "playbook_on_" not in text  # words, not Ansible's event names
    assert {ln["result"] for ln in lines} <= {"ok", "changed", "skipped", "waiting", "applied"}
    assert {(ln["result_zh"], ln["result_en"]) for ln in lines} >= {("成功", "ok")}
    assert any(ln["task"].startswith("Hear the executor's word on ") for ln in lines)  # the task's own name
    assert all(ln["host"] and ln["system_name"] and ln["step_zh"] for ln in lines if ln["result"] == "ok")
    one = "630000-FGW/energy-review"
    mine = ops.get("/api/waves/W01/log", params={"check": "true", "system": one}).json()["lines"]
    assert mine and {ln["system"] for ln in mine} == {one}
    raw = ops.get("/api/waves/W01/log", params={"check": "true", "raw": "true", "limit": 50}).json()
    assert all("event" in ln["raw"] for ln in raw["lines"]) and raw["next_after"] is not None
    paged = ops.get("/api/waves/W01/log", params={"check": "true", "after": raw["next_after"]}).json()
    assert paged["lines"][0]["id"] > raw["lines"][-1]["id"]
    assert ops.get("/api/waves/W01/log", params={"check": "true", "failed": "true"}).json()["lines"] == []
    assert web.client("rst").get("/api/waves/W01/log?check=true").status_code == 403
    assert ops.get("/api/waves/W99/log").status_code == 404


def test_failures_read_as_failures_with_their_message_and_filter_alone(web: Web) -> None:
    store = web.app.state.ctx.store
    key, record = "630000-CZT/asset-mgmt", "W02@check"
    store.open_wave(record, [key], str(web.root / "render"), True, 1, "ops")
    store.begin_step(record, key, "deploy", "ops")
    store.end_step(record, key, "deploy", "failed", False, "ops", error="the step's own error")

    def event(kind: str, res: dict[str, Any] | None = None) -> dict[str, Any]:
        data = {"host": "asset-web-1", "task": "Start the service", "play": "deploy"}
        return {"event": kind, "event_data": data | ({"res": res} if res is not None else {})}

    store.add_events(
        record,
        key,
        "deploy",
        [
            event("playbook_on_task_start"),
            event("runner_on_ok", {"changed": True}),
            event("runner_on_skipped", {}),
            event("runner_on_failed", {"failed": True, "msg": "port 8080 is taken"}),
            event("runner_on_unreachable", {"unreachable": True}),
        ],
    )
    ops = web.client("ops")
    lines = ops.get("/api/waves/W02/log?check=true").json()["lines"]
    said = [(ln["result"], ln["result_zh"], ln["result_en"], ln["message"]) for ln in lines]
    assert said == [
        ("changed", "已更改", "changed", ""),
        ("skipped", "跳过", "skipped", ""),
        ("failed", "失败", "failed", "port 8080 is taken"),
        ("unreachable", "无法连接", "unreachable", "the step's own error"),
    ]
    assert all("raw" not in ln for ln in lines)
    assert {ln["system_name"] for ln in lines} == {"行政事业单位资产管理系统"}
    failed = ops.get("/api/waves/W02/log?check=true&failed=true").json()["lines"]
    assert [ln["result"] for ln in failed] == ["failed", "unreachable"]
    raw = ops.get("/api/waves/W02/log?check=true&raw=true").json()["lines"]
    assert raw[0]["raw"]["event"] == "playbook_on_task_start" and raw[0]["result_en"] == "task started"


def test_the_night_s_manual_tasks_close_on_the_web_by_the_task_done_rule(web: Web) -> None:
    key = "630000-CZT/asset-mgmt"  # czt's own system (rst is another department's), in W02
    tasks = WaveTasks(
        wave="W02",
        systems={
            key: [
                ManualTask(
                    id="notify-users",
                    zh="通知业务用户停机",
                    en="Tell the users",
                    before="final_sync",
                    role="department",
                ),
                ManualTask(
                    id="dns-ttl", zh="调低域名 TTL", en="Lower the DNS TTL", before="presync", role="ops"
                ),
            ]
        },
    )
    (web.root / "render" / layout.tasks("W02")).write_text(tasks.model_dump_json(), encoding="utf-8")
    ops, czt, rst = web.client("ops"), web.client("czt"), web.client("rst")
    listed = ops.get("/api/waves/W02/tasks").json()["tasks"]
    assert [(t["task"], t["state"], t["role"]) for t in listed] == [
        ("notify-users", "open", "department"),
        ("dns-ttl", "open", "ops"),
    ]
    assert listed[0]["system_name"]
    assert rst.get("/api/waves/W02/tasks").json()["tasks"] == []  # another department's tasks: not shown
    assert len(czt.get("/api/waves/W02/tasks").json()["tasks"]) == 2

    base = f"/api/waves/W02/tasks/{key}"
    r = rst.post(f"{base}/notify-users/done", json={"note": "x"})
    assert r.status_code == 404  # another department's system: as if it did not exist
    r = ops.post(f"{base}/notify-users/done", json={"note": "x"})
    assert r.status_code == 403 and "department" in r.json()["en"] and r.json()["zh"]
    r = czt.post(f"{base}/dns-ttl/done", json={"note": "x"})
    assert r.status_code == 403  # an ops task: not a department's
    assert ops.post(f"{base}/no-such-task/done", json={}).status_code == 404
    r = czt.post(f"{base}/notify-users/done", json={"note": "短信已发 SMS sent"})
    assert r.status_code == 200 and r.json()["done_by"] == "czt" and r.json()["zh"]
    again = czt.post(f"{base}/notify-users/done", json={"note": "again"})
    assert again.status_code == 409 and again.json()["zh"] and again.json()["en"]
    assert ops.post(f"{base}/dns-ttl/done", json={"note": "TTL 60"}).status_code == 200
    states = {t["task"]: (t["state"], t["done_by"]) for t in ops.get("/api/waves/W02/tasks").json()["tasks"]}
    assert states == {"notify-users": ("done", "czt"), "dns-ttl": ("done", "ops")}
    done = [a for a in audit_entries(web) if a["action"] == "task.done" and a["target"].startswith("W02/")]
    assert sorted((a["actor"], a["detail"]) for a in done) == [("czt", "notify-users"), ("ops", "dns-ttl")]


def test_a_finished_wave_is_not_run_again_and_the_board_says_why(web: Web) -> None:
    store = web.app.state.ctx.store
    store.open_wave("W01", sorted(W01), str(web.root / "render"), False, 1, "ops")
    store.set_wave("W01", WaveState.done, "ops")
    ops = web.client("ops")
    r = ops.post("/api/waves/W01/run")
    assert r.status_code == 409
    assert "已完成" in r.json()["zh"] and "is done" in r.json()["en"]
    w01 = _wave(ops.get("/api/waves/board").json(), "W01")
    assert w01["may_run"] is False and "已完成" in w01["why_not"]["zh"] and w01["why_not"]["en"]
    assert w01["run"]["status"] == WaveState.done and w01["check_run"]["check"] is True
