"""Notices delivered for real: a mail relay (aiosmtpd) and webhook receivers (an HTTP server) on loopback, the
store on SQLite and PostgreSQL. What happened before notifications were turned on is not told; each notice reaches
each recipient once though two notifiers run at once; a receiver that fails is tried again after a pause until it
takes the notice; a mail says it in Chinese and English."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from orchestrator.notify import NotificationSettings, Notifier
from orchestrator.store import Approvals, Notices, Store, open_store, utcnow

ALPHA, BETA = "630000-T/alpha", "630000-T/beta"


class Mailbox:
    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.mails.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def relay() -> Iterator[tuple[int, Mailbox]]:
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


class Hooks:
    """Webhook receivers: /ops takes everything; /flaky refuses its first `refuse` posts with 503."""

    def __init__(self, refuse: int) -> None:
        self.received: list[tuple[str, str, dict[str, Any]]] = []
        self.refuse, self.lock = refuse, threading.Lock()


@pytest.fixture
def hooks() -> Iterator[tuple[str, Hooks]]:
    got = Hooks(refuse=2)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with got.lock:
                if self.path == "/flaky" and got.refuse > 0:
                    got.refuse -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                got.received.append((self.path, self.headers["X-Govmig-Notice"], body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", got
    finally:
        server.shutdown()
        server.server_close()


def _settings(smtp_port: int, base: str) -> NotificationSettings:
    return NotificationSettings.model_validate(
        {
            "smtp": {"host": "127.0.0.1", "port": smtp_port, "from": "govmig@example.gov.cn"},
            "webhooks": {"ops-im": f"{base}/ops", "duty": f"{base}/flaky"},
            "contacts": {"630000-T": ["mail:clerk@t.example.gov.cn"]},
            "subscribe": [
                {
                    "events": ["wave_started", "system_failed", "wave_done"],
                    "to": ["ops-im", "mail:ops@example.gov.cn"],
                },
                {"events": ["acceptance_requested"], "departments": "all", "to": ["department"]},
                {"events": ["approval_waiting"], "to": ["duty"]},
            ],
        }
    )


def test_each_notice_reaches_each_recipient_once_and_a_failing_one_is_tried_again(
    fresh_store_url: str, relay: tuple[int, Mailbox], hooks: tuple[str, Hooks]
) -> None:
    (smtp_port, box), (base, got) = relay, hooks
    engine = open_store(fresh_store_url)
    store = Store(engine)
    store.open_wave("W00", [ALPHA], "/srv/render", False, 1, "ops-wang")  # before notifications were on
    now = [utcnow()]

    def clock() -> datetime:
        return now[0]

    settings = _settings(smtp_port, base)
    first, second = Notifier(engine, settings, clock=clock), Notifier(engine, settings, clock=clock)
    assert first.cycle().owed == 0  # the history is not told

    store.open_wave("W01", [ALPHA, BETA], "/srv/render", False, 1, "ops-wang")
    store.begin_step("W01", ALPHA, "cutover", "ops-wang")
    store.end_step("W01", ALPHA, "cutover", "done", True, "ops-wang")
    store.begin_step("W01", BETA, "final_sync", "ops-wang")
    store.end_step("W01", BETA, "final_sync", "synced", False, "ops-wang", "rc=2 复制延迟 replication lag")
    store.set_wave("W01", "partial", "ops-wang")
    Approvals(engine).ask("rollback_discard", BETA, "W01", "ops-wang")

    # two notifiers at once: every notice owed once, claimed once
    results: list[int] = []
    workers = [threading.Thread(target=lambda n=n: results.append(n.cycle().sent)) for n in (first, second)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    ops = [(n, b["event"]) for path, n, b in got.received if path == "/ops"]
    assert sorted(e for _, e in ops) == ["system_failed", "wave_done", "wave_started"]
    assert len({n for n, _ in ops}) == len(ops)  # no notice twice
    failed = next(b for path, _, b in got.received if b["event"] == "system_failed")
    assert set(failed) == {"event", "wave", "system", "zh", "en", "at"}
    assert (failed["wave"], failed["system"]) == ("W01", BETA) and "replication lag" in failed["en"]
    assert "失败" in failed["zh"]

    by_address = {tuple(to): m for to, m in box.mails}
    assert sorted(tuple(to) for to, _ in box.mails) == [
        ("clerk@t.example.gov.cn",),
        ("ops@example.gov.cn",),
        ("ops@example.gov.cn",),
        ("ops@example.gov.cn",),
    ]
    accepted = by_address[("clerk@t.example.gov.cn",)]
    text = accepted.get_content()
    assert "已切换上云" in str(accepted["Subject"]) and "cut over" in str(accepted["Subject"])
    assert "请部门验证业务并验收" in text and "the department is asked to check it and accept" in text
    assert ALPHA in text

    # the duty webhook refused (503): not lost, tried again after a growing pause, then taken once
    assert [b for path, _, b in got.received if path == "/flaky"] == []
    waiting = [n for n in Notices(engine).list() if n.recipient == "webhook:duty"]
    assert [(n.status, n.attempts) for n in waiting] == [("queued", 1)] and "503" in (waiting[0].error or "")
    assert first.cycle().sent == 0  # not due yet
    for _ in range(3):
        now[0] += timedelta(minutes=5)
        first.cycle()
    duty = [b for path, _, b in got.received if path == "/flaky"]
    assert [(b["event"], b["system"], b["wave"]) for b in duty] == [("approval_waiting", BETA, "W01")]
    assert [(n.status, n.attempts) for n in Notices(engine).list() if n.recipient == "webhook:duty"] == [
        ("sent", 3)
    ]
    assert all(n.status == "sent" for n in Notices(engine).list())


def test_a_relay_that_is_down_costs_the_run_nothing_and_the_mail_goes_when_it_is_back(
    tmp_path: Any, relay: tuple[int, Mailbox]
) -> None:
    smtp_port, box = relay
    engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
    dead = _free_port()  # nothing listens there
    settings = NotificationSettings.model_validate(
        {
            "smtp": {
                "host": "127.0.0.1",
                "port": dead,
                "from": "govmig@example.gov.cn",
                "timeout_seconds": 2,
            },
            "subscribe": [{"events": ["wave_started"], "to": ["mail:ops@example.gov.cn"]}],
        }
    )
    now = [utcnow()]
    notifier = Notifier(engine, settings, clock=lambda: now[0])
    notifier.cycle()
    Store(engine).open_wave("W01", [ALPHA], "/srv/render", False, 1, "ops-wang")
    down = notifier.cycle()
    assert (down.sent, down.retrying) == (0, 1) and "ConnectionRefusedError" in down.errors[0]
    # the relay is back (the site fixed its address): the owed mail goes at its next turn
    back = Notifier(
        engine,
        settings.model_copy(update={"smtp": settings.smtp.model_copy(update={"port": smtp_port})}),
        clock=lambda: now[0],
    )  # type: ignore[union-attr]
    now[0] += timedelta(seconds=6)
    assert back.cycle().sent == 1
    [(to, mail)] = box.mails
    assert to == ["ops@example.gov.cn"] and "W01" in mail.get_content()
