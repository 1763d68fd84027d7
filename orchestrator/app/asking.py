"""Asking for work: what the web and `govmig run --queue` check before a job goes on the queue, in one place.

Everything that can be refused at once is refused here, so nobody is told "started" for a run that can never
start: a wave the tree has no playbook for (ExecuteError), a record a live runner holds (WaveBusy, its lease),
the same work queued already (Queued), a system the wave does not have, a later step while its wave runs or waits, a decommissioning its
department has not accepted or whose observation period runs.
"""

from __future__ import annotations

from ..contracts import JobKind
from ..execute import RETIRE_RECORD, WaveExecutor, record_name
from ..store import Job, Queued, RunQueue, Store
from .irreversible import admissible, refuse_finished
from .preflight import MAX_AGE_HOURS, gate_start


def ask(
    queue: RunQueue,
    executor: WaveExecutor,
    kind: str,
    wave: str,
    actor: str,
    system: str | None = None,
    check: bool = False,
    rerun: bool = False,
    preflight_max_age_hours: float = MAX_AGE_HOURS,
) -> Job:
    """Queues `kind` of work (run, rollback, and the irreversible decommission, retire and rollback_discard once
    approved) on `wave` (and `system`), once it passes the checks. A real run of a finished wave is refused
    (WaveFinished) unless `rerun` (audited); a real run that would start the wave without a ready preflight
    younger than `preflight_max_age_hours` is refused (PreflightMissing; the worker checks again when it
    claims the job)."""
    tree = str(executor.tree)
    if kind == JobKind.run:
        executor.files(wave)
        record = record_name(wave, check)
        refuse_finished(executor.store, wave, check, rerun, actor)
        executor.lease(record).check_free()
        gate_start(Store(queue.engine), executor.tree, wave, check, actor, preflight_max_age_hours)
        return queue.enqueue(kind, wave, record, tree, actor, check=check)
    if system is None:
        raise ValueError(f"{kind} needs a system")
    if kind == JobKind.rollback:
        executor.hosts_of(
            wave, system
        )  # a system the wave does not have is refused now, not by a worker later
    else:
        admissible(executor, kind, wave, system)
    if kind == JobKind.retire:
        wave = RETIRE_RECORD
    executor.lease(wave).check_free()
    running = queue.active(record_name(wave, False))
    if running is not None:
        raise Queued(running)
    return queue.enqueue(kind, wave, f"{wave}:{kind}:{system}", tree, actor, system=system)
