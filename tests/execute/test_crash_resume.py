"""Crash and resume: `govmig run` killed with SIGKILL at seeded random moments (with the playbooks it started),
then `govmig resume`: every system completes, no finished step runs twice, and the store agrees with the hosts."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from orchestrator.execute import STEPS
from orchestrator.store import Store, open_store
from tests.execute.harness import govmig, preflighted, site

TRIALS = 4
EARLIEST, LATEST = 0.5, 7.0
"""A whole run takes about 7 s here (one playbook run for the wave): the kill moments are spread over it in strata (one seeded moment in each
quarter), so few trials still reach every stretch of the run; tests/datamove/test_kill_and_resume.py kills
runs that move databases."""


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(TRIALS))
def test_kill_9_then_resume_completes_everything_exactly_once(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    where = site(tmp_path, ["alpha", "beta"])
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    common = ["--tree", str(where.tree), "--db", db, "--hold", "0", "--format", "json"]
    preflighted(where.tree, db)
    first = govmig("run", "W01", *common, "--concurrency", "2", cwd=tmp_path, own_session=True)
    width = (LATEST - EARLIEST) / TRIALS
    delay = rng.uniform(EARLIEST + seed * width, EARLIEST + (seed + 1) * width)
    try:
        first.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(first.pid, signal.SIGKILL)  # the orchestrator and the ansible-playbook it started
        first.wait(timeout=30)
    time.sleep(0.2)
    store = Store(open_store(db))
    verb = "resume" if store.wave("W01") is not None else "run"
    second = govmig(verb, "W01", *common, cwd=tmp_path)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, out + err
    assert {s["system"]: s["state"] for s in json.loads(out)["systems"]} == dict.fromkeys(
        where.systems, "done"
    )
    for key in where.systems:
        log = [(e.step, e.status) for e in store.step_log("W01", key)]
        finished = [step for step, status in log if status == "finished"]
        assert finished == [s.name for s in STEPS], (
            seed,
            delay,
            log,
        )  # each step finished exactly once, in order
        assert where.moved(key.split("/")[1])
    assert store.wave("W01").status == "done"  # type: ignore[union-attr]
