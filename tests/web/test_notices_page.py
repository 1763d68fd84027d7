# ruff: noqa: F811  # browser and server are test_browser's fixtures, taken by name
"""Notices that did not go, visible (issue 40: "a failed delivery retried with a bound and visible on the page"):
a webhook receiver on loopback that answers 500 and a mail relay that is not there; the notices show in
`GET /api/notifications`, in `govmig notifications list` and on the console's notifications page with their tries,
the last error in words and the next try, the webhook by its name (never its address, whose token is a secret), then
given up after the bound (exit 1); ops send one again (audited), supervisors only read."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from orchestrator.notify import NotificationSettings, Notifier
from orchestrator.store import Notices, Store, utcnow
from tests.web.conftest import MINE, Web
from tests.web.console import axe, drawn, shots
from tests.web.test_browser import CHROMIUM, browser, server, sign_in, until  # noqa: F401

SECRET = "s3cr3t-gateway-token"
SYSTEM = f"{MINE}/salary-mgmt"


@pytest.fixture(scope="module")
def web(plain_web: Web) -> Iterator[Web]:
    yield plain_web


@pytest.fixture(scope="module")
def refusing() -> Iterator[tuple[str, list[str]]]:
    """A webhook receiver on loopback answering every post 500 (a gateway that is down)."""
    posts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            posts.append(self.path)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", posts
    finally:
        httpd.shutdown()
        httpd.server_close()


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: nothing listens there


def _govmig(web: Web, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", "notifications", *args, "--db", _db(web)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _db(web: Web) -> str:
    return f"sqlite:///{web.root / 'govmig.db'}"


@pytest.fixture(scope="module")
def failing(web: Web, refusing: tuple[str, list[str]]) -> Iterator[tuple[Notifier, list[datetime]]]:
    """A wave whose system failed, told to a webhook that answers 500 and a mail relay that is not there, tried
    once: both notices retrying."""
    base, _ = refusing
    engine = web.app.state.ctx.store.engine
    settings = NotificationSettings.model_validate(
        {
            "smtp": {
                "host": "127.0.0.1",
                "port": _dead_port(),
                "from": "govmig@example.gov.cn",
                "timeout_seconds": 2,
            },
            "webhooks": {"ops-im": f"{base}/hook?access_token={SECRET}"},
            "subscribe": [{"events": ["system_failed"], "to": ["ops-im", "mail:ops@example.gov.cn"]}],
        }
    )
    now = [utcnow()]
    notifier = Notifier(engine, settings, clock=lambda: now[0])
    notifier.cycle()  # turned on: what happened before is not told
    store = Store(engine)
    store.open_wave("W07", [SYSTEM], str(web.root / "render"), False, 1, "ops")
    store.begin_step("W07", SYSTEM, "presync", "ops")
    store.end_step(
        "W07", SYSTEM, "presync", "backed_up", False, "ops", "rc=2 复制槽已满 replication slots full"
    )
    first = notifier.cycle()
    assert (first.owed, first.sent, first.retrying) == (2, 0, 2)
    yield notifier, now


def test_failing_deliveries_show_with_their_tries_and_words_then_are_given_up_after_the_bound(
    web: Web, failing: tuple[Notifier, list[datetime]], refusing: tuple[str, list[str]]
) -> None:
    notifier, now = failing
    answer = web.client("supervisor").get("/api/notifications")
    assert answer.status_code == 200 and SECRET not in answer.text and "/hook" not in answer.text
    doc = answer.json()
    assert (doc["retrying"], doc["given_up"], doc["max_attempts"]) == (2, 0, Notices.max_attempts)
    by_kind = {n["recipient"]["kind"]: n for n in doc["notices"]}
    hook, mail = by_kind["webhook"], by_kind["mail"]
    assert hook["recipient"] == {"kind": "webhook", "name": "ops-im"}
    assert mail["recipient"] == {"kind": "mail", "name": "ops@example.gov.cn"}
    for n in (hook, mail):
        assert (n["event"], n["wave"], n["system"], n["status"], n["attempts"]) == (
            "system_failed", "W07", SYSTEM, "retrying", 1
        )  # fmt: skip
        assert n["system_name"] and n["event_zh"] == "系统失败" and "replication slots full" in n["en"]
        assert n["next_try"] > n["last_try"]
    assert hook["error"] == {
        "zh": "ops-im 拒收通知（HTTP 500）",
        "en": "ops-im refused the notice (HTTP 500)",
    }
    assert "邮件未发出" in mail["error"]["zh"] and "ConnectionRefusedError" in mail["error"]["en"]

    listed = _govmig(web, "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr  # retrying, none given up
    assert json.loads(listed.stdout)["notices"] == doc["notices"] and SECRET not in listed.stdout
    table = _govmig(web, "list")
    assert table.returncode == 0 and "重试中 retrying" in table.stdout and "ops-im" in table.stdout
    bad = _govmig(web, "list", "--status", "lost")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr

    tries = 1
    while tries < Notices.max_attempts:  # each due try fails again, after a growing pause, up to the bound
        now[0] += timedelta(hours=1)
        notifier.cycle()
        tries += 1
    _, posts = refusing
    assert len(posts) == Notices.max_attempts  # the bound: tried that many times, then no more
    now[0] += timedelta(hours=1)
    assert notifier.cycle().retrying == 0 and len(posts) == Notices.max_attempts

    given = web.client("ops").get("/api/notifications?status=given_up").json()
    assert (given["retrying"], given["given_up"]) == (0, 2)
    assert all(
        (n["status"], n["attempts"], n["next_try"]) == ("given_up", Notices.max_attempts, None)
        for n in given["notices"]
    )
    assert web.client("ops").get("/api/notifications?status=retrying").json()["notices"] == []
    assert web.client("ops").get("/api/notifications?status=lost").status_code == 422
    assert web.client("rst").get("/api/notifications").status_code == 403
    out = _govmig(web, "list", "--status", "given_up", "--format", "json")
    assert out.returncode == 1 and json.loads(out.stdout)["given_up"] == 2  # some given up: failed


def test_ops_send_a_given_up_notice_again_audited_and_supervisors_cannot(
    web: Web, failing: tuple[Notifier, list[datetime]]
) -> None:
    given = web.client("ops").get("/api/notifications?status=given_up").json()["notices"]
    if not given:
        pytest.skip("needs the given-up notices of the test before")
    hook = next(n for n in given if n["recipient"]["kind"] == "webhook")
    assert web.login("supervisor").post(f"/api/notifications/{hook['id']}/retry").status_code == 403
    ops = web.login("ops")
    assert ops.post(f"/api/notifications/{hook['id']}/retry").json() == {
        "notice": hook["id"],
        "status": "queued",
    }
    again = ops.post(f"/api/notifications/{hook['id']}/retry")
    assert again.status_code == 409 and "not given up" in again.json()["en"] and again.json()["zh"]
    row = next(n for n in Notices(web.app.state.ctx.store.engine).list() if n.id == hook["id"])
    assert (row.status, row.attempts) == ("queued", 0)
    log = [a for a in web.app.state.ctx.store.audit_log() if a.action == "notice.retry"]
    assert [(a.actor, a.target) for a in log] == [("ops", f"notice {hook['id']}")]
    cli = _govmig(web, "retry", str(hook["id"]), "--format", "json")
    assert cli.returncode == 2 and "not given up" in cli.stderr  # queued already


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed (scripts/system-deps.sh)")
def test_the_notifications_page_shows_the_failing_deliveries_plainly(
    server: str, browser: object, web: Web, failing: tuple[Notifier, list[datetime]]
) -> None:
    notifier, now = failing
    now[0] += timedelta(hours=1)
    notifier.cycle()  # the webhook's notice sent again by ops (the test before) fails once more: retrying
    page = sign_in(browser, server, web, "ops")
    page.goto(server + "/app/notices")  # type: ignore[attr-defined]
    drawn(page, "#notices .el-table__row")
    text = page.inner_text("#notices")  # type: ignore[attr-defined]
    assert "系统失败" in text and "ops-im" in text and "ops@example.gov.cn" in text and "W07" in text
    assert SECRET not in page.content()  # type: ignore[attr-defined]
    summary = page.inner_text("#notices-summary")  # type: ignore[attr-defined]
    assert "重试中 1 条" in summary and "已放弃 1 条" in summary, summary
    assert "HTTP 500" in text and "ConnectionRefusedError" in text  # the last error, both languages
    assert (
        f"1 / {Notices.max_attempts}" in text and f"{Notices.max_attempts} / {Notices.max_attempts}" in text
    )
    assert "通知" in page.inner_text("header")  # type: ignore[attr-defined]
    badge = page.inner_text("#badge-notices")  # type: ignore[attr-defined]
    assert badge.startswith("2") and "2 条通知未送达" in badge, badge  # the nav says it on every page
    assert axe(page) == []
    shots(page, "notices-ops")
    page.click("#notices-filter >> text=已放弃")  # type: ignore[attr-defined]
    until(page, "document.querySelectorAll('#notices .el-table__row').length === 1")
    [button] = page.query_selector_all("[id^=retry-]")  # type: ignore[attr-defined]
    button.click()
    until(page, "document.querySelectorAll('#notices .el-table__row').length === 0")
    until(page, "document.body.textContent.includes('已重新排队')")  # said in the live region
    assert "没有已放弃的通知" in page.inner_text("#notices")  # type: ignore[attr-defined]
    assert "1 条通知未送达" in page.inner_text("#badge-notices")  # type: ignore[attr-defined]  # queued: not failing
    page.close()  # type: ignore[attr-defined]
    reader = sign_in(browser, server, web, "supervisor")
    reader.goto(server + "/app/notices")  # type: ignore[attr-defined]
    drawn(reader, "#notices .el-table__row")
    assert "只读" in reader.inner_text(".notices-page")  # type: ignore[attr-defined]
    assert reader.query_selector("[id^=retry-]") is None  # type: ignore[attr-defined]
    assert axe(reader) == []
    reader.close()  # type: ignore[attr-defined]
