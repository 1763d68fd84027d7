"""End to end in headless Chromium (Debian's, driven by Playwright), through the sign-in page into the console:
ops sign in with a TOTP code and land on the waves board; a department's problem after cutover reaches ops, and
switching the source off is asked through the typed-key dialog and waits for a second person; the supervisor's
console dashboard moves when a service watched by a real Prometheus and blackbox stops. The module's fixtures
(server, browser, until, sign_in, SHOTS) serve every console test. Screenshots go to tests/web/screenshots/ (kept
out of git). The department's, supervisor's and ops' own journeys are in test_console_dept, test_console_supervisor
and test_ops_console."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import uvicorn

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
    page = browser.new_page(  # type: ignore[attr-defined]
        locale="zh-CN", viewport={"width": 1400, "height": 1000}, reduced_motion="reduce"
    )
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


def test_ops_signs_in_with_a_totp_code_and_a_wrong_or_missing_code_is_refused(
    server: str, browser: object, web: Web
) -> None:
    for wrong in ("", "000000"):
        page = sign_in(browser, server, web, "ops", code=wrong)
        assert "/login" in page.url  # type: ignore[attr-defined]
        assert "动态口令" in page.inner_text("#login-error")  # type: ignore[attr-defined]
        page.close()  # type: ignore[attr-defined]
    page = sign_in(browser, server, web, "ops")  # the code the phone shows now
    until(page, "location.pathname === '/app/ops/waves'")  # into the console, on the role's first page
    page.wait_for_selector("#who")  # type: ignore[attr-defined]
    until(page, "document.querySelector('#who').innerText.includes('ops')")
    page.click("#account")  # type: ignore[attr-defined]  # the password is the server's page still
    page.wait_for_selector("#change")  # type: ignore[attr-defined]
    page.screenshot(path=str(SHOTS / "0-ops-signed-in-with-totp.png"), full_page=True)  # type: ignore[attr-defined]
    assert page.csp_violations == []  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


SYSTEM = "accountant-mgmt"  # 630000-CZT's system in W01
KEY = f"{OTHER}/{SYSTEM}"


def test_a_departments_problem_reaches_ops_and_switching_the_source_off_waits_for_a_second_person(
    server: str, browser: object, web: Web
) -> None:
    record_cut_over(web, KEY)  # W01's run recorded through cutover, the wave over
    web.app.state.ctx.store.set_wave("W01", "done", "ops")
    czt = web.client("czt")
    url = f"/api/systems/{OTHER}/{SYSTEM}"
    assert (
        czt.post(f"{url}/problem", json={"comment": "报表导出乱码 the export is garbled"}).status_code == 200
    )

    ops = sign_in(browser, server, web, "ops")  # ops see it on the console's dashboard, by whom
    ops.goto(f"{server}/app/dashboard")  # type: ignore[attr-defined]
    until(
        ops,
        "!!document.querySelector('#problems') && document.querySelector('#problems').innerText.includes('garbled')",
    )
    problems = ops.inner_text("#problems")  # type: ignore[attr-defined]
    assert SYSTEM in problems and "czt" in problems
    ops.screenshot(path=str(SHOTS / "2d-ops-sees-the-problem.png"), full_page=True)  # type: ignore[attr-defined]

    assert czt.post(f"{url}/accept", json={"comment": "业务核对无误 checked"}).status_code == 200
    # accepted: ops may ask to switch the source off, in the dialog that wants the system's key typed
    ops.goto(f"{server}/app/ops/waves/W01")  # type: ignore[attr-defined]
    row = f"#matrix tr[data-system='{KEY}']"
    ops.wait_for_selector(f"{row} button.el-button--danger")  # type: ignore[attr-defined]
    ops.click(f"{row} button.el-button--danger")  # type: ignore[attr-defined]  # decommission
    ops.wait_for_selector("#type-to-confirm")  # type: ignore[attr-defined]
    assert KEY in ops.inner_text(".el-dialog")  # type: ignore[attr-defined]  # it names the system
    ops.fill("#type-to-confirm", f"{OTHER}/other-system")  # type: ignore[attr-defined]
    assert ops.is_disabled(".el-dialog .el-button--danger")  # type: ignore[attr-defined]  # another key: nothing
    ops.fill("#type-to-confirm", KEY)  # type: ignore[attr-defined]
    ops.click(".el-dialog .el-button--danger")  # type: ignore[attr-defined]
    until(
        ops,
        "!!document.querySelector('#wave-said') && document.querySelector('#wave-said').innerText.includes('等待第二人审批')",
    )
    ops.screenshot(path=str(SHOTS / "2e-ops-asked-a-second-person.png"), full_page=True)  # type: ignore[attr-defined]
    assert ops.csp_violations == []  # type: ignore[attr-defined]
    ops.close()  # type: ignore[attr-defined]
    asked = web.app.state.runs.approvals.list("pending")
    assert [(a.kind, a.system, a.asked_by) for a in asked] == [("decommission", KEY, "ops")]
    assert web.app.state.runs.job("W01:decommission:" + KEY) is None  # asked only: nothing queued


def test_a_returned_version_reaches_the_department_with_the_supervisors_words_drawn_as_text(
    server: str, browser: object, web: Web
) -> None:
    submitted = web.client("rst").post(
        f"/api/plans/{MINE}",
        data={"content": (EXAMPLES / f"{MINE}.yaml").read_text(encoding="utf-8"), "filename": "p.yaml"},
    )
    version = submitted.json()["version"]
    sup = sign_in(browser, server, web, "supervisor")
    sup.goto(f"{server}/app/reviews/{MINE}/{version}")  # type: ignore[attr-defined]
    sup.wait_for_selector("#review-comment")  # type: ignore[attr-defined]
    sup.fill("#review-comment", "请补充备份策略 <img src=x onerror=window.pwned=1>")  # type: ignore[attr-defined]
    sup.click("#return")  # type: ignore[attr-defined]
    until(sup, "location.pathname === '/app/reviews'")
    sup.close()  # type: ignore[attr-defined]
    review = {v["version"]: v["review"] for v in web.client("rst").get(f"/api/plans/{MINE}/versions").json()}
    assert review[version]["status"] == "returned" and review[version]["by"] == "supervisor"

    page = sign_in(browser, server, web, "rst")
    page.goto(f"{server}/app/dept/versions")  # type: ignore[attr-defined]
    until(
        page,
        "!!document.querySelector('#plan-versions') && document.querySelector('#plan-versions').innerText.includes('请补充备份策略')",
    )
    table = page.inner_text("#plan-versions")  # type: ignore[attr-defined]
    assert "已退回" in table and "<img src=x onerror=window.pwned=1>" in table  # the words, as text
    assert page.evaluate("window.pwned === undefined && !document.querySelector('#plan-versions img')")  # type: ignore[attr-defined]
    page.screenshot(path=str(SHOTS / "2b-department-sees-the-return.png"), full_page=True)  # type: ignore[attr-defined]
    assert page.csp_violations == []  # type: ignore[attr-defined]
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
        until(page, "location.pathname.startsWith('/app/')")  # into the console
        page.goto(f"{server}/dashboard")  # type: ignore[attr-defined]  # the old address: the console's dashboard
        until(page, "location.pathname === '/app/dashboard'")
        # before any cycle: what needs no monitoring is there at once, by name, with its criteria
        until(page, "document.querySelectorAll('#zombies tbody tr').length > 0")
        zombies = page.inner_text("#zombies")  # type: ignore[attr-defined]
        assert "依据" in zombies and "[Z" in zombies
        if first_ever:
            assert "尚无监测数据" in page.inner_text("#last-cycle")  # type: ignore[attr-defined]
        page.screenshot(path=str(SHOTS / "5a-supervisor-before-first-cycle.png"), full_page=True)  # type: ignore[attr-defined]
        monitor.cycle()  # one cycle alone reports nothing yet: the state waits for the second to agree
        until(page, "document.querySelector('#counts [data-state=unknown]').textContent.trim() === '1'")
        time.sleep(1)
        monitor.cycle()
        until(page, "document.querySelector('#counts [data-state=up]').textContent.trim() === '1'")
        assert "最近一次监测" in page.inner_text("#last-cycle") and "北京时间" in page.inner_text(
            "#last-cycle"
        )  # type: ignore[attr-defined]
        page.screenshot(path=str(SHOTS / "5-supervisor-up.png"), full_page=True)  # type: ignore[attr-defined]
        app.stop()
        down = lambda: float(prom_query(prom.url, key)) == 0  # noqa: E731
        assert lab.wait_until(down, 20, 0.3)
        for _ in range(2):
            monitor.cycle()
            time.sleep(1)
        until(page, "document.querySelector('#counts [data-state=down]').textContent.trim() === '1'")
        until(page, f"document.querySelector('#alerts').innerText.includes('{key}')")
        alerts = page.inner_text("#alerts")  # type: ignore[attr-defined]
        assert key in alerts and "健康检查无法连接" in alerts and "故障" in alerts
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
