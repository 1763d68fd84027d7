"""The audit chain against someone who holds the database file but not the site's key: they drop the append-only
triggers and rewrite the table with sqlite3 directly (change, delete, insert, swap, recompute a MAC with a key of
their own). `verify` names the first entry that no longer fits, under both suites (HMAC-SHA-256, HMAC-SM3).
Writers in several processes at once (SQLite and PostgreSQL) leave one whole chain; a prune keeps it whole and is
refused inside the retention period."""

from __future__ import annotations

import json
import multiprocessing
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from orchestrator.store import Accounts, AuditLog, AuditRefused, Leases, RunQueue, Store, open_store
from orchestrator.store.audit_chain import mac, payload
from orchestrator.store.keys import SiteKeys
from tests.conftest import new_database

ENTRIES = 6


@pytest.fixture(params=["standard", "sm"])
def suite(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GOVMIG_CRYPTO", request.param)
    return str(request.param)


@pytest.fixture
def chained(tmp_path: Path, suite: str) -> Iterator[tuple[Path, AuditLog]]:
    """A SQLite store with six audited actions and its file, opened for tampering with the triggers dropped."""
    path = tmp_path / "govmig.db"
    engine = open_store(f"sqlite:///{path}")
    store = Store(engine)
    for n in range(ENTRIES):
        store.audit("ops-li", "wave.run", f"W0{n}", "started", f"第 {n} 次 run {n}" if n % 2 else None)
    log = AuditLog(engine)
    assert log.verify().whole and log.verify().entries == ENTRIES
    yield path, log
    engine.dispose()


def tamper(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute("DROP TRIGGER IF EXISTS audit_no_update")
        db.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        for statement in statements:
            db.execute(statement)
        db.commit()


def rows(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return list(
            db.execute("SELECT seq, at, actor, action, target, result, detail, mac FROM audit ORDER BY seq")
        )


def test_the_chain_names_its_suite(chained: tuple[Path, AuditLog], suite: str) -> None:
    path, _ = chained
    tags = {str(r[7]).split(":")[0] for r in rows(path)}
    assert tags == {"sm3" if suite == "sm" else "sha256"}
    assert [r[0] for r in rows(path)] == list(range(1, ENTRIES + 1))


def test_a_changed_field_is_named(chained: tuple[Path, AuditLog]) -> None:
    path, log = chained
    tamper(path, "UPDATE audit SET actor = 'nobody' WHERE seq = 3")
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (3, "changed")
    assert "第 3 条" in broken.zh and "entry 3" in broken.en


def test_a_changed_time_is_named(chained: tuple[Path, AuditLog]) -> None:
    path, log = chained
    tamper(path, "UPDATE audit SET at = '2020-01-01 00:00:00.000000' WHERE seq = 5")
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (5, "changed")


def test_a_deleted_entry_is_named(chained: tuple[Path, AuditLog]) -> None:
    path, log = chained
    tamper(path, "DELETE FROM audit WHERE seq = 4")
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (5, "missing") and "4" in broken.en


def test_entries_cut_from_the_end_are_named(chained: tuple[Path, AuditLog]) -> None:
    path, log = chained
    tamper(path, "DELETE FROM audit WHERE seq >= 5")
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (5, "truncated")


def test_entries_cut_from_the_start_are_named(chained: tuple[Path, AuditLog]) -> None:
    path, log = chained
    tamper(path, "DELETE FROM audit WHERE seq <= 2")
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (3, "missing")


def test_an_inserted_entry_is_named(chained: tuple[Path, AuditLog]) -> None:
    path, log = chained
    last = rows(path)[-1]
    forged = f"{str(last[7]).split(':')[0]}:{secrets.token_hex(32)}"
    tamper(
        path,
        "INSERT INTO audit (at, actor, action, target, result, detail, seq, mac) VALUES "
        f"('2026-01-01 00:00:00.000000', 'ops-li', 'wave.run', 'W99', 'started', NULL, {ENTRIES + 1}, '{forged}')",
    )
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (ENTRIES + 1, "changed")


def test_an_entry_inserted_in_the_middle_is_named(chained: tuple[Path, AuditLog]) -> None:
    path, log = chained
    tamper(
        path,
        "DROP INDEX ux_audit_seq",
        "INSERT INTO audit (at, actor, action, target, result, detail, seq, mac) "
        "SELECT at, 'ops-wang', action, target, result, detail, seq, mac FROM audit WHERE seq = 2",
    )
    broken = log.verify().broken
    assert broken is not None and broken.seq == 2 and broken.reason in ("changed", "inserted")


def test_an_entry_written_around_govmig_is_named(chained: tuple[Path, AuditLog]) -> None:
    path, log = chained
    tamper(
        path,
        "INSERT INTO audit (at, actor, action, target, result) "
        "VALUES ('2026-01-01 00:00:00', 'x', 'login', 'web', 'ok')",
    )
    broken = log.verify().broken
    assert broken is not None and broken.reason == "unchained" and broken.id == ENTRIES + 1


def test_two_swapped_entries_are_named(chained: tuple[Path, AuditLog]) -> None:
    path, log = chained
    tamper(
        path,
        "UPDATE audit SET seq = -1 WHERE seq = 3",
        "UPDATE audit SET seq = 3 WHERE seq = 4",
        "UPDATE audit SET seq = 4 WHERE seq = -1",
    )
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (3, "changed")


def test_a_mac_recomputed_without_the_site_key_is_named(chained: tuple[Path, AuditLog], suite: str) -> None:
    """The forger follows the documented recipe exactly, from entry 3 to the end and the head, but with a key of
    their own: the chain is consistent under their key and broken under the site's."""
    path, log = chained
    theirs = SiteKeys(secrets.token_bytes(32), "sm" if suite == "sm" else "standard")
    found = rows(path)
    prev = str(found[1][7])
    statements = []
    for seq, at, was, action, target, result, detail, _ in found[2:]:
        actor = "nobody" if seq == 3 else was
        moment = datetime.fromisoformat(str(at)).replace(tzinfo=UTC)
        prev = mac(
            theirs,
            payload(
                int(str(seq)),
                moment,
                str(actor),
                str(action),
                str(target),
                str(result),
                None if detail is None else str(detail),
                prev,
            ),
        )
        statements.append(f"UPDATE audit SET actor = '{actor}', mac = '{prev}' WHERE seq = {seq}")
    tamper(path, *statements, f"UPDATE audit_head SET mac = '{prev}'")
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (3, "changed")


def test_another_sites_key_does_not_verify(chained: tuple[Path, AuditLog]) -> None:
    path, _ = chained
    path.with_suffix(".key").unlink()  # the key lives outside the store: without it, nothing verifies
    other = AuditLog(open_store(f"sqlite:///{path}"))
    broken = other.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (1, "changed")


def test_a_site_that_switches_suite_keeps_a_whole_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    Store(open_store(url)).audit("ops", "wave.run", "W01", "started")
    monkeypatch.setenv("GOVMIG_CRYPTO", "sm")
    engine = open_store(url)
    Store(engine).audit("ops", "wave.run", "W02", "started")
    assert [str(r[7]).split(":")[0] for r in rows(tmp_path / "g.db")] == ["sha256", "sm3"]
    assert AuditLog(engine).verify().whole


OLD_AUDIT = (
    "CREATE TABLE audit (id INTEGER NOT NULL PRIMARY KEY, at DATETIME NOT NULL, actor VARCHAR(128) NOT NULL, "
    "action VARCHAR(64) NOT NULL, target VARCHAR(255) NOT NULL, result VARCHAR(32) NOT NULL, detail TEXT)"
)


def test_a_store_from_before_the_chain_is_chained_at_its_first_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute(OLD_AUDIT)
        db.executemany(
            "INSERT INTO audit (at, actor, action, target, result, detail) VALUES (?, 'ops', ?, 'W01', 'ok', ?)",
            [(f"2026-0{n}-01 08:00:00.000000", f"step.{n}", None if n % 2 else "细节") for n in range(1, 5)],
        )
        db.commit()
    engine = open_store(f"sqlite:///{path}")
    Store(engine).audit("ops", "wave.run", "W02", "started")
    report = AuditLog(engine).verify()
    assert report.whole and (report.entries, report.first, report.last) == (5, 1, 5)
    assert [r[3] for r in rows(path)] == ["step.1", "step.2", "step.3", "step.4", "wave.run"]
    engine.dispose()
    open_store(
        f"sqlite:///{path}"
    )  # a later open chains nothing again: a row slipped in afterwards stays out
    tamper(
        path,
        "INSERT INTO audit (at, actor, action, target, result) VALUES ('2026-09-01', 'x', 'y', 'z', 'ok')",
    )
    assert AuditLog(open_store(f"sqlite:///{path}")).verify().broken is not None


# pruning --------------------------------------------------------------------------------------------------------
def _aged(url: str, days: list[int], now: datetime) -> AuditLog:
    engine = open_store(url)
    for n, age in enumerate(days):
        Store(engine, clock=lambda age=age: now - timedelta(days=age)).audit("ops", "step", f"t{n}", "ok")
    return AuditLog(engine, clock=lambda: now)


def test_a_prune_inside_the_retention_period_is_refused(tmp_path: Path) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    log = _aged(f"sqlite:///{tmp_path / 'g.db'}", [400, 300, 100, 10], now)
    with pytest.raises(AuditRefused) as refused:
        log.prune(now - timedelta(days=179), "ops")
    assert refused.value.reason == "retention" and "180" in refused.value.zh
    with pytest.raises(AuditRefused):
        log.prune(now - timedelta(days=200), "ops", retention_days=365)
    assert log.verify().entries == 4


def test_a_prune_keeps_the_chain_whole(tmp_path: Path) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    url = f"sqlite:///{tmp_path / 'g.db'}"
    log = _aged(url, [400, 300, 250, 190, 10], now)
    pruned = log.prune(now - timedelta(days=270), "ops")
    assert (pruned.entries, pruned.through) == (2, 2)
    with pytest.raises(Exception, match="append-only"), log.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit"))  # the guards the prune lifted are back
    report = log.verify()
    assert report.whole and (report.first, report.last) == (3, 6), report
    anchor = json.loads(log.entries(after=5)[0].detail or "")
    assert anchor["through"] == 2 and anchor["entries"] == 2
    Store(open_store(url), clock=lambda: now).audit("ops", "step", "after", "ok")
    assert log.prune(now - timedelta(days=270), "ops").entries == 0  # nothing older is left
    second = log.prune(now - timedelta(days=181), "ops")
    assert (second.entries, second.through) == (2, 4) and log.verify().whole
    path = tmp_path / "g.db"
    assert [r[0] for r in rows(path)] == [5, 6, 7, 8]
    tamper(path, "DELETE FROM audit WHERE action = 'audit.prune'")  # the anchors vouched for the gap
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (5, "missing")


def test_a_prune_on_postgresql_keeps_the_chain_whole_and_the_guard_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    monkeypatch.setenv("GOVMIG_KEY_FILE", str(tmp_path / "site.key"))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    url = new_database(postgres_url)
    log = _aged(url, [400, 300, 10], now)
    assert log.prune(now - timedelta(days=200), "ops").through == 2
    report = log.verify()
    assert report.whole and (report.first, report.last) == (3, 4), report
    with pytest.raises(Exception, match="append-only"), log.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit"))  # the trigger the prune lifted is back


def test_a_broken_chain_is_not_pruned(tmp_path: Path) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    log = _aged(f"sqlite:///{tmp_path / 'g.db'}", [400, 300, 10], now)
    tamper(tmp_path / "g.db", "UPDATE audit SET result = 'forged' WHERE seq = 1")
    with pytest.raises(AuditRefused) as refused:
        log.prune(now - timedelta(days=200), "ops")
    assert refused.value.reason == "broken" and len(rows(tmp_path / "g.db")) == 3


# several writers at once --------------------------------------------------------------------------------------
WRITERS, EACH = 4, 25


def _write(url: str, name: str) -> None:
    engine = open_store(url)
    store, accounts = Store(engine), Accounts(engine)
    for n in range(EACH):
        if n % 5 == 0:
            accounts.add_department(
                f"{name}-{n}", None, name
            )  # another module's transaction, chained the same
        else:
            store.audit(name, "step", f"{name}/{n}", "ok")
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_writers_in_several_processes_leave_one_whole_chain(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("GOVMIG_KEY_FILE", str(tmp_path / "site.key"))
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'g.db'}"
    else:
        url = new_database(request.getfixturevalue("postgres_url"))
    engine = open_store(url)
    spawn = multiprocessing.get_context("spawn")
    writers = [spawn.Process(target=_write, args=(url, f"w{n}")) for n in range(WRITERS)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(120)
    assert [w.exitcode for w in writers] == [0] * WRITERS
    report = AuditLog(engine).verify()
    assert report.whole and (report.first, report.last, report.entries) == (1, WRITERS * EACH, WRITERS * EACH)


def test_what_the_queue_and_the_leases_write_is_chained_too(tmp_path: Path) -> None:
    """Queueing, claiming, pausing and leasing write audit rows on plain connections: each is chained, so a store
    used as the web and the workers use it verifies whole (they once wrote rows outside the chain)."""
    engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
    queue, leases = RunQueue(engine), Leases(engine)
    job = queue.enqueue("run", "W01", "W01", "/tree", "ops-li")
    assert queue.claim("worker-1", "/tree", stale_after=30) is not None
    assert queue.ask_pause("W01", "ops-li")
    assert leases.claim("W01", "owner-1", "ops-li", "host", 1) is None
    Store(engine).audit("ops-li", "wave.run", "W01", "started")
    actions = [e.action for e in Store(engine).audit_log()]
    assert {"queue.run", "queue.claim", "wave.pause", "lease.take", "wave.run"} <= set(actions), actions
    report = AuditLog(engine).verify()
    assert report.whole and report.entries == len(actions), report.as_json()
    assert job is not None
    engine.dispose()


def test_only_the_chain_writes_audit_rows() -> None:
    """No module of the store inserts into the audit table except through the chain (the hook or its `append`)."""
    root = Path(__file__).resolve().parents[2] / "orchestrator"
    around = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "audit_chain.py"
        and ("insert(Audit)" in p.read_text() or "Audit.__table__" in p.read_text())
    ]
    assert around == []


def test_a_row_added_at_the_end_does_not_hide_an_entry_changed_before_it(
    chained: tuple[Path, AuditLog],
) -> None:
    path, log = chained
    tamper(
        path,
        "UPDATE audit SET actor = 'mallory' WHERE seq = 2",
        "INSERT INTO audit (at, actor, action, target, result, detail) "
        "VALUES ('2026-12-06 07:00:00', 'x', 'noise', 'x', 'ok', '')",
    )
    broken = log.verify().broken
    assert broken is not None and (broken.seq, broken.reason) == (2, "changed"), broken
    tamper(
        path, "UPDATE audit SET actor = 'ops-li' WHERE seq = 2"
    )  # the change undone: the stray row remains
    broken = log.verify().broken
    assert broken is not None and broken.reason == "unchained", broken
