"""`govmig verify` while the rehearsal wave is warm: real PostgreSQL and MariaDB in network namespaces over SSH, the
replicas filled by their engines' own replication and following the sources (the wave held before its deploy by
a manual task of the site's runbook).

Played from outside with the real commands, after `govmig lab up` and a real `govmig preflight` (ready: the lab's
inventory is what the index keeps) and `govmig run`: equal when nothing was touched; a lag (the replication held
while the sources take writes, let go once the first pass said it differs) is equal on the recheck, not drift; a
row changed on a replica behind the replication's back is drift that persists: exit 1, named by table, audited
`wave.verify` drift, which the notifiers tell as `verification_drift`; bad input exits 2."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from orchestrator.contracts import ManualTask, WaveTasks
from orchestrator.contracts import tree as layout
from orchestrator.lab import netns
from orchestrator.notify import raised
from orchestrator.store import ChainEntry, Store, open_store
from tests.datamove.rehearsal import CASES, TRADE, admin_dsn, connect, rehearsal, rows, write_rows
from tests.execute.harness import preflighted

WHY = netns.missing()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"the rehearsal site needs namespaces: {WHY}")


def _govmig(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], capture_output=True, text=True, timeout=timeout
    )


def _verify(tree: Path, db: str, recheck: str) -> tuple[int, dict[str, Any], dict[str, dict[str, Any]]]:
    done = _govmig(
        "verify", "W01", "--tree", str(tree), "--db", db, "--recheck-seconds", recheck, "--format", "json"
    )
    assert "Traceback" not in done.stderr, done.stderr
    said = json.loads(done.stdout)
    return done.returncode, said, {s["system"]: s for s in said["systems"]}


def _hold_replication(site: Any, hold: bool) -> None:
    """The replicas stop applying (or apply again) what their sources send: lag, made on purpose."""
    with connect(admin_dsn(site, TRADE, "target")) as pg:
        for (name,) in pg.execute("SELECT subname FROM pg_subscription").fetchall():
            pg.execute(f'ALTER SUBSCRIPTION "{name}" {"DISABLE" if hold else "ENABLE"}')
    my = connect(admin_dsn(site, CASES, "target"))
    try:
        with my.cursor() as cur:
            cur.execute("STOP SLAVE SQL_THREAD" if hold else "START SLAVE SQL_THREAD")
    finally:
        my.close()


def test_drift_on_a_warm_replica_is_caught_and_lag_is_not(tmp_path: Path) -> None:
    with rehearsal(tmp_path) as (tree, site):
        hold = ManualTask(
            id="hold-warm", zh="预同步后暂停", en="Hold after the presync", before="deploy", role="ops"
        )
        tasks = WaveTasks(wave="W01", systems={TRADE: [hold], CASES: [hold]})
        (tree / layout.tasks("W01")).write_text(tasks.model_dump_json(), encoding="utf-8")
        db = f"sqlite:///{tmp_path / 'govmig.db'}"
        preflighted(tree, db)  # after `lab up`: the lab's inventory is the one the index keeps
        ran = _govmig("run", "W01", "--tree", str(tree), "--db", db, "--hold", "0", "--format", "json")
        states = {s["system"]: s["state"] for s in json.loads(ran.stdout)["systems"]}
        assert ran.returncode == 1 and states == {TRADE: "presynced", CASES: "presynced"}, ran.stderr

        code, said, by = _verify(tree, db, "1")  # nothing touched: equal
        assert code == 0 and said["equal"] is True, said
        for key in (TRADE, CASES):
            assert by[key]["state"] == "equal" and by[key]["tables"] >= 3 and by[key]["rows"] >= 10_000
            assert by[key]["files"]["source"]["sha256"] == by[key]["files"]["target"]["sha256"]
            assert by[key]["files"]["source"]["files"] == 5
            assert by[key]["not_compared"] == []  # both engines replicated: nothing left to a checkpoint

        # lag: the replicas hold while the sources take writes; let go once the first pass said it differs
        _hold_replication(site, True)
        for key in (TRADE, CASES):
            write_rows(site.systems[key]["databases"][0]["source"], [f"lag-{n}" for n in range(25)], "source")
        verify = subprocess.Popen(
            [sys.executable, "-m", "orchestrator", "verify", "W01", "--tree", str(tree), "--db", db,
             "--recheck-seconds", "20", "--format", "json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert verify.stderr is not None
        heard = ""
        deadline = time.monotonic() + 300
        while "checked again" not in heard and time.monotonic() < deadline and verify.poll() is None:
            heard += verify.stderr.readline()
        _hold_replication(site, False)
        out, err = verify.communicate(timeout=300)
        assert "checked again" in heard and "复查" in heard, heard + err
        lagged = {s["system"]: s for s in json.loads(out)["systems"]}
        assert verify.returncode == 0, out + err
        for key in (TRADE, CASES):
            assert lagged[key]["state"] == "lag" and lagged[key]["drift"] == []
            assert any(t.endswith("writes") for t in lagged[key]["first"]), lagged[key]

        # drift: a row of the PostgreSQL replica changed behind the replication's back; it stays changed
        with connect(admin_dsn(site, TRADE, "target")) as pg:
            pg.execute("UPDATE records SET body = 'tampered' WHERE n = 7")
        code, said, by = _verify(tree, db, "2")
        assert code == 1 and said["equal"] is False
        assert by[TRADE]["state"] == "drift" and [t.split(".")[-1] for t in by[TRADE]["drift"]] == ["records"]
        assert by[CASES]["state"] == "equal"
        assert rows(
            site.systems[TRADE]["databases"][0]["source"],
            "SELECT count(*) FROM records WHERE body = 'tampered'",
        ) == [(0,)]

        store = Store(open_store(db))
        audited = [(a.target, a.result) for a in store.audit_log() if a.action == "wave.verify"]
        assert audited == [("W01", "equal"), ("W01", "equal"), (f"W01/{TRADE}", "drift")]
        told = [
            raised(ChainEntry(0, a.at, a.actor, a.action, a.target, a.result, a.detail))
            for a in store.audit_log()
            if a.action == "wave.verify"
        ]
        drift = [r for r in told if r is not None]
        assert [(r.event, r.wave, r.system) for r in drift] == [("verification_drift", "W01", TRADE)]
        assert "records" in drift[0].en and "不一致" in drift[0].zh

        bad = _govmig("verify", "W09", "--tree", str(tree), "--db", db)
        assert bad.returncode == 2 and "W09" in bad.stderr and "Traceback" not in bad.stderr
