# ruff: noqa: F811  # browser and server are test_browser's fixtures, taken by name
"""The ops engineer's night in the console (Chromium): the waves board says the preflight, the runs and the
workers alive; ops run W01 for real on the rehearsal site and watch its systems × steps matrix move live over the
wave's stream, close the manual task it waits at on the page, resume, and see every system reach cutover; the log
reads as words, filtered to failures, the raw event on demand; run is then refused with its reason; a rollback
discarding the target's writes goes through the typed-key dialog and waits for a second person; the waves that ran
are listed; a supervisor reads it all and acts on nothing, and is told plainly when a job waits and no worker is
alive. axe-core finds nothing critical or serious on any of these pages."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from orchestrator.app import Worker
from orchestrator.contracts import ManualTask, WaveTasks
from orchestrator.contracts import tree as layout
from orchestrator.policy import PolicySettings
from tests.execute.harness import preflighted
from tests.render.conftest import Rendered
from tests.web.conftest import Web, build
from tests.web.console import clean, drawn
from tests.web.test_browser import CHROMIUM, SHOTS, browser, server, sign_in, until  # noqa: F401

HELD = "630000-FGW/energy-review"
TASK = "dns-ttl"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")


@pytest.fixture(scope="module")
def web(rendered: Rendered, province_settings: PolicySettings) -> Iterator[Web]:
    w = build(rendered.out, province_settings)  # W01's hosts and databases: the rehearsal site
    tasks = WaveTasks(
        wave="W01",
        systems={HELD: [ManualTask(id=TASK, zh="调低域名 TTL", en="Lower the DNS TTL", before="final_sync")]},
    )
    (w.root / "render" / layout.tasks("W01")).write_text(tasks.model_dump_json(), encoding="utf-8")
    preflighted(w.root / "render", f"sqlite:///{w.root / 'govmig.db'}")  # a real run needs a ready one
    yield w
    w.close()


def cells(page: Any, step: str) -> dict[str, str]:
    """Each system's state at `step` as the matrix shows it."""
    found: dict[str, str] = page.evaluate(
        f"""() => Object.fromEntries([...document.querySelectorAll('#matrix tbody tr')].map(r =>
              [r.dataset.system, r.querySelector('td[data-step="{step}"]').dataset.state]))"""
    )
    return found


def test_ops_run_a_wave_on_the_rehearsal_site_and_watch_it_reach_cutover(
    server: str, browser: object, web: Web
) -> None:
    page: Any = sign_in(browser, server, web, "ops")
    try:
        night(page, server, web)
    except Exception:
        page.screenshot(path=str(SHOTS / "console-ops-failed.png"), full_page=True)  # what the page showed
        raise
    finally:
        page.close()


