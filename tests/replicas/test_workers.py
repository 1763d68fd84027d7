"""Runs go through the queue: the web and `govmig run --queue` ask, workers claim (each job by exactly one of
them, SKIP LOCKED on PostgreSQL), keep the claim alive; a stopped worker puts its job back, a dead one's is
taken over, and either is resumed from the step log, every step still finished exactly once. On SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from orchestrator.execute import STEPS
from orchestrator.store import Queued, RunQueue, Store, open_store
from tests.conftest import new_database
from tests.execute.harness import govmig, preflighted, site


def test_each_job_is_claimed_by_exactly_one_of_many_workers(store_url: str) -> None:
    queue = RunQueue(open_store(store_url))
    tree = f"/srv/tree-{time.monotonic_ns()}"  # this test's own jobs, whatever else the database holds
    for n in range(12):
        queue.enqueue("run", f"W{n:02d}", f"W{n:02d}", tree, "ops-wang")
    claimed: list[tuple[str, int]] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        for _ in range(50):
            job = queue.claim(name, tree, stale_after=60)
            if job is None:
                return
            with lock:
                claimed.append((name, job.id))
            queue.finish(job.id, name, "done", "ok")

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [job for _, job in claimed]
    assert len(ids) == 12 and len(set(ids)) == 12  # every job once, none twice
    assert queue.claim("late", tree, stale_after=60) is None


def test_the_same_work_is_not_queued_twice_and_a_quiet_claim_is_taken_over(tmp_path: Path) -> None:
    now = [datetime(2026, 12, 2, 8, 0, tzinfo=UTC)]
    engine = open_store(f"sqlite:///{tmp_path / 'q.db'}")
    queue = RunQueue(engine, clock=lambda: now[0])
    job = queue.enqueue("run", "W01", "W01", "/t", "ops-wang")
    try:
        queue.enqueue("run", "W01", "W01", "/t", "ops-li")
        raise AssertionError("queued twice")
    except Queued as exc:
        assert exc.job.id == job.id
    first = queue.claim("host-a:1:x", "/t", stale_after=30)
    assert first is not None and first.claims == 1
    now[0] += timedelta(seconds=10)
    assert queue.beat(job.id, "host-a:1:x") == (True, False)
    assert queue.claim("host-b:2:y", "/t", stale_after=30) is None  # alive: nobody takes it
    now[0] += timedelta(seconds=31)  # quiet past the limit
    second = queue.claim("host-b:2:y", "/t", stale_after=30)
    assert second is not None and second.id == job.id and second.claims == 2
    assert queue.beat(job.id, "host-a:1:x") == (False, False)  # the old worker learns it lost it
    assert queue.finish(job.id, "host-a:1:x", "done", "late") is False
    assert queue.ask_pause("W01", "ops-wang") is True and queue.beat(job.id, "host-b:2:y") == (True, True)
    with engine.connect() as conn:
        actions = conn.execute(text("select action from audit order by id")).scalars().all()
    assert actions == ["queue.run", "queue.claim", "queue.takeover", "wave.pause"]


def test_a_stopped_workers_job_is_requeued_a_killed_ones_taken_over_and_every_step_finishes_once(
    tmp_path: Path, postgres_url: str
) -> None:
    """On PostgreSQL, where workers of a province meet (the claims themselves are tested on both stores)."""
    fresh_store_url = new_database(postgres_url)
    where = site(tmp_path, ["alpha", "beta"])
    common = ["--tree", str(where.tree), "--db", fresh_store_url, "--hold", "0", "--format", "json"]
    preflighted(where.tree, fresh_store_url)
    queued = govmig("run", "W01", "--queue", *common, cwd=tmp_path)
    out, err = queued.communicate(timeout=120)
    assert queued.returncode == 0, out + err
    assert json.loads(out)["status"] == "queued" and not where.frontend("alpha")  # queued, nothing ran yet
    said = govmig("status", "--db", fresh_store_url, "--format", "json", cwd=tmp_path).communicate(
        timeout=60
    )[0]
    assert [(j["record"], j["status"], j["worker"]) for j in json.loads(said)["queue"]] == [
        ("W01", "queued", None)
    ]
    store = Store(open_store(fresh_store_url))

    def finished_steps(at_least: int) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = [e for k in where.systems for e in store.step_log("W01", k) if e.status == "finished"]
            if len(done) >= at_least:
                return
            time.sleep(0.1)

    # a worker told to stop (SIGTERM) pauses after its running step and puts the job back on the queue
    stopping = govmig("worker", *common, "--heartbeat", "0.2", cwd=tmp_path)
    finished_steps(2)
    stopping.send_signal(signal.SIGTERM)
    out, err = stopping.communicate(timeout=120)
    assert stopping.returncode == 0, out + err
    back = json.loads(out.strip().splitlines()[-1])
    assert back["status"] == "queued" and back["claims"] == 1, back
    # the next is killed in the middle of the wave (some steps done, not all): its job goes quiet
    first = govmig("worker", *common, "--heartbeat", "0.2", cwd=tmp_path, own_session=True)
    finished_steps(6)
    os.killpg(first.pid, signal.SIGKILL)  # the worker and the ansible-playbook it started
    first.communicate(timeout=30)
    assert store.wave("W01") is not None and store.wave("W01").status == "running"  # type: ignore[union-attr]
    second = govmig("worker", *common, "--jobs", "1", "--heartbeat", "0.2", cwd=tmp_path)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, out + err
    ended = json.loads(out.strip().splitlines()[-1])
    assert ended["status"] == "done" and ended["detail"] == "done" and ended["claims"] == 3, ended
    for key in where.systems:
        finished = [e.step for e in store.step_log("W01", key) if e.status == "finished"]
        assert finished == [s.name for s in STEPS]  # each step finished exactly once, in order
        assert where.moved(key.split("/")[1])
    with store.engine.connect() as conn:
        took = conn.execute(text("select detail from audit where action = 'queue.takeover'")).scalars().all()
    assert len(took) == 1 and f":{first.pid}:" in took[0]


def test_replicas_asking_for_the_same_run_at_once_queue_it_once(store_url: str) -> None:
    queue = RunQueue(open_store(store_url))
    record, tree = f"W{time.monotonic_ns()}", "/srv/tree"
    outcomes: list[str] = []
    gate = threading.Barrier(6)

    def ask() -> None:
        gate.wait(10)
        try:
            queue.enqueue("run", "W01", record, tree, "ops-wang")
            outcomes.append("queued")
        except Queued:
            outcomes.append("refused")

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["queued"] + ["refused"] * 5


def test_a_bad_nodes_file_is_refused_with_where_and_why(tmp_path: Path) -> None:
    nodes = tmp_path / "nodes.yaml"
    nodes.write_text("nodes:\n  zone-a:\n    address: -oProxyCommand=sh\n    port: 70000\n")
    proc = govmig("worker", "--db", f"sqlite:///{tmp_path / 'g.db'}", "--nodes", str(nodes), cwd=tmp_path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, out + err
    assert "执行节点文件有误" in out + err and "address" in out + err and "port" in out + err
    assert "Traceback" not in out + err
