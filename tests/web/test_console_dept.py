# ruff: noqa: F811  # browser and server are test_browser's fixtures, taken by name
"""The department clerk's day in the console (Chromium): an Excel plan with an error is checked (nothing stored),
its error shown at its sheet, row and column and pinned to its field in the form, fixed there, checked and
submitted; the new version is in the list and compared side by side with the one in force; after cutover the
system is reported on and accepted from "my systems". axe-core finds nothing critical or serious on each page,
and each is photographed at 1280 and 1920 px."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from orchestrator.policy import PolicySettings
from orchestrator.store import HealthStore
from orchestrator.store.health import StateRow
from tests.web.conftest import MINE, Web, build, record_cut_over
from tests.web.console import clean, drawn, shots, workbook_with_an_error
from tests.web.test_browser import CHROMIUM, browser, server, sign_in, until  # noqa: F401

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="chromium is not installed (scripts/system-deps.sh)"
)


@pytest.fixture(scope="module")
def web(province_settings: PolicySettings) -> Iterator[Web]:
    """The province's plans approved; no tree and no wave run: the clerk's pages need neither."""
    w = build(None, province_settings, site=False)
    yield w
    w.close()


def versions(web: Web) -> list[dict[str, Any]]:
    return list(web.client("rst").get(f"/api/plans/{MINE}/versions").json())


def test_a_clerk_checks_an_excel_plan_fixes_it_in_the_form_submits_and_accepts_a_system(
    server: str, browser: Any, web: Web, tmp_path: Any
) -> None:
    page = sign_in(browser, server, web, "rst")
    before = versions(web)

    # the plan editor: the Excel tab, a workbook with an error, checked
    page.goto(server + "/app/dept/plan")
    drawn(page, "#plan-form")
    until(page, "document.querySelector('#plan-start') !== null")
    page.click("#plan-tabs .el-tabs__item:has-text('Excel')")
    page.set_input_files(
        "#plan-excel input[type=file]", str(workbook_with_an_error(tmp_path / "计划.xlsx", MINE))
    )
    page.click("#plan-check")
    until(page, "!!document.querySelector('#plan-problems') && document.querySelector('#plan-verdict')")
    problems = page.inner_text("#plan-problems")
    assert "工作表「系统 Systems」第 4 行 R 列" in problems and "五级" in problems
    assert "must be a whole number" in problems  # English beside the Chinese
    assert versions(web) == before  # checking stores nothing
    clean(page)
    shots(page, "dept-plan-excel-error")

    # the YAML tab: an error listed at its line and column, the line marked beside the text (nothing stored)
    page.click("#plan-tabs .el-tabs__item:has-text('YAML')")
    text = page.input_value("#plan-yaml")
    assert "mlps_level: 3" in text
    page.fill("#plan-yaml", text.replace("mlps_level: 3", "mlps_level: 9", 1))
    line = next(n for n, x in enumerate(text.splitlines(), 1) if "mlps_level: 3" in x)
    page.click("#plan-check")
    until(
        page,
        "document.querySelector('#plan-problems') && "
        f"document.querySelector('#plan-problems').innerText.includes('第 {line} 行')",
    )
    assert "must be at most 5, not 9" in page.inner_text("#plan-problems")
    assert page.locator(".gutter .bad").first.inner_text().strip() == str(line)
    clean(page)
    shots(page, "dept-plan-yaml")
    page.click("#plan-tabs .el-tabs__item:has-text('Excel')")
    page.click("#plan-check")  # the workbook again: its content back in the form
    until(
        page,
        "document.querySelector('#plan-problems') && "
        "document.querySelector('#plan-problems').innerText.includes('工作表')",
    )
    assert versions(web) == before

    # the workbook's content is in the form, the error pinned to its field: fixed there
    page.click("#tab-form")
    field = "#f-systems-0-security-mlps_level"
    until(page, f"!!document.querySelector('{field}')")
    item = page.locator(f".el-form-item:has({field})")
    assert "五级" in page.input_value(field)
    assert "等保级别" in item.inner_text() and "whole number" in item.inner_text()
    assert "is-error" in (item.get_attribute("class") or "")
    clean(page)
    shots(page, "dept-plan-form-pinned")
    page.fill(field, "3")
    page.fill("#f-systems-0-usage-users", "6000")  # and one more change, for the versions' diff
    page.click("#plan-check")
    until(
        page,
        "document.querySelector('#plan-verdict') && "
        "document.querySelector('#plan-verdict').innerText.includes('检查通过')",
    )
    until(page, "!!document.querySelector('#plan-assessment')")
    assert "社会保险经办管理信息系统" in page.inner_text("#plan-assessment")
    assert versions(web) == before
    page.click("#plan-submit")
    until(page, "!!document.querySelector('#plan-submitted')")
    after = versions(web)
    assert len(after) == len(before) + 1 and after[-1]["valid"] is True
    new = after[-1]["version"]
    assert f"已提交版本 {new}" in page.inner_text("#plan-submitted")
    stored = web.client("rst").get(f"/api/plans/{MINE}/versions/{new}").json()
    assert yaml.safe_load(stored["content"])["systems"][0]["security"]["mlps_level"] == 3  # the form's JSON

    # the versions: the new one waits for review; side by side with the one in force
    page.goto(server + "/app/dept/versions")
    drawn(page, "#plan-versions")
    until(page, "document.querySelector('#plan-versions').innerText.includes('待审核')")
    page.click("#versions-compare")
    until(page, "!!document.querySelector('#versions-diff')")
    in_force = next(v["version"] for v in after if v["in_force"])
    assert f"版本 {in_force} 与版本 {new} 的差异" in page.inner_text("#versions-diff")
    assert page.locator("#versions-diff tr.equal").count() <= 7  # only the changes, 3 lines either side
    changed = page.locator("#versions-diff tr.replace")
    assert changed.count() >= 1 and "users: 6000" in changed.first.inner_text()
    assert "users: 5000" in changed.first.inner_text()  # both sides of the changed line, side by side
    assert "两个版本的评估决定没有不同" in page.inner_text("#no-changes")  # users change no decision
    clean(page)
    shots(page, "dept-versions")

    # my systems: after cutover, a problem (the dialog asks for words), then acceptance
    key = f"{MINE}/salary-mgmt"
    record_cut_over(web, key)
    at = datetime(2026, 11, 30, 8, 5, tzinfo=UTC)
    row = StateRow(key, MINE, "extranet", "W01", "degraded", "slow", at, None, 0, {})
    HealthStore(web.app.state.ctx.config.engine).record_cycle(at, 0.1, 10, True, [row], [], [])
    time.sleep(1.2)  # the health document is looked at again at most once a second
    page.goto(server + "/app/dept/systems")
    drawn(page, "#my-systems")
    until(page, "document.querySelector('#my-systems').innerText.includes('机关事业单位工资管理系统')")
    assert "降级" in page.inner_text("#my-systems") and "已切换" in page.inner_text("#my-systems")
    page.click("#lang")  # everything drawn at run time in English too
    until(
        page,
        "document.querySelector('#my-systems').innerText.includes('Awaiting acceptance') || "
        "document.querySelector('#my-systems').innerText.includes('Cut over')",
    )
    assert "Degraded" in page.inner_text("#my-systems") and "Lifecycle" in page.inner_text("#my-systems")
    clean(page)
    shots(page, "dept-systems-en")
    page.click("#lang")
    until(page, "document.querySelector('#my-systems').innerText.includes('生命周期')")
    clean(page)
    shots(page, "dept-systems")
    page.click("#problem-salary-mgmt")
    page.click("#dept-send")
    until(page, "document.querySelector('.el-dialog').innerText.includes('请写明问题')")
    clean(page)
    page.fill("#dept-comment", "工资发放报表缺少十月数据")
    page.click("#dept-send")
    until(page, "document.querySelector('#my-systems').innerText.includes('工资发放报表缺少十月数据')")
    page.click("#accept-salary-mgmt")
    page.fill("#dept-comment", "已核对")
    page.click("#dept-send")
    until(page, "document.querySelector('#my-systems').innerText.includes('已验收')")
    assert page.query_selector("#accept-salary-mgmt") is None

    # the version sent from the form, once approved, opens in the YAML tab as YAML (it was stored as the form's JSON)
    url = f"/api/plans/{MINE}/versions/{new}/review"
    assert web.client("supervisor").post(url, json={"decision": "approve"}).status_code == 200
    page.goto(server + "/app/dept/plan")
    drawn(page, "#plan-tabs")
    page.click("#plan-tabs .el-tabs__item:has-text('YAML')")
    until(page, "document.querySelector('#plan-yaml').value.length > 0")
    text = page.input_value("#plan-yaml")
    assert (
        text.startswith("apiVersion: govmig/v1")
        and "mlps_level: 3" in text
        and not text.lstrip().startswith("{")
    )
    assert yaml.safe_load(text)["systems"][0]["usage"]["users"] == 6000
    assert page.csp_violations == []
    page.close()


def test_a_supervisor_opens_a_departments_pages_by_its_code_and_cannot_accept_for_it(
    server: str, browser: Any, web: Web
) -> None:
    page = sign_in(browser, server, web, "supervisor")
    page.goto(server + f"/app/dept/systems?department={MINE}")
    drawn(page, "#my-systems")
    until(page, "document.querySelector('#my-systems').innerText.includes('机关事业单位工资管理系统')")
    assert page.query_selector("[id^=accept-]") is None  # acceptance is the department's own word
    assert page.query_selector("#dept-picker") is not None
    clean(page)
    page.goto(server + f"/app/dept/versions?department={MINE}")
    drawn(page, "#plan-versions")
    until(page, "document.querySelector('#plan-versions').innerText.includes('seed')")
    clean(page)
    shots(page, "dept-versions-supervisor")
    page.goto(server + "/app/dept/plan")  # the editor is for those who submit
    until(page, "location.pathname.endsWith('/forbidden')")
    page.close()
