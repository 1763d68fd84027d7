"""A worker frozen past its staleness (SIGSTOP: a paused VM, a long GC, a partition from the store) while another
takes its job over and finishes the wave, then woken (SIGCONT): it is fenced. The wave ends cut over, no step is
recorded finished twice, nothing is rolled back, and the woken worker says once, in Chinese and English, that it
was taken over (no traceback). Twice: the second worker on this machine (it kills the frozen one's orphaned
playbook), and in its own PID and UTS namespaces, "another machine" that can neither see nor kill the first's
processes. On PostgreSQL, where the workers of a province meet."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from orchestrator.execute import STEPS
from orchestrator.store import Store, open_store
from tests.conftest import new_database
from tests.execute.harness import govmig, preflighted, site

STALE, BEAT = 3.0, 0.2
ELSEWHERE = "govmig-other-machine"


def _wait(what: str, holds: object, within: float = 180.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if holds():  # type: ignore[operator]
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _begun(store: Store, systems: list[str], step: str) -> bool:
    return all(any(e.step == step for e in store.step_log("W01", k)) for k in systems)


def _second(args: list[str], cwd: Path, elsewhere: bool) -> subprocess.Popen[str]:
    if not elsewhere:
        return govmig(*args, cwd=cwd)
    inner = " ".join(["hostname", ELSEWHERE, "&&", "exec", sys.executable, "-m", "orchestrator", *args])
    return subprocess.Popen(
        ["unshare", "--pid", "--uts", "--fork", "--mount-proc", "sh", "-c", inner],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("elsewhere", [False, True], ids=["same-machine", "another-machine"])
def test_a_frozen_worker_woken_after_a_takeover_is_fenced(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, elsewhere: bool
) -> None:
    if elsewhere and (os.geteuid() != 0 or shutil.which("unshare") is None):
        pytest.skip("another machine is a PID and UTS namespace: needs root and unshare")
    monkeypatch.setenv("GOVMIG_KEY_FILE", str(tmp_path / "govmig.key"))
    url = new_database(postgres_url)
    where = site(tmp_path, ["alpha", "beta"])
    common = ["--tree", str(where.tree), "--db", url, "--hold", "0", "--format", "json"]
    preflighted(where.tree, url)
    queued = govmig("run", "W01", "--queue", *common, cwd=tmp_path)
    out, err = queued.communicate(timeout=120)
    assert queued.returncode == 0, out + err
    store = Store(open_store(url))
    timing = ["--heartbeat", str(BEAT), "--stale-after", str(STALE)]
    first = govmig("worker", *common, *timing, cwd=tmp_path, own_session=True)
    woken = False
    try:
        _wait("the first worker to begin the deploy", lambda: _begun(store, where.systems, "deploy"))
        os.killpg(first.pid, signal.SIGSTOP)  # the worker and its playbook, as a paused VM
        frozen_at = len([e for k in where.systems for e in store.step_log("W01", k)])
        time.sleep(STALE + 1.0)
        second = _second(["worker", *common, *timing, "--jobs", "1"], tmp_path, elsewhere)
        # woken while the second runs the wave: both awake, the first must give way at once
        _wait(
            "the second worker to record steps",
            lambda: len([e for k in where.systems for e in store.step_log("W01", k)]) >= frozen_at + 2,
        )
        os.killpg(first.pid, signal.SIGCONT)
        woken = True
        out2, err2 = second.communicate(timeout=300)
        assert second.returncode == 0, out2 + err2
        time.sleep(3 * STALE)  # the woken worker finds out and stops; it then polls for work, idle
    finally:
        if not woken:
            os.killpg(first.pid, signal.SIGCONT)
        os.killpg(first.pid, signal.SIGTERM)
        out1, err1 = first.communicate(timeout=120)
    ended = json.loads(out2.strip().splitlines()[-1])
    assert (ended["status"], ended["detail"], ended["claims"]) == ("done", "done", 2), ended
    assert store.wave("W01").status == "done"  # type: ignore[union-attr]
    for key in where.systems:
        log = store.step_log("W01", key)
        finished = [e.step for e in log if e.status == "finished"]
        assert finished == [s.name for s in STEPS], (key, [(e.step, e.status) for e in log])
        assert not [e for e in log if e.status == "failed" or e.step == "rollback"], key
        assert store.system("W01", key).state == "done"
        assert where.moved(key.split("/")[1]), key
    said = err1 + out1
    assert said.count("已由其他执行器接管") == 1 and said.count("was taken over by another runner") == 1, said
    assert "Traceback" not in said, said
    assert "Traceback" not in err2, err2
    with store.engine.connect() as conn:
        rows = conn.execute(text("select action, actor, detail from audit where target = 'W01' order by id"))
        actions = [tuple(r) for r in rows]
    took = [d for a, _, d in actions if a == "lease.takeover"]
    assert len(took) == 1 and "token 2" in took[0], actions
    by = [who for a, who, _ in actions if a == "queue.takeover"]
    assert len(by) == 1 and by[0].startswith(ELSEWHERE if elsewhere else os.uname().nodename), by
