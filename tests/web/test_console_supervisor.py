# ruff: noqa: F811  # browser and server are test_browser's fixtures, taken by name
"""The supervisor's day in the console (Chromium): a pending version found in the queue, its diff and the decisions
it changes read, approved from the top of the page; the wall screen live over SSE and moving after a new monitor
cycle; progress saying 'none' where nothing is at risk; an approval the asker may not give, with the server's own
words; the reports opening on the year with data. axe-core finds nothing critical or serious on any of them, and
each is photographed at 1280 and 1920 px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.store import HealthStore, StateRow
from tests.conftest import EXAMPLES
from tests.web.conftest import MINE, OTHER, Web
from tests.web.console import clean, drawn, shots
from tests.web.test_browser import CHROMIUM, browser, server, sign_in, until  # noqa: F401

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")
SECRET = "classified: none, classified_filed: false}"


@pytest.fixture(scope="module")
def web(plain_web: Web) -> Iterator[Web]:
    yield plain_web


def _cycle(web: Web, at: datetime, down: int, degraded: int = 0) -> None:
    """One monitor cycle as the monitor records it: 24 systems of two departments, `down` of them down."""
    rows = []
    for n in range(24):
        state = "down" if n < down else "degraded" if n < down + degraded else "up"
        rows.append(
            StateRow(
                f"{(MINE, OTHER)[n % 2]}/s{n:02d}",
                (MINE, OTHER)[n % 2],
                ("extranet", "internet")[n % 3 == 0],
                ("W01", "W02")[n % 4 == 0],
                state,
                "probe failed" if state != "up" else "ok",
                at,
                None,
                0,
                {"probe_success": 0.0 if state == "down" else 1.0},
            )
        )
    HealthStore(web.app.state.ctx.config.engine).record_cycle(at, 0.1, 10, True, rows, [], [])


def test_a_supervisor_finds_a_version_reads_what_it_changes_and_approves(
    server: str, browser: object, web: Web
) -> None:
    changed = (
        (EXAMPLES / f"{MINE}.yaml")
        .read_text(encoding="utf-8")
        .replace(SECRET, "classified: secret, classified_filed: true}", 1)
    )
    sent = web.client("rst").post(f"/api/plans/{MINE}", data={"content": changed, "filename": "v2.yaml"})
    version = sent.json()["version"]
    page = sign_in(browser, server, web, "supervisor")
    page.goto(server + "/app/reviews")  # type: ignore[attr-defined]
    drawn(page, "#review-queue .el-table__body")
    row = page.inner_text("#review-queue .el-table__body")  # type: ignore[attr-defined]
    assert "青海省人力资源和社会保障厅" in row and MINE in row and "rst" in row and "通过" in row
    clean(page, "sup-queue")
    page.click(f"a.open-review[href='/app/reviews/{MINE}/{version}']")  # type: ignore[attr-defined]
    drawn(page, "#changes")
    until(page, "!!document.querySelector('#changes-table') && !!document.querySelector('#diff')")
    active = (
        "[...document.querySelectorAll('header nav a.router-link-active')].map(a => a.getAttribute('href'))"
    )
    assert page.evaluate(active) == ["/app/reviews"]  # type: ignore[attr-defined]  # where the reader is, in the nav
    changes = page.inner_text("#changes-table")  # type: ignore[attr-defined]
    assert "社会保险经办管理信息系统" in changes and "电子政务内网" in changes and "电子政务外网" in changes
    assert "classified: secret" in page.inner_text("#diff tr.op-replace")  # type: ignore[attr-defined]
    assert "行未变" in page.inner_text("#diff tr.op-skip")  # type: ignore[attr-defined]  # the rest folded, said
    # the decision sits at the top: the approve button is in the first screen, above the changes
    top = page.evaluate("document.querySelector('#approve').getBoundingClientRect().top")  # type: ignore[attr-defined]
    assert top < page.evaluate("document.querySelector('#changes').getBoundingClientRect().top") and top < 400  # type: ignore[attr-defined]
    clean(page, "sup-review")
    page.click("#return")  # type: ignore[attr-defined]
    until(page, "!!document.querySelector('#comment-error')")  # a return needs a comment: said, nothing sent
    page.fill("#review-comment", "同意，按新密级迁移 approved")  # type: ignore[attr-defined]
    page.click("#approve")  # type: ignore[attr-defined]
    until(page, "location.pathname === '/app/reviews'")
    until(page, "document.querySelector('#review-queue').innerText.includes('没有等待审核的版本')")
    versions = web.client("supervisor").get(f"/api/plans/{MINE}/versions").json()
    mine = next(v for v in versions if v["version"] == version)
    assert mine["review"]["status"] == "approved" and mine["review"]["by"] == "supervisor"
    assert page.csp_violations == []  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_the_wall_screen_shows_live_states_and_moves_after_a_new_cycle(
    server: str, browser: object, web: Web
) -> None:
    at = datetime.now(UTC).replace(microsecond=0)
    _cycle(web, at, down=3, degraded=2)
    page = sign_in(browser, server, web, "supervisor")
    page.set_viewport_size({"width": 1920, "height": 1080})  # type: ignore[attr-defined]
    page.goto(server + "/app/wall")  # type: ignore[attr-defined]
    until(
        page, "document.querySelector('#wall-down') && document.querySelector('#wall-down').innerText === '3'"
    )
    assert page.query_selector("header.top") is None  # type: ignore[attr-defined]  # no console header
    assert page.inner_text("#wall-degraded") == "2" and page.inner_text("#wall-up") == "19"  # type: ignore[attr-defined]
    assert "社会保险" not in page.inner_text("#wall-alert-list")  # type: ignore[attr-defined]
    assert "青海省人力资源和社会保障厅" in page.inner_text("#wall-alert-list")  # type: ignore[attr-defined]
    clean(page, "sup-wall")
    _cycle(web, at + timedelta(seconds=30), down=0)  # the next cycle: everything up again, nothing clicked
    until(page, "document.querySelector('#wall-down').innerText === '0'", timeout=20)
    until(page, "!!document.querySelector('#wall-no-alerts')")
    assert page.inner_text("#wall-up") == "24"  # type: ignore[attr-defined]
    assert "监管看板已更新" in page.inner_text("#live")  # type: ignore[attr-defined]  # announced
    shots(page, "sup-wall-calm")
    page.close()  # type: ignore[attr-defined]


def test_the_dashboard_progress_approvals_and_reports_pages(server: str, browser: object, web: Web) -> None:
    _cycle(web, datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1), down=2)
    page = sign_in(browser, server, web, "supervisor")
    page.goto(server + "/app/dashboard")  # type: ignore[attr-defined]
    until(
        page,
        "document.querySelector('#counts') && document.querySelector('[data-state=down]').innerText === '2'",
    )
    until(page, "document.querySelectorAll('#alerts .el-table__body tr').length === 2")
    assert "青海省财政厅" in page.inner_text("#alerts") or "青海省人力资源和社会保障厅" in page.inner_text(
        "#alerts"
    )  # type: ignore[attr-defined]
    assert page.query_selector("#live[aria-live=polite]") is not None  # type: ignore[attr-defined]
    clean(page, "sup-dashboard")
    page.click("#lang")  # type: ignore[attr-defined]  # English: everything drawn at run time too
    until(page, "document.querySelector('#alerts-title').innerText.startsWith('Alerts')")
    assert "Down" in page.inner_text("#counts")  # type: ignore[attr-defined]
    clean(page, "sup-dashboard-en")
    page.click("#lang")  # type: ignore[attr-defined]
    until(page, "document.querySelector('#alerts-title').innerText.startsWith('告警')")

    page.goto(server + "/app/progress")  # type: ignore[attr-defined]
    drawn(page, "#progress-table .el-table__body")
    progress = web.client("supervisor").get("/api/progress").json()
    table = page.inner_text("#progress-table")  # type: ignore[attr-defined]
    assert all(r["name"] in table for r in progress["departments"])
    if progress["at_risk"]:
        assert "无：没有部门有延期风险" not in page.inner_text("#risks")  # type: ignore[attr-defined]
    else:
        assert page.query_selector("#none-at-risk") is not None  # type: ignore[attr-defined]
    clean(page, "sup-progress")

    page.goto(server + "/app/reports")  # type: ignore[attr-defined]
    drawn(page, "#reports-period")
    periods = web.client("supervisor").get("/api/reports/periods").json()
    href = page.get_attribute("#open-annual", "href")  # type: ignore[attr-defined]
    assert f"year={periods['year']}" in str(href)
    clean(page, "sup-reports")
    page.close()  # type: ignore[attr-defined]


def test_the_asker_cannot_approve_their_own_ask_and_is_told_why(
    server: str, browser: object, web: Web
) -> None:
    ops = web.client("ops")
    retiring = next(d for d in ops.get("/api/decisions").json() if d["action"] == "retire")
    key = f"{retiring['department']}/{retiring['system']}"
    asked = ops.post(f"/api/retire/{key}", json={"confirm": key})
    assert asked.status_code == 202, asked.text
    page = sign_in(browser, server, web, "ops")
    page.goto(server + "/app/approvals")  # type: ignore[attr-defined]
    drawn(page, "#approvals .el-table__body")
    assert key in page.inner_text("#approvals")  # type: ignore[attr-defined]
    page.click("#approvals button")  # type: ignore[attr-defined]
    page.fill("#approval-comment", "自己批准 my own")  # type: ignore[attr-defined]
    page.click("#approve")  # type: ignore[attr-defined]
    until(page, "!!document.querySelector('#approval-refused')")
    refused = page.inner_text("#approval-refused")  # type: ignore[attr-defined]
    assert refused.strip(), refused
    clean(page, "sup-approvals-refused")
    page.close()  # type: ignore[attr-defined]
    page = sign_in(browser, server, web, "supervisor")
    page.goto(server + "/app/approvals")  # type: ignore[attr-defined]
    drawn(page, "#approvals .el-table__body")
    page.click("#approvals button")  # type: ignore[attr-defined]
    page.fill("#approval-comment", "暂不清理 not yet")  # type: ignore[attr-defined]
    page.click("#reject")  # type: ignore[attr-defined]
    until(page, "document.querySelector('#approvals').innerText.includes('没有待审批的操作')")
    clean(page, "sup-approvals")
    page.close()  # type: ignore[attr-defined]
