"""A wave runs once: a second `run`, a `resume`, a rollback or a web-started run of a running wave is refused
(exit 1 / HTTP 409, who holds it since when); a dead holder's lease is taken over; a runner whose lease was taken
over pauses. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from orchestrator.app import Worker
from orchestrator.execute import STEPS, AnsibleRunner, Ports, RunConfig, WaveBusy, WaveExecutor
from orchestrator.execute.loop.lease import WaveLock
from orchestrator.store import Accounts, Leases, Store, open_store
from orchestrator.store.schema import WaveLease
from orchestrator.web import WebConfig, create_app, hash_password, new_token, token_digest
from tests.execute.harness import preflighted, site
from tests.execute.test_crash_resume import govmig


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def assert_refused(code: int, out: str, err: str, holder: str) -> None:
    assert code == 1, out + err
    assert "正在运行" in err and "is running" in err and holder in err
    assert "Traceback" not in err


def test_two_runs_started_together_one_runs_the_other_is_refused(
    tmp_path: Path, fresh_store_url: str
) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    common = ["--tree", str(where.tree), "--db", fresh_store_url, "--hold", "0", "--format", "json"]
    preflighted(where.tree, fresh_store_url)
    first, second = (govmig("run", "W01", *common, cwd=tmp_path) for _ in range(2))
    results = sorted([finish(first), finish(second)], key=lambda r: r[0])
    (ok, out, _), refused = results
    assert ok == 0 and {s["state"] for s in json.loads(out)["systems"]} == {"done"}
    assert_refused(*refused, holder="pid")
    store = Store(open_store(fresh_store_url))
    for key in where.systems:
        finished = [e.step for e in store.step_log("W01", key) if e.status == "finished"]
        assert finished == [s.name for s in STEPS]  # every step ran exactly once
    assert Leases(store.engine).holder("W01") is None  # released at the end


def test_run_resume_and_rollback_are_refused_while_a_runner_holds_the_wave(
    tmp_path: Path, fresh_store_url: str
) -> None:
    where = site(tmp_path, ["alpha"])
    common = ["--tree", str(where.tree), "--db", fresh_store_url]
    engine = open_store(fresh_store_url)
    with WaveLock(Leases(engine), "W01", "ops-wang"):
        Store(engine).open_wave("W01", where.systems, str(where.tree), False, 1, "ops-wang")
        for verb in (["run", "W01"], ["resume", "W01"], ["rollback", "630000-T/alpha", "--wave", "W01"]):
            assert_refused(*finish(govmig(*verb, *common, cwd=tmp_path)), holder="ops-wang@")
        assert where.frontend("alpha") == ""  # nothing ran
    code, out, err = finish(govmig("resume", "W01", *common, "--hold", "0", "--format", "json", cwd=tmp_path))
    assert code == 0, out + err  # released: now it runs
    assert where.moved("alpha")


def test_a_dead_holder_on_this_machine_is_taken_over_at_once(fresh_store_url: str) -> None:
    leases = Leases(open_store(fresh_store_url))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    assert leases.claim("W07", "crashed", "ops", os.uname().nodename, int(dead.stdout)) is None
    with WaveLock(leases, "W07", "ops-li", stale_after=3600) as lock:
        assert lock.held and leases.holder("W07").owner == lock.owner  # type: ignore[union-attr]
    audit = [(a.action, a.actor) for a in Store(leases.engine).audit_log("W07")]
    assert ("lease.takeover", "ops-li") in audit


def test_another_machines_holder_is_taken_over_only_once_its_heartbeat_is_stale(fresh_store_url: str) -> None:
    leases = Leases(open_store(fresh_store_url))
    assert leases.claim("W08", "remote", "ops", "node-in-another-zone", 1) is None
    try:
        WaveLock(leases, "W08", "ops-li", stale_after=60).acquire()
        raise AssertionError("a live remote holder was displaced")
    except WaveBusy as busy:
        assert "node-in-another-zone" in busy.en and "node-in-another-zone" in busy.zh
    with leases.engine.begin() as conn:
        old = datetime.now(UTC) - timedelta(seconds=120)
        conn.execute(update(WaveLease).where(WaveLease.wave == "W08").values(heartbeat_at=old))
    with WaveLock(leases, "W08", "ops-li", stale_after=60) as lock:
        assert lock.held


def test_two_takeovers_of_one_stale_lease_only_one_wins(fresh_store_url: str) -> None:
    leases = Leases(open_store(fresh_store_url))
    assert leases.claim("W09", "gone", "ops", "elsewhere", 1) is None
    stale = leases.holder("W09")
    assert stale is not None
    wins = [leases.take_over("W09", f"new-{n}", "ops", "here", n, stale) for n in range(2)]
    assert wins == [True, False] and leases.holder("W09").owner == "new-0"  # type: ignore[union-attr]


def test_a_runner_whose_lease_was_taken_over_is_told_at_its_next_heartbeat(fresh_store_url: str) -> None:
    leases = Leases(open_store(fresh_store_url))
    lost = threading.Event()
    lock = WaveLock(leases, "W10", "ops", heartbeat=0.1, on_lost=lost.set).acquire()
    holder = leases.holder("W10")
    assert holder is not None and leases.take_over("W10", "usurper", "ops2", "h", 1, holder)
    assert lost.wait(10) and not lock.held
    lock.release()
    assert leases.holder("W10").owner == "usurper"  # type: ignore[union-attr]  # the loser released nothing


def _executor(store: Store, path: Path, actor: str) -> WaveExecutor:
    return WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(path, actor=actor))


@contextmanager
def ops_client(engine: Engine, tree: Path) -> Iterator[TestClient]:
    """The web service over this store and tree, as an ops user with a bearer token."""
    app = create_app(WebConfig(engine=engine, tree=tree, secret="s" * 40, executor=_executor))
    accounts = Accounts(engine)
    name = f"ops-{uuid.uuid4().hex[:6]}"
    token = new_token()
    user = accounts.add_user(name, "ops", None, hash_password("Ops-Pass-2026"), "test")
    accounts.add_token(user, token_digest(token), "test", "test")
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}, raise_server_exceptions=False) as c:
        yield c


def test_a_web_started_run_is_refused_while_the_cli_holds_the_wave(
    tmp_path: Path, fresh_store_url: str
) -> None:
    where = site(tmp_path, ["alpha"])
    preflighted(where.tree, fresh_store_url)
    engine = open_store(fresh_store_url)
    with ops_client(engine, where.tree) as client, WaveLock(Leases(engine), "W01", "ops-cli"):
        answer = client.post("/api/waves/W01/run")
        assert answer.status_code == 409
        detail = answer.json()
        assert "ops-cli@" in detail["zh"] and "ops-cli@" in detail["en"] and "is running" in detail["en"]
    with ops_client(engine, where.tree) as client:
        assert client.post("/api/waves/W01/run").status_code == 200
        job = client.get("/api/waves/W01/status").json()["job"]
        assert job["status"] == "queued" and job["worker"] is None  # the web queues; it runs nothing itself
        code, out, err = finish(
            govmig("run", "W01", "--tree", str(where.tree), "--db", fresh_store_url, cwd=tmp_path)
        )
        assert code == 1 and "队列" in err and "queued" in err, out + err  # nor does the CLI beside it
        ended = Worker(engine, where.tree, _executor, heartbeat=0.2).once()
        assert ended is not None and (ended.status, ended.detail) == ("done", "done")
    assert Store(engine).wave("W01").status == "done"  # type: ignore[union-attr]
