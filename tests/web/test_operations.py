"""Ops through the API: a wave run in check mode by real Ansible in the background, its state and log as it goes;
a second start refused while it runs; rendering the portfolio into the tree; every action audited."""

from __future__ import annotations

import json
import shutil
import time

from orchestrator.policy import PolicySettings
from tests.render.conftest import Rendered
from tests.web.conftest import Web, audit_entries, build


def wait_done(web: Web, record_query: str, seconds: float = 180) -> dict[str, object]:
    c = web.client("supervisor")
    deadline = time.monotonic() + seconds
    state: dict[str, object] = {}
    while time.monotonic() < deadline:
        r = c.get(f"/api/waves/W01/status?{record_query}")
        if r.status_code == 200:
            state = r.json()
            if not state["running"] and state["status"] != "running":
                return state
        time.sleep(0.5)
    raise AssertionError(f"the wave did not finish: {state}")


def test_a_wave_runs_in_check_mode_from_the_api_and_is_watched(web: Web) -> None:
    ops = web.client("ops")
    r = ops.post("/api/waves/W01/run?check=true")
    assert r.status_code == 200 and r.json()["record"] == "W01@check"
    again = ops.post("/api/waves/W01/run?check=true")
    assert again.status_code in (200, 409)  # refused while running (200 only if it already finished)
    state = wait_done(web, "check=true")
    assert state["status"] == "done" and state["check"] is True
    systems = state["systems"]
    assert len(systems) == 3 and {s["state"] for s in systems} == {"done"}  # type: ignore[index, union-attr]
    for s in systems:  # what each move measured, beside its state (check mode verifies nothing: said so)
        v = s["verification"]  # type: ignore[index]
        assert v["databases_equal"] is None and v["write_downtime_seconds"] is None
    store = web.app.state.ctx.store
    assert store.events("W01@check"), "no Ansible event reached the store"
    target = web.root / "site" / "hosts" / "630000-FGW_energy-review" / "target-data"
    assert not target.exists() or not any(target.iterdir())  # check mode changed nothing
    audit = audit_entries(web)
    assert any(
        a["action"] == "wave.run" and a["actor"] == "ops" and a["target"] == "W01@check" for a in audit
    )
    assert ops.post("/api/waves/W01/pause?check=true").status_code == 409  # not running any more


def test_render_from_the_web_writes_the_tree_ops_run_from(
    rendered: Rendered, province_settings: PolicySettings
) -> None:
    web = build(rendered.out, province_settings, site=False)
    try:
        tree = web.root / "render"
        shutil.rmtree(tree / "playbooks")
        r = web.client("ops").post("/api/render")
        assert r.status_code == 200 and r.json()["written"] > 0
        index = json.loads((tree / "index.json").read_text(encoding="utf-8"))
        assert (tree / "playbooks" / "W01.yml").is_file() and index["kind"] == "RenderIndex"
        assert web.client("supervisor").post("/api/render").status_code == 403
    finally:
        shutil.rmtree(web.root, ignore_errors=True)
