"""The night's new pieces attacked from outside (issue 40, this session's changes): the health URL's preflight check
asked of a blackbox prober (a hostile URL in the rendered tree, a prober's password, a prober that hangs, drips or
answers without end), the failing notices' list (a thousand given up: bounded, counted right), and the cutover go's
change ticket (newlines, look-alikes). Fast: a fake prober on loopback and a store in a temporary file, no lab."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from orchestrator.app.notice_failures import failing_notices
from orchestrator.cli import preflight_cmd
from orchestrator.cli.app import cli
from orchestrator.contracts import NoticeStatus
from orchestrator.plan.values import URL_PATH
from orchestrator.policy import PolicySettings
from orchestrator.preflight import Finding, Preflight, check_health, health_checks
from orchestrator.store import Notices, open_store, utcnow
from orchestrator.store.approvals import TicketRefused, checked_ticket
from orchestrator.store.schema import Notice
from tests.preflight.test_preflight_health import _tree
from tests.web.conftest import Web, audit_entries, build

FAILED_PROBE = (
    b'ts=2026-12-06T00:00:00Z caller=main.go:181 module=http_2xx target=x level=error msg="Error for HTTP request" '
    b'err="Get \\"http://x\\": dial tcp 10.0.0.1:80: connect: connection refused"\n'
    b"probe_success 0\n"
)


@dataclass
class Prober:
    """A blackbox exporter's stand-in on loopback: records every target asked, answers as `mode` says."""

    url: str
    mode: list[str]
    asked: list[str] = field(default_factory=list)
    written: list[int] = field(default_factory=lambda: [0])
    stop: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def prober() -> Iterator[Prober]:
    state = Prober("", ["fail"])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.asked += parse_qs(urlsplit(self.path).query).get("target", [""])
            mode = state.mode[0]
            if mode == "hang":  # never answers (bounded by the test's end)
                state.stop.wait(60)
                return
            self.send_response(200)
            self.end_headers()
            try:
                if mode == "fail":
                    self.wfile.write(FAILED_PROBE)
                elif mode == "odd":  # failed, and said nothing of why
                    self.wfile.write(b"probe_success 0\n")
                elif mode == "huge":  # 64 MiB of answer, as fast as the client reads it
                    chunk = b"#" * 65536
                    for _ in range(1024):
                        self.wfile.write(chunk)
                        state.written[0] += len(chunk)
                elif mode == "drip":  # a byte now and then, never done (bounded: 60 s at most)
                    for _ in range(300):
                        if state.stop.wait(0.2):
                            return
                        self.wfile.write(b"#")
                        self.wfile.flush()
            except OSError:
                pass  # the client hung up

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()


def _said(findings: list[health_checks.Finding]) -> str:
    return "\n".join(f"{f.zh}\n{f.en}" for f in findings)


HOSTILE = {
    "spaced": "http://10.0.0.1/health z",
    "crlf": "http://10.0.0.1/healthz\r\nX-Injected: 1",
    "file": "file:///etc/passwd",
    "userinfo": "http://ops:Hunter2pw@10.0.0.1/healthz",
    "huge": "http://10.0.0.1/" + "a" * 100_000,
    "nohost": "http:///healthz",
}


class TestHealthUrlFromTheTree:
    def test_a_url_the_plan_cannot_make_is_refused_unasked_and_said_on_one_bounded_line(
        self, tmp_path: Path, prober: Prober
    ) -> None:
        found = check_health(_tree(tmp_path, HOSTILE), "W01", prober.url)
        assert prober.asked == []  # none of them reached the prober
        assert sorted((f.system, f.severity) for f in found) == [
            (f"630000-T/{name}", "critical") for name in sorted(HOSTILE)
        ]
        for f in found:
            assert "\r" not in f.zh + f.en and "\n" not in f.zh + f.en, f
            assert len(f.en) < 1000 and len(f.zh) < 1000
        assert "Hunter2pw" not in _said(found)  # the CRLF's header is said as text, escaped, on the one line

    def test_every_url_the_plan_can_make_is_asked(self, tmp_path: Path, prober: Prober) -> None:
        made = (
            "http://sys-a.630000-t.egov.example:8080/a@b;c=d/~x!$&'()*+,=:%20?q=/?@1"  # URL_PATH's own chars
        )
        assert URL_PATH.match(made.split(":8080", 1)[1])
        found = check_health(_tree(tmp_path, {"a": made}), "W01", prober.url)
        assert prober.asked == [made] and [f.severity for f in found] == ["warning"]

    def test_the_prober_s_password_is_never_said(self, tmp_path: Path, prober: Prober) -> None:
        prober.mode[0] = "odd"
        base = prober.url.replace("http://", "http://ops:Pr0berPw@")
        found = check_health(_tree(tmp_path, {"a": "http://10.0.0.1:8080/healthz"}), "W01", base)
        assert prober.asked == ["http://10.0.0.1:8080/healthz"]  # asked through it, its password sent to it
        assert found and "127.0.0.1" in found[0].en and "Pr0berPw" not in _said(found)
        unasked = check_health(tmp_path, "W01", "http://ops:Pr0berPw@127.0.0.1:9")  # nothing listens there
        assert unasked and "Pr0berPw" not in _said(unasked)


