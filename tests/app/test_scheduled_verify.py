"""Drift caught on the site's schedule (`govmig worker --verify-every HOURS`): workers over one store queue a warm
wave's verification once per period whichever asks first, the one that claims it runs `govmig verify`'s own use
case (real Ansible through ansible-runner, the local connection: the source's and the target's data trees digested),
equal is audited equal, a file changed on the target behind the replication's back is drift (audited, told as
`verification_drift`), and a wave that is not warm is not verified at all."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from orchestrator.app import GatePolicy, Worker, build_executor, default_verifier, schedule_verifies
from orchestrator.contracts import JobKind, SystemState
from orchestrator.notify import raised
from orchestrator.store import Notices, RunQueue, Store, open_store, utcnow
from tests.execute.harness import site

ALPHA = "630000-T/alpha"


def _warm(store: Store, tree: Path, src: Path, tgt: Path) -> None:
    """W01's alpha presynced, as the run leaves it days before its window: the target holds the source's data."""
    store.open_wave("W01", [ALPHA], str(tree), False, 1, "ops")
    for step, state in (("precheck", "prechecked"), ("backup", "backed_up"), ("presync", "presynced")):
        store.begin_step("W01", ALPHA, step, "ops")
        store.end_step("W01", ALPHA, step, state, True, "ops")
    shutil.copytree(src, tgt)


def _worker(engine: object, tree: Path, **kw: object) -> Worker:
    def executor(store: Store, path: Path, actor: str) -> object:
        return build_executor(store, path, actor, GatePolicy())

    return Worker(
        engine,  # type: ignore[arg-type]
        tree,
        executor,  # type: ignore[arg-type]
        heartbeat=0.5,
        poll=0.1,
        verify_every_hours=1.0,
        verify=default_verifier(recheck_seconds=0),
        **kw,  # type: ignore[arg-type]
    )


def test_workers_verify_a_warm_wave_once_a_period_and_drift_is_audited_and_told(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
    store = Store(engine)
    notices = Notices(engine)
    notices.unread()  # the notifiers' cursor set, as when a site turns notifications on: told from here
    assert schedule_verifies(store, where.tree, 1.0) == []  # nothing warm: nothing to verify
    _warm(store, where.tree, where.source("alpha"), where.target("alpha"))

    first, second = _worker(engine, where.tree), _worker(engine, where.tree)
    queued = [first.schedule(), second.schedule()]
    assert [len(q) for q in queued] == [1, 0]  # two workers, one verification of the wave this period
    [job] = queued[0]
    assert (job.kind, job.wave, job.record, job.actor) == (
        JobKind.verify,
        "W01",
        "W01:verify",
        "govmig-schedule",
    )
    assert second.schedule() == [] and first.schedule() == []  # looked a moment ago: not again yet

    done = first.once()
    assert done is not None and (done.status, done.kind) == ("done", "verify"), done
    assert [(a.result, a.detail) for a in store.audit_log("W01") if a.action == "wave.verify"] == [
        ("equal", "systems=1 lag=0")
    ]
    assert schedule_verifies(store, where.tree, 1.0) == []  # verified this period already

    # a file changed on the replica behind the replication's back; the next period's verification finds it
    (where.target("alpha") / "records-1.txt").write_text("altered on the target\n")
    [later] = schedule_verifies(store, where.tree, 1.0, now=utcnow() + timedelta(hours=1, minutes=1))
    drifted = second.once()
    assert drifted is not None and drifted.id == later.id and drifted.status == "failed"
    assert "漂移 drift" in (drifted.detail or "") and ALPHA in (drifted.detail or "")
    [entry] = [a for a in store.audit_log(f"W01/{ALPHA}") if a.action == "wave.verify"]
    assert (entry.result, entry.detail, entry.actor) == ("drift", "files", "govmig-schedule")
    told = [e for e in (raised(c) for c in notices.unread()) if e is not None]
    assert [(e.event, e.wave, e.system) for e in told if e.event != "wave_started"] == [
        ("verification_drift", "W01", ALPHA)
    ]  # the equal verification before told nothing

    # finally synced since: no longer warm, no longer verified
    store.begin_step("W01", ALPHA, "deploy", "ops")
    store.end_step("W01", ALPHA, "deploy", SystemState.deployed, True, "ops")
    store.begin_step("W01", ALPHA, "final_sync", "ops")
    store.end_step("W01", ALPHA, "final_sync", SystemState.synced, True, "ops")
    assert schedule_verifies(store, where.tree, 1.0, now=utcnow() + timedelta(hours=3)) == []
    assert len([j for j in RunQueue(engine).jobs() if j.kind == JobKind.verify]) == 2


def test_govmig_worker_with_verify_every_verifies_a_warm_wave_on_its_own(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    engine = open_store(db)
    store = Store(engine)
    _warm(store, where.tree, where.source("alpha"), where.target("alpha"))
    bad = subprocess.run(
        [sys.executable, "-m", "orchestrator", "worker", "--db", db, "--tree", str(where.tree),
         "--verify-every", "0"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "--verify-every" in bad.stderr and "Traceback" not in bad.stderr
    worker = subprocess.Popen(
        [sys.executable, "-m", "orchestrator", "worker", "--db", db, "--tree", str(where.tree),
         "--verify-every", "6", "--verify-recheck-seconds", "0", "--jobs", "1", "--poll", "0.2",
         "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        out, err = worker.communicate(timeout=240)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err
    assert '"kind": "verify"' in out and '"status": "done"' in out
    assert [a.result for a in store.audit_log("W01") if a.action == "wave.verify"] == ["equal"]


def test_a_verification_claimed_by_a_worker_keeps_its_claim_alive_while_it_runs(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
    store = Store(engine)
    _warm(store, where.tree, where.source("alpha"), where.target("alpha"))
    started = threading.Event()

    def slow(store: Store, tree: Path, wave: str, actor: str) -> object:
        started.set()
        time.sleep(2.5)  # longer than --stale-after below: the heartbeat keeps the claim
        return default_verifier(recheck_seconds=0)(store, tree, wave, actor)

    holder = _worker(engine, where.tree, stale_after=1.0)
    holder.verify = slow  # type: ignore[assignment]
    other = _worker(engine, where.tree, stale_after=1.0)
    holder.schedule()
    ran = threading.Thread(target=holder.once)
    ran.start()
    assert started.wait(30)
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        assert other.once() is None  # never taken over while its holder beats
        time.sleep(0.2)
    ran.join(60)
    assert [j.status for j in RunQueue(engine).jobs()] == ["done"]


def test_many_workers_looking_at_once_queue_one_verification(fresh_store_url: str, tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    engine = open_store(fresh_store_url)
    store = Store(engine)
    _warm(store, where.tree, where.source("alpha"), where.target("alpha"))
    queued: list[int] = []
    lookers = [
        threading.Thread(
            target=lambda: queued.extend(j.id for j in schedule_verifies(Store(engine), where.tree, 1.0))
        )
        for _ in range(6)
    ]
    for t in lookers:
        t.start()
    for t in lookers:
        t.join(60)
    assert len(queued) == 1 and [j.record for j in RunQueue(engine).jobs()] == ["W01:verify"]
