"""The night's manual tasks closed in the store: once, by someone, with a note; audited `task.done`."""

from __future__ import annotations

import pytest

from orchestrator.store import ManualTasks, Store, TaskClosed, open_store

ALPHA = "630000-T/alpha"


def test_a_task_is_closed_once(fresh_store_url: str) -> None:
    engine = open_store(fresh_store_url)
    tasks = ManualTasks(engine)
    closed = tasks.close("W01", ALPHA, "dns-ttl", "ops-li", "  TTL 60s  ")
    assert (closed.done_by, closed.note, closed.done) == ("ops-li", "TTL 60s", True)
    with pytest.raises(TaskClosed) as again:
        tasks.close("W01", ALPHA, "dns-ttl", "ops-zhao")
    assert "ops-li" in again.value.en and "已由" in again.value.zh
    tasks.close("W01", ALPHA, "notify-users", "rst", "")
    assert tasks.done("W01", ALPHA) == {"dns-ttl", "notify-users"}
    assert [(t.task, t.done_by) for t in tasks.of("W01")] == [("dns-ttl", "ops-li"), ("notify-users", "rst")]
    said = [(a.action, a.actor, a.detail) for a in Store(engine).audit_log(f"W01/{ALPHA}")]
    assert said == [("task.done", "ops-li", "dns-ttl"), ("task.done", "rst", "notify-users")]
