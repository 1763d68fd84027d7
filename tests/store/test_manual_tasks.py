"""The night's manual tasks in the store: a wait is recorded and audited once however often the run asks; a task is
closed once, by someone, with a note; the audit says both (the notifiers read `task.waiting`)."""

from __future__ import annotations

import pytest

from orchestrator.store import ManualTasks, Store, TaskClosed, open_store

ALPHA = "630000-T/alpha"


def test_a_wait_is_said_once_and_a_task_is_closed_once(fresh_store_url: str) -> None:
    engine = open_store(fresh_store_url)
    tasks = ManualTasks(engine)
    assert tasks.wait_for("W01", ALPHA, ["notify-users", "dns-ttl"], "ops-wang") == [
        "notify-users",
        "dns-ttl",
    ]
    assert tasks.wait_for("W01", ALPHA, ["notify-users", "dns-ttl"], "ops-wang") == [
        "notify-users",
        "dns-ttl",
    ]
    closed = tasks.close("W01", ALPHA, "dns-ttl", "ops-li", "  TTL 60s  ")
    assert (closed.done_by, closed.note, closed.done) == ("ops-li", "TTL 60s", True)
    assert tasks.wait_for("W01", ALPHA, ["notify-users", "dns-ttl"], "ops-wang") == ["notify-users"]
    with pytest.raises(TaskClosed) as again:
        tasks.close("W01", ALPHA, "dns-ttl", "ops-zhao")
    assert "ops-li" in again.value.en and "已由" in again.value.zh
    assert tasks.done("W01", ALPHA) == {"dns-ttl"}
    assert [(t.task, t.done) for t in tasks.of("W01")] == [("dns-ttl", True), ("notify-users", False)]
    said = [(a.action, a.actor, a.detail) for a in Store(engine).audit_log(f"W01/{ALPHA}")]
    assert said == [
        ("task.waiting", "ops-wang", "notify-users"),
        ("task.waiting", "ops-wang", "dns-ttl"),
        ("task.done", "ops-li", "dns-ttl"),
    ]
