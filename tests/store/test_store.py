"""The store behaves the same on SQLite and PostgreSQL: state, step log, events, and an audit log the database
itself keeps append-only."""

from __future__ import annotations

import multiprocessing
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from orchestrator.store import Store, open_store


def fresh(url: str) -> tuple[Store, str]:
    """A store and a wave name of its own (the PostgreSQL server is shared by the session)."""
    return Store(open_store(url)), f"W{uuid.uuid4().hex[:6]}"


def test_open_wave_is_idempotent_and_keeps_state(store_url: str) -> None:
    store, wave = fresh(store_url)
    store.open_wave(wave, ["D/a", "D/b"], "/tree", False, 1, "ops")
    store.begin_step(wave, "D/a", "precheck", "ops")
    store.end_step(wave, "D/a", "precheck", "prechecked", True, "ops")
    store.open_wave(wave, ["D/a", "D/b", "D/c"], "/tree", False, 1, "ops")  # resume, with a system added
    states = {s.system: s.state for s in store.systems(wave)}
    assert states == {"D/a": "prechecked", "D/b": "pending", "D/c": "pending"}


def test_a_started_step_stays_visible_after_a_crash(store_url: str) -> None:
    store, wave = fresh(store_url)
    store.open_wave(wave, ["D/a"], "/tree", False, 1, "ops")
    assert store.begin_step(wave, "D/a", "backup", "ops") == 1
    again = Store(open_store(store_url))  # a new process after the crash
    row = again.system(wave, "D/a")
    assert (row.state, row.step, row.step_status) == ("pending", "backup", "started")
    assert again.begin_step(wave, "D/a", "backup", "ops") == 2


def test_events_keep_their_order_and_fields(store_url: str) -> None:
    store, wave = fresh(store_url)
    store.open_wave(wave, ["D/a"], "/tree", False, 1, "ops")
    store.add_events(
        wave,
        "D/a",
        "deploy",
        [
            {"event": "runner_on_ok", "event_data": {"task": "启动服务 Start", "host": "h1", "secret": "x"}},
            {"event": "runner_on_failed", "event_data": {"task": "Verify", "host": "h1"}},
        ],
    )
    events = store.events(wave, "D/a")
    assert [(e.kind, e.task, e.host) for e in events] == [
        ("runner_on_ok", "启动服务 Start", "h1"),
        ("runner_on_failed", "Verify", "h1"),
    ]
    assert "secret" not in events[0].data  # only the fields the display needs are kept
    assert store.events(wave, "D/a", after=events[0].id)[0].kind == "runner_on_failed"


def test_audit_is_append_only_in_the_database(store_url: str) -> None:
    store, wave = fresh(store_url)
    store.audit("ops", "wave.run", wave, "started")
    for statement in ("UPDATE audit SET result = 'forged'", "DELETE FROM audit"):
        with store.engine.connect() as conn, pytest.raises(DBAPIError):
            conn.execute(text(statement))
            conn.commit()
    assert [a.result for a in store.audit_log(wave)] == ["started"]


def _open_when_all_ready(url: str, ready: Any) -> None:
    ready.wait(timeout=60)
    open_store(url).dispose()


def test_processes_opening_a_fresh_store_at_once_all_succeed(fresh_store_url: str) -> None:
    """Two `govmig run` started together on a new database raced in CREATE TABLE ("table wave_runs already
    exists"); the schema lock makes the later ones wait and then find the tables."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(6)
    openers = [context.Process(target=_open_when_all_ready, args=(fresh_store_url, ready)) for _ in range(6)]
    for opener in openers:
        opener.start()
    for opener in openers:
        opener.join(timeout=90)
    assert [opener.exitcode for opener in openers] == [0] * 6
    assert Store(open_store(fresh_store_url)).systems("W-none") == []


def test_the_store_is_what_the_executor_asks_of_one(store_url: str) -> None:
    """The executor is typed against RunLog and LeaseBook; the SQL store satisfies both at run time too."""
    from orchestrator.store import LeaseBook, RunLog

    store, wave = fresh(store_url)
    for name in [n for n in dir(RunLog) if not n.startswith("_")]:
        assert callable(getattr(store, name)), name
    book = store.leases()
    for name in [n for n in dir(LeaseBook) if not n.startswith("_")]:
        assert callable(getattr(book, name)), name
    assert book.claim(wave, "me", "ops", "here", 1) is None and book.holder(wave) is not None
