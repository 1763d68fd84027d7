# ruff: noqa: F811  # browser and server are test_browser's fixtures, taken by name
"""Issue 39's journey end to end in the console (Chromium), across the roles, on the rehearsal site: the clerk of a
department with a system in W01 checks an Excel plan with an error (nothing stored), fixes it in the form and
submits; a supervisor finds it in the review queue, reads the diff and approves; ops preflight W01 from the console,
run it for real and watch the matrix reach cutover for every system; the department accepts its cut-over system in
我的系统; the supervisor's wall screen and progress show the new 迁移上云率, as the API reads it. axe-core finds
nothing critical or serious on any page visited, and each step is photographed at 1280 and 1920 px."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.web.conftest import OTHER, Web
from tests.web.console import clean, drawn, workbook_with_an_error
from tests.web.test_browser import CHROMIUM, SHOTS, browser, server, sign_in, until  # noqa: F401

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")
CLERK = "czt"  # 630000-CZT (青海省财政厅): its accountant-mgmt is one of W01's three systems
MOVED = f"{OTHER}/accountant-mgmt"
W01_TAG = (
    "[...document.querySelectorAll('#waves-board tbody tr')]"
    ".find(r => r.querySelector('a.wave-link')?.innerText.trim() === 'W01').querySelector('.preflight')"
)
"""W01's preflight tag on the waves board."""


