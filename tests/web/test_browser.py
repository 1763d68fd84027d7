"""End to end in headless Chromium (Debian's, driven by Playwright): a department corrects and submits its plan,
ops runs a wave in check mode and watches it, a supervisor's dashboard changes when a watched service stops.
Screenshots go to tests/web/screenshots/ (kept out of git)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import uvicorn
import yaml

from orchestrator.monitor import (
    Collector,
    Monitor,
    MonitorSettings,
    connect,
    cycle_queries,
    load_catalog,
    scrape_config,
)
from orchestrator.store import HealthStore
from tests.conftest import EXAMPLES
from tests.monitor import lab
from tests.web.conftest import MINE, OTHER, PASSWORD, Web, record_cut_over

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="chromium is not installed (scripts/system-deps.sh)"
)


@pytest.fixture(scope="module")
def server(web: Web) -> Iterator[str]:
    port = lab.free_port()
    config = uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    assert lab.wait_until(lambda: srv.started, 20), "the web server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    SHOTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


def until(page: object, expression: str, timeout: float = 30) -> None:
    """Polls a JavaScript expression in the page. page.evaluate runs through the debugging protocol; Playwright's
    wait_for_function would need eval inside the page, which the service's CSP rightly forbids."""

    def holds() -> bool:
        try:
            return bool(page.evaluate(expression))  # type: ignore[attr-defined]
        except playwright.Error:  # the page is navigating (a reload after a write): ask again
            return False

    assert lab.wait_until(holds, timeout, 0.2), expression


def sign_in(browser: object, base: str, web: Web, user: str, code: str | None = None) -> object:
    """Signs in through the form: user name, password and, for the roles that need it, the TOTP code the user's
    authenticator app shows (`code` to type another)."""
    page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_violations = violations
    page.goto(base + "/")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.fill("#otp", web.code(user) if code is None else code)
    page.click("#sign-in")
    page.wait_for_load_state()
    return page


