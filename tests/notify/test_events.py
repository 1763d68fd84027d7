"""Which recorded changes are told, to whom, and how a site's notifications.yaml is checked: pure, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from orchestrator.notify import NotificationSettings, raised, recipients
from orchestrator.plan import load_model
from orchestrator.store import ChainEntry

AT = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)
ALPHA = "630000-T/alpha"


def _entry(
    action: str, target: str, result: str, detail: str | None = None, actor: str = "ops-wang"
) -> ChainEntry:
    return ChainEntry(7, AT, actor, action, target, result, detail)


def test_each_event_of_the_contract_is_read_from_the_entry_the_store_writes() -> None:
    seen = {
        (e.event, e.wave, e.system)
        for e in [
            raised(_entry("wave.run", "W01", "started", "check=False systems=3")),
            raised(_entry("wave.done", "W01", "done")),
            raised(_entry("wave.partial", "W01", "partial")),
            raised(_entry("step.rollback", f"W01/{ALPHA}", "started")),
            raised(_entry("step.final_sync", f"W01/{ALPHA}", "failed", "rc=2 replication lag")),
            raised(_entry("step.cutover", f"W01/{ALPHA}", "finished")),
            raised(_entry("approval.ask", ALPHA, "pending", "#4 decommission W01")),
            raised(_entry("task.waiting", f"W01/{ALPHA}", "waiting", "notify-users")),
            raised(_entry("wave.preflight", "W01", "not_ready", "2 critical")),
            raised(_entry("wave.verify", f"W01/{ALPHA}", "drift", "orders: 10 rows")),
        ]
        if e is not None
    }
    assert seen == {
        ("wave_started", "W01", None),
        ("wave_done", "W01", None),
        ("rollback_started", "W01", ALPHA),
        ("system_failed", "W01", ALPHA),
        ("acceptance_requested", "W01", ALPHA),
        ("approval_waiting", "W01", ALPHA),
        ("task_waiting", "W01", ALPHA),
        ("preflight_failed", "W01", None),
        ("verification_drift", "W01", ALPHA),
    }


def test_what_is_not_an_event_raises_nothing() -> None:
    for action, target, result in [
        ("step.precheck", f"W01/{ALPHA}", "started"),
        ("step.cutover", f"W01/{ALPHA}", "started"),
        ("login", "web", "ok"),
        ("wave.paused", "W01", "paused"),
        ("approval.approve", ALPHA, "approved"),
    ]:
        assert raised(_entry(action, target, result)) is None


def test_a_failure_is_told_in_both_languages_with_its_step_and_why() -> None:
    event = raised(_entry("step.final_sync", f"W01/{ALPHA}", "failed", "rc=2 replication lag"))
    assert event is not None
    body = event.document()
    assert set(body) == {"event", "wave", "system", "zh", "en", "at"}
    assert "final_sync" in body["zh"] and "失败" in body["zh"] and "replication lag" in body["en"]
    assert body["at"] == "2026-12-05T22:30:00+00:00"


SETTINGS = NotificationSettings.model_validate(
    {
        "smtp": {"host": "127.0.0.1", "port": 2525, "from": "govmig@example.gov.cn"},
        "webhooks": {"ops-im": "http://127.0.0.1:9/hook", "duty": "http://127.0.0.1:9/duty"},
        "contacts": {
            "630000-T": ["mail:clerk@t.example.gov.cn", "duty"],
            "630000-Q": ["mail:q@q.example.gov.cn"],
        },
        "subscribe": [
            {"events": ["system_failed", "wave_done"], "to": ["ops-im", "mail:ops@example.gov.cn"]},
            {"events": ["acceptance_requested", "wave_done"], "departments": "all", "to": ["department"]},
            {
                "events": ["system_failed"],
                "departments": ["630000-Q"],
                "to": ["mail:q-boss@q.example.gov.cn"],
            },
        ],
    }
)


def test_recipients_follow_the_subscriptions_and_the_departments_own_contacts() -> None:
    def wave_departments(wave: str) -> frozenset[str]:
        return frozenset({"630000-T", "630000-Q"}) if wave == "W01" else frozenset()

    failed = raised(_entry("step.verify", f"W01/{ALPHA}", "failed"))
    accepted = raised(_entry("step.cutover", f"W01/{ALPHA}", "finished"))
    done = raised(_entry("wave.done", "W01", "done"))
    assert failed and accepted and done
    # the Q-only subscription does not hear of T's failure
    assert recipients(failed, SETTINGS, wave_departments) == ["webhook:ops-im", "mail:ops@example.gov.cn"]
    assert recipients(accepted, SETTINGS, wave_departments) == ["mail:clerk@t.example.gov.cn", "webhook:duty"]
    # a wave's end reaches ops and every department with a system in it, each once
    assert recipients(done, SETTINGS, wave_departments) == [
        "webhook:ops-im",
        "mail:ops@example.gov.cn",
        "mail:q@q.example.gov.cn",
        "mail:clerk@t.example.gov.cn",
        "webhook:duty",
    ]


def test_a_mistaken_file_is_a_located_error_in_both_languages(tmp_path: Path) -> None:
    cases = {
        "unknown event": "subscribe:\n  - {events: [wave_exploded], to: [ops]}\nwebhooks: {ops: 'http://127.0.0.1:9/'}\n",
        "unknown recipient": "webhooks: {ops: 'http://127.0.0.1:9/'}\nsubscribe:\n  - {events: [wave_done], to: [opps]}\n",
        "mail without smtp": "subscribe:\n  - {events: [wave_done], to: ['mail:ops@example.gov.cn']}\n",
        "not a url": "webhooks: {ops: 'ftp:/x'}\n",
        "a typo'd key": "subscrbe: []\n",
    }
    for what, text in cases.items():
        path = tmp_path / "notifications.yaml"
        path.write_text(text, encoding="utf-8")
        loaded, problems = load_model(path, NotificationSettings)
        assert loaded is None and problems, what
        problem = problems[0]
        assert problem.location and problem.location != "(file)", (what, problem)
        assert problem.zh and problem.en, what
    named = load_model(_write(tmp_path, cases["unknown recipient"]), NotificationSettings)[1][0]
    assert "opps" in named.en and "subscribe" in named.location + named.en


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "again.yaml"
    path.write_text(text, encoding="utf-8")
    return path