def pct(rate: float | None) -> str:
    """A rate as the console prints it."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def versions(web: Web) -> list[dict[str, Any]]:
    return list(web.client(CLERK).get(f"/api/plans/{OTHER}/versions").json())


def progress(web: Web) -> dict[str, Any]:
    found: dict[str, Any] = web.client("supervisor").get("/api/progress").json()
    return found


def department(doc: dict[str, Any]) -> dict[str, Any]:
    return next(d for d in doc["departments"] if d["department"] == OTHER)


def test_a_plan_goes_from_the_clerk_through_review_and_a_real_wave_to_acceptance_and_the_wall(
    server: str, browser: Any, web: Web, tmp_path: Any
) -> None:
    waves = {w["id"]: w for w in web.client(CLERK).get("/api/waves").json()["waves"]}
    assert waves["W01"]["systems"] == [MOVED]  # the department's one system in W01, as it sees it
    before = progress(web)
    pages: list[Any] = []
    try:
        version = clerk(pages, server, browser, web, tmp_path)
        supervisor_reviews(pages, server, browser, web, version)
        ops_run(pages, server, browser, web)
        clerk_accepts(pages, server, browser, web)
        wall_and_progress(pages, server, browser, web, before)
    except Exception:
        for n, page in enumerate(pages):  # what each page showed
            page.screenshot(path=str(SHOTS / f"console-journey-failed-{n}.png"), full_page=True)
        raise
    finally:
        for page in pages:
            page.close()


def clerk(pages: list[Any], server: str, browser: Any, web: Web, tmp_path: Any) -> int:
    """(a) An Excel plan with an error checked (nothing stored), fixed in the form, submitted."""
    page = sign_in(browser, server, web, CLERK)
    pages.append(page)
    before = versions(web)
    page.goto(server + "/app/dept/plan")
    drawn(page, "#plan-form")
    until(page, "document.querySelector('#plan-start') !== null")
    page.click("#plan-tabs .el-tabs__item:has-text('Excel')")
    page.set_input_files(
        "#plan-excel input[type=file]", str(workbook_with_an_error(tmp_path / "计划.xlsx", OTHER))
    )
    page.click("#plan-check")
    until(page, "!!document.querySelector('#plan-problems') && document.querySelector('#plan-verdict')")
    problems = page.inner_text("#plan-problems")
    assert "工作表「系统 Systems」第 4 行" in problems and "五级" in problems and "whole number" in problems
    assert versions(web) == before  # checking stores nothing
    clean(page, "1-clerk-excel-error")

    page.click("#tab-form")  # the error pinned to its field in the form: fixed there
    field = "#f-systems-0-security-mlps_level"
    until(page, f"!!document.querySelector('{field}')")
    item = page.locator(f".el-form-item:has({field})")
    assert "五级" in page.input_value(field) and "is-error" in (item.get_attribute("class") or "")
    page.fill(field, "3")
    users = int(page.input_value("#f-systems-0-usage-users"))
    page.fill("#f-systems-0-usage-users", str(users + 1000))  # a change the supervisor will read in the diff
    page.click("#plan-check")
    until(
        page,
        "document.querySelector('#plan-verdict') && "
        "document.querySelector('#plan-verdict').innerText.includes('检查通过')",
    )
    assert versions(web) == before
    clean(page, "1-clerk-form-fixed")
    page.click("#plan-submit")
    until(page, "!!document.querySelector('#plan-submitted')")
    after = versions(web)
    assert len(after) == len(before) + 1 and after[-1]["valid"] is True
    version = int(after[-1]["version"])
    assert f"已提交版本 {version}" in page.inner_text("#plan-submitted")
    return version


def supervisor_reviews(pages: list[Any], server: str, browser: Any, web: Web, version: int) -> None:
    """(b) The version found in the review queue, its diff read, approved."""
    page = sign_in(browser, server, web, "supervisor")
    pages.append(page)
    page.goto(server + "/app/reviews")
    drawn(page, "#review-queue .el-table__body")
    row = page.inner_text("#review-queue .el-table__body")
    assert "青海省财政厅" in row and OTHER in row and CLERK in row
    clean(page, "2-sup-queue")
    page.click(f"a.open-review[href='/app/reviews/{OTHER}/{version}']")
    drawn(page, "#changes")
    until(page, "!!document.querySelector('#diff tr.op-replace')")
    changed = page.inner_text("#diff")
    stored = yaml.safe_load(web.client(CLERK).get(f"/api/plans/{OTHER}/versions/{version}").json()["content"])
    users = stored["systems"][0]["usage"]["users"]
    assert f"users: {users}" in changed and f"users: {users - 1000}" in changed  # both sides, side by side
    clean(page, "2-sup-review")
    page.fill("#review-comment", "同意 approved")
    page.click("#approve")
    until(page, "location.pathname === '/app/reviews'")
    until(page, "document.querySelector('#review-queue').innerText.includes('没有等待审核的版本')")
    mine = next(v for v in versions(web) if v["version"] == version)
    assert mine["review"]["status"] == "approved" and mine["in_force"] is True


def cells(page: Any, step: str) -> dict[str, str]:
    found: dict[str, str] = page.evaluate(
        f"""() => Object.fromEntries([...document.querySelectorAll('#matrix tbody tr')].map(r =>
              [r.dataset.system, r.querySelector('td[data-step="{step}"]').dataset.state]))"""
    )
    return found


def ops_run(pages: list[Any], server: str, browser: Any, web: Web) -> None:
    """(c) W01 preflighted from the board, run for real, the matrix watched to cutover for every system."""
    page = sign_in(browser, server, web, "ops")
    pages.append(page)
    page.goto(server + "/app/ops/waves")
    drawn(page, "#waves-board")
    until(page, "document.querySelector('#waves-board').innerText.includes('W01')")
    assert page.evaluate(f"{W01_TAG}.innerText.trim()") == "未预检"
    page.click(".preflight-ask[data-wave='W01']")
    until(page, "!!document.querySelector('#preflight-running')", 10)  # said while the hosts are asked
    assert page.is_disabled(".preflight-ask[data-wave='W01']")
    until(page, "!!document.querySelector('#preflight-result')", 120)
    board = web.client("ops").get("/api/waves/board").json()
    w01 = next(w for w in board["waves"] if w["wave"] == "W01")
    assert w01["preflight"]["state"] == "ready", page.inner_text("#preflight-panel")
    assert "就绪" in page.inner_text("#preflight-verdict")
    findings = page.inner_text("#preflight-result")
    assert "没有发现任何问题" in findings or "警告" in findings  # ready: nothing critical, warnings in words
    until(page, f"{W01_TAG}.innerText.trim() === '就绪'")  # the board's tag refreshed
    clean(page, "3-ops-preflight")

    page.click("a.wave-link >> text=W01")
    drawn(page, "#matrix")
    until(page, "document.querySelectorAll('#matrix tbody tr').length === 3")
    until(page, "document.querySelector('#wave-preflight').innerText.includes('就绪')")
    page.click("#run")
    every_cut = "[...document.querySelectorAll('#matrix td[data-step=\"cutover\"]')].every(td => td.dataset.state === 'done')"
    held = (  # a manual task in the tree holds its system, and the wave stopped there
        "!!document.querySelector('#matrix td[data-state=\"waiting\"]') && !!document.querySelector('#wave-state')"
        " && !/执行中|排队中/.test(document.querySelector('#wave-state').innerText)"
    )
    for _ in range(3):  # each task closed on the page, then the wave resumed
        until(page, f"({every_cut}) || ({held})", 150)
        if page.evaluate(every_cut):
            break
        page.click(".task-done")
        page.fill("#task-note", "已完成 done")
        page.click("#task-confirm")
        until(page, "!document.querySelector('#run').disabled")
        page.click("#run")
    assert set(cells(page, "cutover").values()) == {"done"}
    until(page, "document.querySelector('#wave-state').innerText.includes('已完成')", 60)
    matrix = web.client("ops").get("/api/waves/W01/matrix?check=false").json()
    shown = page.inner_text("#matrix")
    assert all(
        f"{s['name']}{s['system']}" in shown.replace(" ", "") for s in matrix["systems"]
    )  # names by keys
    assert all(s["state_zh"] in shown for s in matrix["systems"])  # each system's state as the API says
    clean(page, "3-ops-wave-done")


def clerk_accepts(pages: list[Any], server: str, browser: Any, web: Web) -> None:
    """(d) The department accepts its cut-over system in 我的系统."""
    page = pages[0]
    page.goto(server + "/app/dept/systems")
    drawn(page, "#my-systems")
    until(page, "!!document.querySelector('#accept-accountant-mgmt')")
    assert "已切换" in page.inner_text("#my-systems") or "待验收" in page.inner_text("#my-systems")
    clean(page, "4-clerk-systems")
    page.click("#accept-accountant-mgmt")
    page.fill("#dept-comment", "业务核对无误 checked")
    page.click("#dept-send")
    until(page, "document.querySelector('#my-systems').innerText.includes('已验收')")
    assert page.query_selector("#accept-accountant-mgmt") is None
    assert page.csp_violations == []


def wall_and_progress(pages: list[Any], server: str, browser: Any, web: Web, before: dict[str, Any]) -> None:
    """(e) The wall screen and progress show the moved and accepted systems: the figures the API reads."""
    now = progress(web)
    was, mine = department(before), department(now)
    assert mine["accepted"] == was["accepted"] + 1 and mine["rate"] > (was["rate"] or 0)
    assert now["total"]["cut_over"] + now["total"]["accepted"] == (
        before["total"]["cut_over"] + before["total"]["accepted"] + 3
    )  # W01's three systems moved
    page = pages[1]
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(server + "/app/wall")
    until(
        page,
        f"document.querySelector('#wall-rate') && document.querySelector('#wall-rate').innerText === {pct(now['total']['rate'])!r}",
    )
    assert pct(now["total"]["rate"]) != pct(before["total"]["rate"])
    clean(page, "5-sup-wall")

    page.goto(server + "/app/progress")
    drawn(page, "#progress-table .el-table__body")
    row = page.evaluate(
        "() => Array.from([...document.querySelectorAll('#progress-table .el-table__body tr')]"
        f".find(r => r.innerText.includes('{OTHER}'))"
        ".querySelectorAll('td')).map(td => td.innerText.trim())"
    )
    figures = [str(mine["to_migrate"]), str(mine["cut_over"]), str(mine["accepted"]), pct(mine["rate"])]
    assert row[1:5] == figures, row  # to migrate, cut over, accepted, 迁移上云率: as the API reads them
    total = page.inner_text("#main")
    moved = now["total"]["cut_over"] + now["total"]["accepted"]
    assert f"{pct(now['total']['rate'])}" in total and f"{moved} / {now['total']['to_migrate']}" in total
    clean(page, "5-sup-progress")
    assert page.csp_violations == []