def test_a_department_sees_its_errors_located_fixes_and_submits(
    server: str, browser: object, web: Web
) -> None:
    page = sign_in(browser, server, web, "rst")
    assert page.url.endswith(f"/plans/{MINE}")  # type: ignore[attr-defined]
    good = (EXAMPLES / f"{MINE}.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(good)
    doc["systems"][1]["usage"]["frequency"] = "sometimes"
    page.fill("#plan-text", yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))  # type: ignore[attr-defined]
    page.click("#check")  # type: ignore[attr-defined]
    page.wait_for_selector("#problems")  # type: ignore[attr-defined]
    text = page.inner_text("#problems")  # type: ignore[attr-defined]
    assert "frequency" in text and "line" in text
    page.screenshot(path=str(SHOTS / "1-department-errors.png"), full_page=True)  # type: ignore[attr-defined]
    page.fill("#plan-text", good)  # type: ignore[attr-defined]
    page.click("#submit")  # type: ignore[attr-defined]
    page.wait_for_selector("#result .saved")  # type: ignore[attr-defined]
    assert "计划有效" in page.inner_text("#result")  # type: ignore[attr-defined]
    page.wait_for_selector("#assessment-table")  # type: ignore[attr-defined]
    table = page.inner_text("#assessment-table")  # type: ignore[attr-defined]
    assert "social-insurance" in table
    # each decision in words a clerk can act on, not only rule ids: its reasons and what to fix
    decisions = {d["system"]: d for d in web.client("rst").get(f"/api/decisions?department={MINE}").json()}
    retired = next(d for d in decisions.values() if d["action"] == "retire")
    for said in [*retired["reasons"], *retired["fixes"]]:
        assert f"[{said['rule']}] {said['zh']}" in table and said["en"] in table, said
    assert "清理 retire" in table and "P2, P7" not in table
    page.screenshot(path=str(SHOTS / "2-department-submitted.png"), full_page=True)  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_a_supervisor_returns_and_approves_on_the_department_page(
    server: str, browser: object, web: Web
) -> None:
    submitted = web.client("rst").post(
        f"/api/plans/{MINE}",
        data={"content": (EXAMPLES / f"{MINE}.yaml").read_text(encoding="utf-8"), "filename": "p.yaml"},
    )
    version = submitted.json()["version"]
    page = sign_in(browser, server, web, "supervisor")
    page.goto(f"{server}/plans/{MINE}")  # type: ignore[attr-defined]
    box = f'.review[data-version="{version}"]'
    page.click(f"{box} .review-return")  # type: ignore[attr-defined]  # no comment: refused, said why
    until(page, "document.querySelector('#result').textContent.includes('comment')")
    page.fill(f"{box} .review-comment", "请补充备份策略 add the backup policy")  # type: ignore[attr-defined]
    page.click(f"{box} .review-return")  # type: ignore[attr-defined]
    page.wait_for_selector("text=请补充备份策略")  # type: ignore[attr-defined]
    assert "已退回" in page.inner_text("#versions")  # type: ignore[attr-defined]
    page.click(f'.review[data-version="{version}"] .review-approve')  # type: ignore[attr-defined]
    # the page reloaded with it in force
    page.wait_for_selector(f"tr.review-approved:has(td:text-is('v{version}'))")  # type: ignore[attr-defined]
    row = page.inner_text("tr.review-approved")  # type: ignore[attr-defined]
    assert f"v{version}" in row and "已通过 · 生效中" in row
    page.screenshot(path=str(SHOTS / "2b-supervisor-approved.png"), full_page=True)  # type: ignore[attr-defined]
    assert page.csp_violations == []  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_ops_signs_in_with_a_totp_code_and_a_wrong_or_missing_code_is_refused(
    server: str, browser: object, web: Web
) -> None:
    for wrong in ("", "000000"):
        page = sign_in(browser, server, web, "ops", code=wrong)
        assert "/login" in page.url  # type: ignore[attr-defined]
        assert "动态口令" in page.inner_text("#login-error")  # type: ignore[attr-defined]
        page.close()  # type: ignore[attr-defined]
    page = sign_in(browser, server, web, "ops")  # the code the phone shows now
    assert page.url.endswith("/portfolio")  # type: ignore[attr-defined]
    assert "ops" in page.inner_text("#who")  # type: ignore[attr-defined]
    page.click("#account")  # type: ignore[attr-defined]
    page.wait_for_selector("#change")  # type: ignore[attr-defined]
    page.screenshot(path=str(SHOTS / "0-ops-signed-in-with-totp.png"), full_page=True)  # type: ignore[attr-defined]
    assert page.csp_violations == []  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


SYSTEM = "accountant-mgmt"  # 630000-CZT's system in W01
KEY = f"{OTHER}/{SYSTEM}"


