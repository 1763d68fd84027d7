"""kill -9 of `govmig run` while it moves the databases, at seeded moments, then `govmig resume`.

Only the orchestrator is killed: the ansible-playbook it started lives on (ansible-runner gives it a session of its
own), as after a real crash; the resumed step kills what is left of it before it runs again. A client writes to
both databases throughout: afterwards every acknowledged write is on the target exactly once and verification
found every table equal.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from orchestrator.lab import netns
from orchestrator.store import Store, open_store
from tests.datamove.rehearsal import CASES, TRADE, Writer, rehearsal, tokens
from tests.execute.harness import govmig

WHY = netns.missing()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"the rehearsal site needs namespaces: {WHY}")
STRATA = ((4.0, 14.0), (14.0, 30.0))
"""A run takes about 40 s here: one seeded kill moment early (backup, the initial copy), one late (the final
sync, verification): two trials that reach both halves of the move."""


@pytest.mark.parametrize("stratum", range(len(STRATA)))
def test_kill_9_mid_move_then_resume_loses_and_doubles_nothing(tmp_path: Path, stratum: int) -> None:
    rng = random.Random(7000 + stratum)
    delay = rng.uniform(*STRATA[stratum])
    with rehearsal(tmp_path) as (tree, site):
        writers = {k: Writer(site.systems[k]["databases"][0], limit=300) for k in (TRADE, CASES)}
        for w in writers.values():
            w.start()
        db = f"sqlite:///{tmp_path / 'govmig.db'}"
        common = ["--tree", str(tree), "--db", db, "--hold", "0", "--format", "json"]
        try:
            first = govmig("run", "W01", *common, "--concurrency", "2", cwd=tmp_path)
            try:
                first.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.kill(first.pid, signal.SIGKILL)
                first.wait(timeout=30)
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
        assert second.returncode == 0, (delay, out[-3000:], err[-3000:])
        assert {s["system"]: s["state"] for s in json.loads(out)["systems"]} == {TRADE: "done", CASES: "done"}
        for key, w in writers.items():
            on_target = tokens(site.systems[key]["databases"][0]["target"])
            acked = [t for _, t, _ in w.acked]
            assert acked and all(on_target.get(t) == 1 for t in acked), (key, delay)
            assert all(c == 1 for c in on_target.values()), (key, delay)
            verified = [f.data for f in store.figures("W01", key) if f.data.get("op") == "verify"]
            assert verified and verified[-1]["differ"] == [], (key, delay)
            print(
                f"\nkill -9 at {delay:.1f}s, {key}: {len(acked)} writes acknowledged, all on the target once"
            )
