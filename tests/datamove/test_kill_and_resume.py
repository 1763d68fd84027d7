"""kill -9 of `govmig run` while it moves the databases, then `govmig resume`.

Only the orchestrator is killed: the ansible-playbook it started lives on (ansible-runner gives it a session of its
own), as after a real crash; the resumed step kills what is left of it before it runs again. A client writes to
both databases throughout: afterwards every acknowledged write is on the target exactly once and verification
found every table equal.

The kill moments are found from the run's own progress, not from the clock alone (a run takes 14 s on an idle
machine here and half as long again on a busy one): a seeded moment after a step began, and the narrowest moment
of all, right after a replica was promoted and before its step was recorded as ended.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from orchestrator.lab import Site, netns
from orchestrator.store import Store, open_store
from tests.datamove.rehearsal import CASES, TRADE, Writer, admin_dsn, rehearsal, rows, tokens
from tests.execute.harness import govmig, preflighted

WHY = netns.missing()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"the rehearsal site needs namespaces: {WHY}")
STRATA = (("presync", 2.0), ("final_sync", 2.5))
"""(the step, the longest seeded delay after both systems began it): one kill early (the initial copy, the
deploy), one late (the final sync, verification, the cutover)."""


def _begun(db: Path, step: str) -> bool:
    """Whether both systems began `step` (read-only: the run creates and migrates the store itself)."""
    if not db.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            found = conn.execute(
                "SELECT count(DISTINCT system) FROM step_log WHERE wave = 'W01' AND step = ?", (step,)
            ).fetchone()
    except sqlite3.Error:  # not created or migrated yet
        return False
    return bool(found and found[0] == 2)


def _promoted(site: Site, key: str) -> Callable[[], bool]:
    """True once the system's replica, seen attached, is detached on the target (its promotion done)."""
    dsn = admin_dsn(site, key, "target")
    ask = "SELECT count(*) FROM pg_subscription" if key == TRADE else "SHOW SLAVE STATUS"
    seen: list[bool] = []

    def probe() -> bool:
        try:
            found = rows(dsn, ask)
        except Exception:  # the target's database is made by the pre-sync
            return False
        attached = bool(found[0][0]) if key == TRADE else bool(found)
        if attached:
            seen.append(True)
        return bool(seen) and not attached

    return probe


def _all(*probes: Callable[[], bool]) -> Callable[[], bool]:
    """True once every probe is (each asked every time: a probe remembers what it saw)."""

    def every() -> bool:
        answers = [probe() for probe in probes]  # not all(generator): that would stop at the first False
        return all(answers)

    return every


def _kill_then_resume(tmp_path: Path, when: Callable[[Site, Path], Callable[[], bool]], delay: float) -> None:
    """Runs W01 with writers on both databases, kill -9s the run once `when` holds (then `delay` seconds later),
    resumes it, and checks what every move must hold. A run that ended before its kill moment fails the test: it
    would have proved nothing about a crash."""
    with rehearsal(tmp_path) as (tree, site):
        writers = {k: Writer(site.systems[k]["databases"][0], limit=300) for k in (TRADE, CASES)}
        for w in writers.values():
            w.start()
        db_file = tmp_path / "govmig.db"
        db = f"sqlite:///{db_file}"
        common = ["--tree", str(tree), "--db", db, "--hold", "0", "--format", "json"]
        ready = when(site, db_file)
        preflighted(tree, db)
        try:
            first = govmig("run", "W01", *common, "--concurrency", "2", cwd=tmp_path)
            deadline = time.monotonic() + 300
            while first.poll() is None and not ready() and time.monotonic() < deadline:
                time.sleep(0.005)
            try:
                first.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.kill(first.pid, signal.SIGKILL)
                first.wait(timeout=30)
            else:
                pytest.fail(f"the run ended by itself (rc {first.returncode}) before its kill moment")
            store = Store(open_store(db))
            verb = "resume" if store.wave("W01") is not None else "run"
            second = govmig(verb, "W01", *common, cwd=tmp_path)
            out, err = second.communicate(timeout=400)
            for w in writers.values():
                for _ in range(100):
                    if any(s == "target" for s, _, _ in w.acked):
                        break
                    time.sleep(0.1)
        finally:
            for w in writers.values():
                w.stop()
        assert second.returncode == 0, (out[-3000:], err[-3000:])
        assert {s["system"]: s["state"] for s in json.loads(out)["systems"]} == {TRADE: "done", CASES: "done"}
        for key, w in writers.items():
            on_target = tokens(site.systems[key]["databases"][0]["target"])
            acked = [t for _, t, _ in w.acked]
            assert acked and all(on_target.get(t) == 1 for t in acked), key
            assert all(c == 1 for c in on_target.values()), key
            verified = [f.data for f in store.figures("W01", key) if f.data.get("op") == "verify"]
            assert verified and verified[-1]["differ"] == [], key
            print(f"\nkilled, {key}: {len(acked)} writes acknowledged, all on the target once")


@pytest.mark.parametrize("stratum", range(len(STRATA)))
def test_kill_9_mid_move_then_resume_loses_and_doubles_nothing(tmp_path: Path, stratum: int) -> None:
    step, longest = STRATA[stratum]
    delay = random.Random(7000 + stratum).uniform(0.0, longest)
    print(f"\nkill -9 {delay:.2f} s after both systems began {step}")
    _kill_then_resume(tmp_path, lambda _site, db: lambda: _begun(db, step), delay)


def test_kill_9_right_after_both_promotions_then_resume(tmp_path: Path) -> None:
    """Killed once both replicas are promoted (PostgreSQL's subscription and MariaDB's replica status gone) and
    before the final sync was recorded as ended: the resumed final sync finds them promoted. It must neither wait
    for a position a detached replica can no longer confirm nor lose a write."""
    _kill_then_resume(tmp_path, lambda site, _db: _all(_promoted(site, TRADE), _promoted(site, CASES)), 0.0)