def test_a_department_accepts_its_cut_over_system_on_its_page(server: str, browser: object, web: Web) -> None:
    record_cut_over(web, KEY)  # W01's run recorded through cutover, the wave over
    web.app.state.ctx.store.set_wave("W01", "done", "ops")
    page = sign_in(browser, server, web, "czt")
    page.goto(f"{server}/plans/{OTHER}")  # type: ignore[attr-defined]
    box = f'.acceptance[data-system="{SYSTEM}"]'
    page.wait_for_selector(box)  # type: ignore[attr-defined]
    assert "待验收" in page.inner_text("#assessment-table")  # type: ignore[attr-defined]
    page.fill(f"{box} .acceptance-comment", "报表导出乱码 the export is garbled")  # type: ignore[attr-defined]
    page.click(f"{box} .acceptance-problem")  # type: ignore[attr-defined]
    page.wait_for_selector("p.raised")  # type: ignore[attr-defined]  # reloaded: raised, still to accept

    ops = sign_in(browser, server, web, "ops")  # ops see it on the wave's page, beside the rollback
    ops.goto(f"{server}/waves/W01")  # type: ignore[attr-defined]
    ops.wait_for_selector("#systems td.problem")  # type: ignore[attr-defined]
    line = ops.inner_text(f'#systems tr:has-text("{KEY}")')  # type: ignore[attr-defined]
    assert "the export is garbled (czt)" in line and "回退 roll back" in line
    ops.screenshot(path=str(SHOTS / "2d-ops-sees-the-problem.png"), full_page=True)  # type: ignore[attr-defined]
    assert ops.csp_violations == []  # type: ignore[attr-defined]
    ops.close()  # type: ignore[attr-defined]

    page.wait_for_selector(box)  # type: ignore[attr-defined]
    page.fill(f"{box} .acceptance-comment", "业务核对无误 checked")  # type: ignore[attr-defined]
    page.click(f"{box} .acceptance-accept")  # type: ignore[attr-defined]
    page.wait_for_selector(".state-accepted")  # type: ignore[attr-defined]  # reloaded: accepted
    assert page.query_selector(box) is None  # type: ignore[attr-defined]
    page.screenshot(path=str(SHOTS / "2c-department-accepted.png"), full_page=True)  # type: ignore[attr-defined]
    assert page.csp_violations == []  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]
    said = [a for a in web.app.state.ctx.store.audit_log(KEY) if a.action == "system.accept"]
    assert [(a.actor, a.detail) for a in said] == [("czt", "业务核对无误 checked")]

    # accepted: ops may ask to switch the source off, in a dialog that names the system and wants its key
    ops = sign_in(browser, server, web, "ops")
    ops.goto(f"{server}/waves/W01")  # type: ignore[attr-defined]
    ops.click(f'#systems tr:has-text("{KEY}") button.decommission')  # type: ignore[attr-defined]
    ops.wait_for_selector("#confirm-dialog[open]")  # type: ignore[attr-defined]
    assert ops.inner_text("#confirm-system") == KEY  # type: ignore[attr-defined]
    ops.fill("#confirm-key", f"{OTHER}/other-system")  # type: ignore[attr-defined]
    assert ops.is_disabled("#confirm-ok")  # type: ignore[attr-defined]  # another key: nothing to send
    ops.fill("#confirm-key", KEY)  # type: ignore[attr-defined]
    ops.click("#confirm-ok")  # type: ignore[attr-defined]
    until(ops, "document.querySelector('#control-result').textContent.includes('second person')")
    row = ops.inner_text(f'#approvals tr:has-text("{KEY}")')  # type: ignore[attr-defined]
    assert "decommission" in row and "pending" in row and "等待另一人" in row  # not the asker's to approve
    ops.screenshot(path=str(SHOTS / "2e-ops-asked-a-second-person.png"), full_page=True)  # type: ignore[attr-defined]
    assert ops.csp_violations == []  # type: ignore[attr-defined]
    ops.close()  # type: ignore[attr-defined]
    asked = web.app.state.runs.approvals.list("pending")
    assert [(a.kind, a.system, a.asked_by) for a in asked] == [("decommission", KEY, "ops")]
    assert web.app.state.runs.job("W01:decommission:" + KEY) is None  # asked only: nothing queued


def test_ops_runs_a_wave_in_check_mode_and_watches_it(server: str, browser: object, web: Web) -> None:
    page = sign_in(browser, server, web, "ops")
    page.goto(server + "/waves/W01?check=true")  # type: ignore[attr-defined]
    page.click("#run")  # type: ignore[attr-defined]
    until(page, "document.querySelector('#log').textContent.length > 0")
    page.screenshot(path=str(SHOTS / "3-ops-running.png"), full_page=True)  # type: ignore[attr-defined]
    until(page, "document.querySelector('#wave-status').textContent.trim() === 'done'", 180)
    rows = page.inner_text("#systems")  # type: ignore[attr-defined]
    assert rows.count("done") >= 3 and "630000-FGW/energy-review" in rows
    assert "runner_on_ok" in page.inner_text("#log")  # type: ignore[attr-defined]
    page.screenshot(path=str(SHOTS / "4-ops-done.png"), full_page=True)  # type: ignore[attr-defined]
    assert page.csp_violations == []  # type: ignore[attr-defined]  # the pages need nothing the CSP forbids
    page.close()  # type: ignore[attr-defined]


