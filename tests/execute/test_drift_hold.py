"""Drift that `govmig verify` found while the wave was warm (and that persisted past its recheck) holds the system's
cutover: the wave pauses with the other system cut over, the hold is audited once however often the run comes
back, `govmig explain` with a note lets it go (a blank note, or a system with nothing to explain, is bad input),
and a later verification that finds the wave equal clears it as well."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from orchestrator.execute import AnsibleRunner, Ports, RunConfig, WaveExecutor
from orchestrator.store import Store, open_store
from tests.execute.harness import site

ALPHA, BETA = "630000-T/alpha", "630000-T/beta"


def _govmig(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], capture_output=True, text=True, timeout=120
    )


def _run(store: Store, tree: Path) -> Any:
    return WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(tree)).run("W01")


def test_drift_holds_the_cutover_until_it_is_explained(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    store = Store(open_store(db))
    store.audit(
        "verifier", "wave.verify", f"W01/{ALPHA}", "drift", "records: rows"
    )  # as govmig verify says it

    first = _run(store, where.tree)
    assert first.status == "paused" and first.states[BETA] == "done" and first.states[ALPHA] != "done"
    assert "tgt-" not in where.frontend("alpha") and "tgt-" in where.frontend("beta")
    assert _run(store, where.tree).states[ALPHA] == first.states[ALPHA]  # nothing moves while unexplained
    held = [a for a in store.audit_log(f"W01/{ALPHA}") if a.action == "drift.waiting"]
    assert len(held) == 1  # said once

    blank = _govmig("explain", "W01", ALPHA, "--note", " ", "--db", db)
    nothing = _govmig("explain", "W01", BETA, "--note", "x", "--db", db)
    assert blank.returncode == 2 and "--note" in blank.stderr and "Traceback" not in blank.stderr
    assert nothing.returncode == 2 and "no unexplained drift" in nothing.stderr
    said = _govmig(
        "explain",
        "W01",
        ALPHA,
        "--note",
        "测试数据行 test rows",
        "--by",
        "li",
        "--db",
        db,
        "--format",
        "json",
    )
    assert said.returncode == 0, said.stderr
    assert json.loads(said.stdout) == {
        "wave": "W01", "system": ALPHA, "drift": "records: rows", "by": "li", "note": "测试数据行 test rows"
    }  # fmt: skip
    assert _govmig("explain", "W01", ALPHA, "--note", "again", "--db", db).returncode == 2  # explained once

    last = _run(store, where.tree)
    assert last.status == "done" and where.moved("alpha")


def test_a_later_verification_that_finds_the_wave_equal_clears_the_hold(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    store = Store(open_store(f"sqlite:///{tmp_path / 'govmig.db'}"))
    store.audit("verifier", "wave.verify", f"W01/{ALPHA}", "drift", "files")
    store.audit("verifier", "wave.verify", "W01", "equal", "systems=1 lag=0")  # the lag had cleared
    assert _run(store, where.tree).status == "done" and where.moved("alpha")
