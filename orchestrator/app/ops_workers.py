"""Which workers (`govmig worker`) are alive, busy or idle, by their own heartbeats (store/workers.py) and their
jobs' (store/queue.py); what waits in the queue; and, said plainly, when a job waits and no worker is alive to take
it."""

from __future__ import annotations

from typing import Any

from ..contracts import JobStatus
from ..store import Engine, RunQueue, WorkerBeats, utcnow

JOB_QUIET = 30.0
"""A claimed job whose heartbeat is older than this says nothing of its worker being alive (the queue's own
default staleness)."""
NONE_ALIVE = {
    "zh": "没有存活的执行器：排队的任务不会开始，请启动 govmig worker",
    "en": "no worker is alive: the queued jobs will not start; start govmig worker",
}


def _where(name: str) -> tuple[str, int | None]:
    host, _, rest = name.partition(":")
    pid = rest.partition(":")[0]
    return host, int(pid) if pid.isdigit() else None


def workers_view(engine: Engine) -> dict[str, Any]:
    """{"workers": [...], "alive": n, "queued": [...], "running": [...], "warning": {"zh", "en"} | None}."""
    now = utcnow()
    unfinished = [j for j in RunQueue(engine).jobs(500) if j.status in (JobStatus.queued, JobStatus.claimed)]
    busy = {j.worker: j for j in unfinished if j.status == JobStatus.claimed and j.worker}
    workers: dict[str, dict[str, Any]] = {}
    for w in WorkerBeats(engine).seen():
        host, pid = _where(w.name)
        workers[w.name] = {
            "name": w.name,
            "host": host,
            "pid": pid,
            "tree": w.tree,
            "started_at": w.started_at.isoformat(),
            "heartbeat_at": w.beat_at.isoformat(),
            "alive": w.alive(now),
            "stopped_at": w.stopped_at.isoformat() if w.stopped_at else None,
            "job": None,
        }
    for name, job in busy.items():  # a worker beats its job while it runs it: that beat is the newer
        host, pid = _where(name)
        beat = job.heartbeat_at
        fresh = beat is not None and (now - beat).total_seconds() <= JOB_QUIET
        row = workers.setdefault(
            name,
            {
                "name": name,
                "host": host,
                "pid": pid,
                "tree": job.tree,
                "started_at": None,
                "heartbeat_at": None,
                "alive": False,
                "stopped_at": None,
            },
        )
        if beat is not None and (row["heartbeat_at"] is None or beat.isoformat() > row["heartbeat_at"]):
            row["heartbeat_at"] = beat.isoformat()
        row["alive"] = bool(row["alive"] or fresh)
        row["job"] = {"id": job.id, "record": job.record, "kind": job.kind}
    listed = sorted(workers.values(), key=lambda w: (not w["alive"], w["name"]))
    alive = sum(1 for w in listed if w["alive"])
    queued = [
        {
            "id": j.id,
            "record": j.record,
            "kind": j.kind,
            "system": j.system,
            "actor": j.actor,
            "queued_at": j.queued_at.isoformat(),
            "detail": j.detail,
        }
        for j in sorted(unfinished, key=lambda j: j.id)
        if j.status == JobStatus.queued
    ]
    return {
        "workers": listed,
        "alive": alive,
        "queued": queued,
        "warning": NONE_ALIVE if queued and not alive else None,
    }