def test_the_supervisor_dashboard_changes_when_a_watched_service_stops(
    server: str, browser: object, web: Web
) -> None:
    reason = lab.missing()
    if reason:
        pytest.skip(reason)
    root = lab.workdir()
    targets, probes = load_catalog(web.root / "render")
    probe = next(p for p in probes if p.urls)
    key = f"{probe.labels['department']}/{probe.labels['system']}"
    app = lab.App().start()
    bb = lab.blackbox(root).start()
    prom = lab.prometheus(
        root, scrape_config([replace(probe, urls=(app.health_url,))], bb.url[7:], interval="1s")
    ).start()
    settings = MonitorSettings(interval_seconds=1, confirm_cycles=2)
    monitor = Monitor(
        [t for t in targets if t.key == key],
        Collector(connect(prom.url, 5), cycle_queries()),
        HealthStore(web.app.state.ctx.config.engine),
        settings,
    )
    try:
        assert lab.wait_until(lambda: lab.probed(prom.url)() == 1, 20, 0.3)
        first_ever = not monitor.store.cycles(1)
        page = sign_in(browser, server, web, "supervisor")
        assert page.url.endswith("/dashboard")  # type: ignore[attr-defined]
        # before any cycle: what needs no monitoring is there at once, by name
        until(page, "document.querySelectorAll('#zombies tr').length > 1")
        zombies = page.inner_text("#zombies")  # type: ignore[attr-defined]
        assert "依据 criteria" in zombies and "Z" in zombies
        if first_ever:
            assert "尚无监控周期" in page.inner_text("#last-cycle")  # type: ignore[attr-defined]
        page.screenshot(path=str(SHOTS / "5a-supervisor-before-first-cycle.png"), full_page=True)  # type: ignore[attr-defined]
        monitor.cycle()  # one cycle alone reports nothing yet: the state waits for the second to agree
        until(page, "document.querySelector('#count-unknown').textContent === '1'")
        time.sleep(1)
        monitor.cycle()
        until(page, "document.querySelector('#count-up').textContent === '1'")
        assert "（Asia/Shanghai）" in page.inner_text("#last-cycle")  # type: ignore[attr-defined]
        page.screenshot(path=str(SHOTS / "5-supervisor-up.png"), full_page=True)  # type: ignore[attr-defined]
        app.stop()
        down = lambda: float(prom_query(prom.url, key)) == 0  # noqa: E731
        assert lab.wait_until(down, 20, 0.3)
        for _ in range(2):
            monitor.cycle()
            time.sleep(1)
        until(page, "document.querySelector('#count-down').textContent === '1'")
        alerts = page.inner_text("#alerts")  # type: ignore[attr-defined]
        assert key in alerts and "健康检查无法连接" in alerts and "中断 down" in alerts
        assert key in page.inner_text("#systems-health")  # type: ignore[attr-defined]
        page.screenshot(path=str(SHOTS / "6-supervisor-down.png"), full_page=True)  # type: ignore[attr-defined]
        page.close()  # type: ignore[attr-defined]
    finally:
        prom.stop()
        bb.stop()
        app.stop()
        shutil.rmtree(root, ignore_errors=True)


def prom_query(url: str, key: str) -> str:
    import httpx

    department, system = key.split("/")
    r = httpx.get(
        f"{url}/api/v1/query",
        params={"query": f'probe_success{{department="{department}",system="{system}"}}'},
    )
    result = r.json()["data"]["result"]
    return result[0]["value"][1] if result else "nan"
