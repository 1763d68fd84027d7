"""Which workers are alive: a worker beats busy or idle (store/workers.py), so the ops pages can tell that one
will take a queued job, and say plainly when none is alive while a job waits."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

from orchestrator.app import OpsDesk, Site, SiteConfig, Worker
from orchestrator.store import RunQueue, WorkerBeats, open_store, utcnow


def _wait(until: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_a_queued_job_with_no_worker_alive_is_said_plainly_and_an_idle_worker_counts(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
    desk = OpsDesk(Site(SiteConfig(store=engine, tree=tmp_path / "render")))
    assert desk.workers() == {"workers": [], "alive": 0, "queued": [], "warning": None}

    RunQueue(engine).enqueue("run", "W01", "W01", str(tmp_path / "render"), "ops")
    seen = desk.workers()
    assert seen["alive"] == 0 and [q["record"] for q in seen["queued"]] == ["W01"]
    assert "没有存活的执行器" in seen["warning"]["zh"] and "no worker is alive" in seen["warning"]["en"]

    long_ago = WorkerBeats(engine, clock=lambda: utcnow() - timedelta(minutes=5))
    long_ago.beat("old-host:41:dead0001", str(tmp_path / "render"), 5.0)  # beat once, five minutes ago
    seen = desk.workers()
    assert seen["alive"] == 0 and seen["warning"] is not None
    assert seen["workers"][0]["host"] == "old-host" and seen["workers"][0]["pid"] == 41

    # a worker of another tree: idle (it never claims W01's job) and alive by its own beats
    stop = threading.Event()
    worker = Worker(engine, tmp_path / "other", lambda *_: None, heartbeat=0.2, poll=0.05)  # type: ignore[arg-type,return-value]
    thread = threading.Thread(target=worker.serve, args=(stop,), daemon=True)
    thread.start()
    try:
        assert _wait(lambda: desk.workers()["alive"] == 1)
        seen = desk.workers()
        alive = next(w for w in seen["workers"] if w["alive"])
        assert alive["name"] == worker.name and alive["job"] is None and seen["warning"] is None
        first = alive["heartbeat_at"]
        assert _wait(lambda: next(w for w in desk.workers()["workers"] if w["alive"])["heartbeat_at"] > first)
    finally:
        stop.set()
        thread.join(10)
    gone = next(w for w in desk.workers()["workers"] if w["name"] == worker.name)
    assert gone["alive"] is False and gone["stopped_at"] is not None  # it said it stopped
    assert desk.workers()["warning"] is not None