def night(page: Any, server: str, web: Web) -> None:
    page.goto(f"{server}/app/ops/waves")
    drawn(page, "#waves-board")
    until(page, "document.querySelector('#waves-board').innerText.includes('W01')")
    board = page.inner_text("#waves-board")
    assert "未预检" in board and "未执行" in board  # no preflight, not run: said in words
    until(page, "document.querySelector('#workers').innerText.includes('存活')")  # the fixture's worker
    clean(page, "ops-board")

    page.click("a.wave-link >> text=W01")
    drawn(page, "#matrix")
    until(page, "document.querySelectorAll('#matrix tbody tr').length === 3")
    assert set(cells(page, "cutover").values()) == {"pending"}
    assert "未开始" in page.inner_text("#matrix") and "节能审查" in page.inner_text(
        "#matrix"
    )  # names beside keys
    until(
        page, "document.querySelector('.live') && !document.querySelector('.live.off')"
    )  # the stream is open
    clean(page, "ops-wave-before")

    page.click("#preflight")  # asked again from the wave's page: each finding's check by name, its code muted
    until(page, "!!document.querySelector('#preflight-findings')", 120)
    named = page.evaluate(
        """() => [...document.querySelectorAll('#preflight-findings tbody tr')].map(r => [
              r.querySelector('.check-name').innerText.trim(), r.querySelector(".check-en").innerText.trim(),
              r.querySelector('.check-code').innerText.trim()])"""
    )
    assert named and all(code not in (zh, en) for zh, en, code in named), named  # no code without a name
    assert ["健康检查地址可探测", "Health URL probed", "health_reachable"] in named, named
    clean(page, "ops-wave-preflight")

    page.click("#run")  # a real run: the task holds energy-review before its final sync
    until(
        page,
        f'document.querySelector(\'#matrix tr[data-system="{HELD}"] td[data-step="final_sync"]\')'
        ".dataset.state === 'waiting'",
        150,
    )
    until(page, "document.querySelector('#tasks').innerText.includes('等待中')")
    assert cells(page, "deploy")[HELD] == "done"  # it came through the steps before the held one
    page.click(f".task-done[data-task='{TASK}']")
    page.fill("#task-note", "TTL 已调为 60 秒")
    page.click("#task-confirm")
    until(page, "document.querySelector('#tasks').innerText.includes('已完成')")
    until(page, "!document.querySelector('#run').disabled")
    until(
        page,
        "document.querySelector('#wave-state') && !document.querySelector('#wave-state').innerText"
        ".includes('执行中')",
        150,
    )  # the others went on to cutover; the wave stopped at the task
    page.click("#run")  # resume: the held system goes on
    until(
        page,
        "[...document.querySelectorAll('#matrix td[data-step=\"cutover\"]')]"
        ".every(td => td.dataset.state === 'done')",
        150,
    )
    until(page, "document.querySelector('#wave-state').innerText.includes('已完成')", 60)
    until(page, "document.querySelector('#live').textContent.length > 0", 10)  # changes announced
    until(page, "!!document.querySelector('#run-reason')")  # a finished wave: run refused, the reason shown
    assert page.is_disabled("#run") and "已完成" in page.inner_text("#run-reason")

    log = page.inner_text("#log")
    assert "成功" in log and "runner_on" not in log and "playbook_on" not in log
    assert "Hear the executor's word on" in log  # the task's own name
    page.click("label:has(#log-raw)")
    until(page, "!!document.querySelector('#log .el-table__expand-icon')")
    page.click("#log .el-table__expand-icon")
    until(
        page,
        "document.querySelector('#log pre.raw') && document.querySelector('#log pre.raw').innerText"
        ".includes('\"event\"')",
    )
    page.click("label:has(#log-raw)")
    page.click("label:has(#log-failures)")
    until(page, "document.querySelector('#log').innerText.includes('暂无日志')")
    page.click("label:has(#log-failures)")
    clean(page, "ops-wave-done")

    row = f"#matrix tr[data-system='{HELD}']"
    page.click(f"{row} button.el-button--warning")  # roll back, discarding the target's writes
    page.wait_for_selector("#type-to-confirm")
    assert page.is_disabled(".el-dialog .el-button--danger")  # nothing fires before the key is typed
    page.fill("#type-to-confirm", "630000-FGW/wrong")
    assert page.is_disabled(".el-dialog .el-button--danger")
    page.fill("#type-to-confirm", HELD)
    page.click(".el-dialog .el-button--danger")
    until(page, "document.querySelector('#wave-said').innerText.includes('等待第二人审批')")
    asked = web.client("supervisor").get("/api/approvals?status=pending").json()
    assert [(a["system"], a["kind"], a["asked_by"]) for a in asked] == [(HELD, "rollback_discard", "ops")]

    page.goto(f"{server}/app/ops/ran")
    drawn(page, "#ran")
    until(page, "document.querySelector('#ran').innerText.includes('W01')")
    ran = page.inner_text("#ran")
    assert "正式执行" in ran and "已完成" in ran and "3/3 已切换" in ran
    clean(page, "ops-ran")
    page.click("#lang")
    until(page, "document.querySelector('#ran').innerText.includes('real run')")
    assert "cut over" in page.inner_text("#ran")
    page.click("#lang")
    assert page.csp_violations == []


def test_a_supervisor_reads_the_wave_and_acts_on_nothing(server: str, browser: object, web: Web) -> None:
    page: Any = sign_in(browser, server, web, "supervisor")
    page.goto(f"{server}/app/ops/waves/W01")
    drawn(page, "#matrix")
    until(page, "document.querySelectorAll('#matrix tbody tr').length === 3")
    assert page.query_selector("#run") is None and page.query_selector("#matrix button") is None
    assert "只读" in page.inner_text("#main")
    clean(page, "ops-wave-supervisor")

    web.stop.set()  # the only worker stops (it says so), and then a job is queued: said plainly
    assert web.worker is not None
    web.worker.join(30)
    assert web.client("ops").post("/api/waves/W01/run?check=true").status_code == 200
    page.goto(f"{server}/app/ops/waves")
    drawn(page, "#workers")
    until(page, "!!document.querySelector('#no-worker')")
    assert "没有存活的执行器" in page.inner_text("#no-worker") and "已停止" in page.inner_text("#workers")
    clean(page, "ops-board-no-worker")
    page.close()
    # the job asked to pause, and a worker back: it is cancelled before it starts (the module's end waits for it)
    assert web.client("ops").post("/api/waves/W01/pause?check=true").status_code == 200
    again = Worker(web.app.state.ctx.store.engine, web.root / "render", lambda *_: None, poll=0.1)  # type: ignore[arg-type,return-value]
    assert again.serve(threading.Event(), jobs=1) == 1