class TestAProberThatMisbehaves:
    @pytest.fixture(autouse=True)
    def quick(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(health_checks, "PROBE_SECONDS", 0.5)

    def test_a_prober_that_never_answers_is_waited_for_once_not_once_per_system(
        self, tmp_path: Path, prober: Prober
    ) -> None:
        prober.mode[0] = "hang"
        urls = {f"s{i}": f"http://10.0.0.{i}:8080/healthz" for i in range(1, 6)}
        found = check_health(_tree(tmp_path, urls), "W01", prober.url)
        assert len(prober.asked) == 1
        assert [f.system for f in found] == [f"630000-T/{n}" for n in sorted(urls)]
        assert all(f.severity == "warning" and "--prober" in f.en for f in found)

    def test_an_answer_without_end_is_cut_at_a_bound(self, tmp_path: Path, prober: Prober) -> None:
        prober.mode[0] = "huge"
        found = check_health(_tree(tmp_path, {"a": "http://10.0.0.1:8080/healthz"}), "W01", prober.url)
        time.sleep(0.5)  # the server notices the hang-up
        assert prober.written[0] < 16 * 2**20, prober.written  # not the 64 MiB offered
        assert [f.severity for f in found] == ["warning"]

    def test_a_prober_dripping_its_answer_is_given_up_on(self, tmp_path: Path, prober: Prober) -> None:
        prober.mode[0] = "drip"
        tree = _tree(tmp_path, {"a": "http://10.0.0.1:8080/healthz"})
        out: list[list[health_checks.Finding]] = []
        looking = threading.Thread(
            target=lambda: out.append(check_health(tree, "W01", prober.url)), daemon=True
        )
        looking.start()
        looking.join(45)  # the drip goes on for 60 s: only a deadline of the check's own ends it before
        assert not looking.is_alive() and [f.severity for f in out[0]] == ["warning"]


class TestFailingNotices:
    def test_a_thousand_given_up_are_counted_all_and_listed_bounded(self, tmp_path: Path) -> None:
        engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
        book = Notices(engine)
        body = {"event": "system_failed", "zh": "失败", "en": "failed", "at": "2026-12-06T00:00:00+00:00"}
        book.owe(1200, [(seq, "system_failed", "webhook:ops-im", body) for seq in range(1, 1201)])
        with engine.begin() as conn:
            conn.execute(
                update(Notice).where(Notice.seq <= 1000).values(status=NoticeStatus.failed, attempts=8)
            )
            conn.execute(update(Notice).where(Notice.seq > 1000).values(attempts=3))
        found = failing_notices(engine, {})
        doc = found.document()
        assert (doc["given_up"], doc["retrying"]) == (1000, 200)
        assert len(doc["notices"]) <= 200 < doc["given_up"] + doc["retrying"]
        assert doc["shown"] == len(doc["notices"])


class TestChangeTicket:
    @pytest.mark.parametrize(
        "ticket",
        [
            "CHG-1\nrm -rf /",
            "CHG-1\r\nX: y",
            "СHG-2026-0412",  # a Cyrillic С
            "ＣＨＧ-2026",  # full width
            "CHG-２０２６",  # full-width digits
            "CHG 2026",
            "CHG-2026\u200b",  # zero-width space
            "-rf",
            "A" * 65,
            "CHG{{ lookup('pipe','id') }}",
            "=HYPERLINK(1)",
        ],
    )
    def test_what_is_not_a_reference_is_refused(self, ticket: str) -> None:
        with pytest.raises(TicketRefused):
            checked_ticket("cutover_go", ticket, "approve")

    def test_a_reference_is_kept_as_typed(self) -> None:
        assert checked_ticket("cutover_go", "  RFC/2026/17#3 ", "approve") == "RFC/2026/17#3"


@pytest.fixture(scope="module")
def web(province_settings: PolicySettings) -> Iterator[Web]:
    """The web service over an empty tree and the province's plans (no site: nothing runs here)."""
    w = build(None, province_settings, site=False)
    yield w
    w.close()


def _given_up(web: Web, error: str) -> int:
    """A notice given up after its bound, its last error `error` (as the notifier stores it)."""
    engine = web.app.state.ctx.store.engine
    body = {"event": "system_failed", "zh": "失败", "en": "failed", "at": "2026-12-06T00:00:00+00:00"}
    seq = len(Notices(engine).list(limit=10_000)) + 1
    Notices(engine).owe(seq, [(seq, "system_failed", "webhook:ops-im", body)])
    with engine.begin() as conn:
        conn.execute(
            update(Notice)
            .where(Notice.seq == seq)
            .values(status=NoticeStatus.failed, attempts=8, error=error)
        )
    return Notices(engine).list(NoticeStatus.failed, 1)[0].id


class TestTheNewRoutesFromOutside:
    def test_only_ops_send_a_notice_again_once_with_the_csrf_token_and_audited(self, web: Web) -> None:
        notice = _given_up(web, "ops-im 拒收通知（HTTP 500） / ops-im refused the notice (HTTP 500)")
        retry = f"/api/notifications/{notice}/retry"
        assert web.client().get("/api/notifications").status_code == 401  # a stranger
        assert web.client().post(retry).status_code == 401
        assert web.client("rst").get("/api/notifications").status_code == 403  # a department
        for who in ("rst", "supervisor", "aud"):
            assert web.client(who).post(retry).status_code == 403, who
        browser = web.login("ops")  # signed in, the page's token not sent (a forged cross-site form)
        del browser.headers["X-CSRF-Token"]
        assert browser.post(retry).status_code == 403
        assert [
            n["id"] for n in web.client("ops").get("/api/notifications?status=given_up").json()["notices"]
        ]
        assert not [e for e in audit_entries(web) if e["action"] == "notice.retry"]  # nothing done so far

        assert web.client("ops").post(retry).status_code == 200
        again = web.client("ops").post(retry)  # replayed
        assert again.status_code == 409 and again.json()["zh"] and again.json()["en"]
        assert [e["target"] for e in audit_entries(web) if e["action"] == "notice.retry"] == [
            f"notice {notice}"
        ]
        for odd in ("0", "-1", "abc", str(2**63), "1%0d%0aX"):
            assert web.client("ops").post(f"/api/notifications/{odd}/retry").status_code in (404, 422), odd

    def test_no_webhook_address_or_token_reaches_the_list(self, web: Web) -> None:
        _given_up(
            web,
            "通知未送达 ops-im：ConnectError / the notice did not reach ops-im: "
            "https://bot:Pw0rd@hook.example/send?access_token=T0KEN123 refused",
        )
        answer = web.client("supervisor").get("/api/notifications")
        assert answer.status_code == 200
        assert (
            "T0KEN123" not in answer.text and "Pw0rd" not in answer.text and "hook.example" not in answer.text
        )

    def test_the_list_is_bounded_whatever_is_asked(self, web: Web) -> None:
        for odd in ("all", "given_up&limit=100000", "'; drop table notices; --", "x" * 10_000):
            r = web.client("ops").get("/api/notifications", params={"status": odd})
            assert r.status_code in (200, 422), odd
            if r.status_code == 200:
                assert len(r.json()["notices"]) <= 200

    def test_a_go_s_ticket_that_is_no_reference_is_refused_before_anything_and_a_huge_body_unread(
        self, web: Web
    ) -> None:
        for ticket in ("CHG-1\nX", "СHG-1", "ＣＨＧ-1", "A" * 65, "A" * 201):
            r = web.client("supervisor").post(
                "/api/approvals/1", json={"decision": "approve", "ticket": ticket}
            )
            assert r.status_code in (400, 422), (ticket, r.status_code)
            assert "ticket" in r.text
        huge = {"decision": "approve", "ticket": "CHG-1", "comment": "x" * (10 * 2**20)}
        assert web.client("supervisor").post("/api/approvals/1", json=huge).status_code == 413
        assert not [e for e in audit_entries(web) if e["action"].startswith("approval.")]


class TestTheCliTablesSayHostileTextAsText:
    """A webhook gateway's own words (httpx echoes a broken status line) and a prober's are shown as they are,
    never read as Rich markup (a closing tag that opens nothing crashed the table with a traceback)."""

    MARKUP = "illegal status line: bytearray(b'[/x] [link=evil]y')"

    def test_notifications_list(self, web: Web) -> None:
        _given_up(
            web, f"通知未送达 ops-im：RemoteProtocolError / the notice did not reach ops-im: {self.MARKUP}"
        )
        out = CliRunner(env={"COLUMNS": "400"}).invoke(
            cli, ["notifications", "list", "--db", f"sqlite:///{web.root / 'govmig.db'}"]
        )
        assert out.exit_code == 1, out.output  # given up: 1, not a crash
        assert "[/x]" in out.output and "[link=evil]y" in out.output

    def test_preflight(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        found = Preflight(
            "W01",
            str(tmp_path),
            utcnow(),
            [Finding("630000-T/a", "health_reachable", "warning", f"探测器说 {self.MARKUP}", self.MARKUP)],
        )
        monkeypatch.setattr(preflight_cmd, "run_preflight", lambda *a, **k: found)
        out = CliRunner(env={"COLUMNS": "400"}).invoke(
            cli,
            ["preflight", "W01", "--tree", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'g.db'}"],
        )
        assert out.exit_code == 0, out.output
        assert "[/x]" in out.output and "[link=evil]y" in out.output
