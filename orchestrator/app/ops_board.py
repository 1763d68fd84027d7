"""The waves board (ops, supervisors read it): each wave of the tree and each that ran, with its systems, its
latest preflight (ready, not ready or none, and when), its real run and its check run apart (state, systems per
state, when), who holds it while it runs (or why nobody does), and whether it may run (a finished wave is not run
again from the board)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..contracts import JobStatus, SystemState, WaveState
from ..execute import RUN_STATE_ZH, record_name
from ..store import Preflights, RunQueue, Store, utcnow
from .discover_inventory import waves_of
from .holding import holding
from .ops_matrix import wave_systems
from .ops_words import WAVE_ZH
from .preflight import MAX_AGE_HOURS

WAVE = re.compile(r"^W[0-9]{2,3}$")
"""A wave's name, as the API's paths take it."""
FINISHED_STEPS: dict[str, int] = {
    SystemState.pending: 0,
    SystemState.prechecked: 1,
    SystemState.backed_up: 2,
    SystemState.presynced: 3,
    SystemState.deployed: 4,
    SystemState.synced: 5,
    SystemState.verified: 6,
    SystemState.done: 7,
    SystemState.decommissioned: 7,
}
"""How many of the seven steps a system in this state has come through (failed, rolled back: counted apart)."""


def _preflight(store: Store, tree: Path, wave: str) -> dict[str, Any]:
    latest = Preflights(store.engine).latest(wave, str(tree.resolve()))
    if latest is None:
        return {"state": "none", "at": None, "critical": 0, "warnings": 0, "stale": False}
    critical = sum(1 for f in latest.findings if f.get("severity") == "critical")
    return {
        "state": "ready" if latest.ready else "not_ready",
        "at": latest.at.isoformat(),
        "by": latest.actor,
        "critical": critical,
        "warnings": len(latest.findings) - critical,
        "stale": utcnow() - latest.at > timedelta(hours=MAX_AGE_HOURS),
        "findings": latest.findings,
    }


def run_document(store: Store, queue: RunQueue, record: str) -> dict[str, Any] | None:
    """A wave record's run as the board shows it; None when it never ran nor is queued."""
    run = store.wave(record)
    job = queue.active(record)
    if run is None and job is None:
        return None
    systems = store.systems(record) if run is not None else []
    states = Counter(s.state for s in systems)
    through = sum(FINISHED_STEPS.get(s.state, 0) for s in systems)
    return {
        "record": record,
        "check": record.endswith("@check"),
        "status": run.status if run is not None else JobStatus.queued,
        "status_zh": WAVE_ZH.get(run.status, run.status) if run is not None else "排队中",
        "started_at": run.started_at.isoformat() if run is not None else None,
        "updated_at": run.updated_at.isoformat() if run is not None else job.queued_at.isoformat(),  # type: ignore[union-attr]
        "states": [{"state": s, "zh": RUN_STATE_ZH.get(s, s), "count": n} for s, n in sorted(states.items())],
        "total": len(systems),
        "cut_over": states.get(SystemState.done, 0) + states.get(SystemState.decommissioned, 0),
        "failed": states.get(SystemState.failed, 0),
        "rolled_back": states.get(SystemState.rolled_back, 0),
        "progress": round(100 * through / (7 * len(systems))) if systems else 0,
        "job": None if job is None else {"id": job.id, "status": job.status, "worker": job.worker},
        **holding(store, record),
    }


def _waves(store: Store, tree: Path) -> list[str]:
    """The waves (W01 …) the tree has or that ran: not the retirement's record, nor one system's later steps."""
    ran = {w.wave.partition("@")[0] for w in store.waves()}
    return sorted(w for w in ran | set(waves_of(tree) if tree.is_dir() else []) if WAVE.match(w))


def waves_board(store: Store, tree: Path) -> list[dict[str, Any]]:
    """Every wave the tree has or that ran, in order, as the board shows it."""
    queue = RunQueue(store.engine)
    board = []
    for wave in _waves(store, tree):
        real = run_document(store, queue, record_name(wave, False))
        check = run_document(store, queue, record_name(wave, True))
        runs = [r for r in (real, check) if r is not None and r["started_at"]]
        last = max(runs, key=lambda r: str(r["updated_at"]), default=None)
        done = real is not None and real["status"] == WaveState.done
        systems = wave_systems(tree, wave) or [s.system for s in store.systems(wave)]
        board.append(
            {
                "wave": wave,
                "systems": systems,
                "preflight": _preflight(store, tree, wave),
                "run": real,
                "check_run": check,
                "last_run": None
                if last is None
                else {"record": last["record"], "check": last["check"], "at": last["updated_at"]},
                "may_run": not done,
                "why_not": {
                    "zh": f"批次 {wave} 已完成，不再执行",
                    "en": f"wave {wave} is done and is not run again",
                }
                if done
                else None,
            }
        )
    return board
