"""Who runs a wave now: what `govmig status` and the wave page show beside a wave's state, so a wave never reads
`running` with nothing running it. The lease's holder (who, where, since when, its last heartbeat, its fencing
token), or that nobody holds it and why: queued for a worker (and why it was put back: a worker stopping, a
store outage), claimed by a worker that is starting it, or stopped without finishing (a crash, an outage past its
bound) and waiting for `resume`."""

from __future__ import annotations

from typing import Any

from ..contracts import JobStatus, WaveState
from ..store import Leases, RunQueue, Store, utcnow


def holding(store: Store, record: str) -> dict[str, Any]:
    """{"holder": {...} | None, "why": {"zh", "en"} | None} for the wave record."""
    held = Leases(store.engine).holder(record)
    if held is not None:
        quiet = (utcnow() - held.heartbeat_at).total_seconds()
        return {
            "holder": {
                "actor": held.actor,
                "host": held.host,
                "pid": held.pid,
                "since": held.acquired_at.isoformat(),
                "heartbeat_at": held.heartbeat_at.isoformat(),
                "quiet_seconds": round(max(0.0, quiet), 1),
                "token": held.token,
            },
            "why": None,
        }
    job = RunQueue(store.engine).active(record)
    wave = store.wave(record)
    if job is not None and job.status == JobStatus.queued:
        zh, en = "排队等待执行器", "queued, waiting for a worker"
        if job.detail:
            zh, en = f"{zh}（{job.detail}）", f"{en} ({job.detail})"
    elif job is not None:
        zh, en = f"执行器 {job.worker} 已领取，正在开始", f"claimed by worker {job.worker}, starting"
    elif wave is not None and wave.status == WaveState.running:
        zh = "无人执行：上一个执行者未完成即停止（崩溃或状态库中断超过时限），请 govmig resume 继续"
        en = (
            "nobody runs it: its last runner stopped without finishing (a crash, or a store outage past its "
            "bound); continue it with govmig resume"
        )
    else:
        return {"holder": None, "why": None}
    return {"holder": None, "why": {"zh": zh, "en": en}}
