"""After the night's manual task is closed (`govmig task done`), the wave waiting at it goes on by itself where its
runs go through workers (a resume is queued, and the next worker takes the system to cutover), and where it was run
from a console in the foreground the closer is told plainly that `govmig resume` is needed (nothing is queued
that a later `govmig resume` would then be refused beside)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from orchestrator.app import GatePolicy, Worker, build_executor
from orchestrator.contracts import ManualTask, WaveTasks
from orchestrator.contracts import tree as layout
from orchestrator.store import Accounts, RunQueue, Store, open_store
from tests.execute.harness import Site, preflighted, site

ALPHA = "630000-T/alpha"


def _govmig(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], capture_output=True, text=True, timeout=300
    )


def _night(tmp_path: Path) -> tuple[Site, str, Store]:
    """W01 with a task that holds alpha before its final sync, preflighted; the department's account."""
    where = site(tmp_path, ["alpha", "beta"])
    task = ManualTask(
        id="notify-users", zh="通知业务用户停机", en="Tell the users", before="final_sync", role="department"
    )
    tasks = WaveTasks(wave="W01", systems={ALPHA: [task]})
    (where.tree / layout.tasks("W01")).write_text(tasks.model_dump_json(), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    store = Store(open_store(db))
    Accounts(store.engine).add_user("rst", "department", "630000-T", "not-checked-here", actor="admin")
    preflighted(where.tree, db)
    return where, db, store


def _done(where: Site, db: str) -> dict[str, object]:
    closed = _govmig(
        "task", "done", "W01", ALPHA, "notify-users", "--by", "rst",
        "--tree", str(where.tree), "--db", db, "--format", "json",
    )  # fmt: skip
    assert closed.returncode == 0, closed.stderr
    resume: dict[str, object] = json.loads(closed.stdout)["resume"]
    return resume


def test_a_wave_its_workers_run_goes_on_by_itself_once_the_task_is_closed(tmp_path: Path) -> None:
    where, db, store = _night(tmp_path)
    queued = _govmig("run", "W01", "--tree", str(where.tree), "--db", db, "--queue")
    assert queued.returncode == 0, queued.stderr
    worker = Worker(
        store.engine,
        where.tree,
        lambda s, t, a: build_executor(s, t, a, GatePolicy(hold_seconds=0)),
        heartbeat=0.2,
    )
    first = worker.once()
    assert first is not None and (first.status, first.detail) == ("done", "paused")
    assert "tgt-" not in where.frontend("alpha") and where.moved("beta")
    assert worker.once() is None  # nothing queued while the task is open

    resume = _done(where, db)
    assert resume["job"] is not None and "worker" in str(resume["en"]) and "执行器" in str(resume["zh"])
    job = RunQueue(store.engine).active("W01")
    assert job is not None and job.id == resume["job"] and job.actor == first.actor  # the asker's run, again
    assert [a.result for a in store.audit_log("W01") if a.action == "wave.resume_asked"] == ["queued"]

    second = worker.once()
    assert second is not None and (second.status, second.detail) == ("done", "done")
    assert where.moved("alpha")


def test_a_wave_run_in_the_foreground_says_resume_is_needed(tmp_path: Path) -> None:
    where, db, store = _night(tmp_path)
    ran = _govmig("run", "W01", "--tree", str(where.tree), "--db", db, "--hold", "0", "--format", "json")
    assert ran.returncode == 1 and json.loads(ran.stdout)["status"] == "paused", ran.stderr

    resume = _done(where, db)
    assert resume["job"] is None
    assert "govmig resume W01" in str(resume["en"]) and "govmig resume W01" in str(resume["zh"])
    assert "foreground" in str(resume["en"]) and RunQueue(store.engine).jobs(10) == []
    again = _govmig("resume", "W01", "--tree", str(where.tree), "--db", db, "--hold", "0")
    assert again.returncode == 0, again.stderr
    assert where.moved("alpha")
