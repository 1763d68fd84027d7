"""Asking for work: what the web and `govmig run --queue` check before a job goes on the queue, in one place.

Everything that can be refused at once is refused here, so nobody is told "started" for a run that can never
start: a wave the tree has no playbook for (ExecuteError), a record a live runner holds (WaveBusy, its lease),
the same work queued already (Queued), a system the wave does not have, a later step while its wave runs or waits, a decommissioning its
department has not accepted or whose observation period runs.
"""

from __future__ import annotations

from ..execute import WaveExecutor, record_name
from ..store import Job, Queued, RunQueue


def ask(
    queue: RunQueue,
    executor: WaveExecutor,
    kind: str,
    wave: str,
    actor: str,
    system: str | None = None,
    check: bool = False,
) -> Job:
    """Queues `kind` of work (run, rollback, decommission) on `wave` (and `system`), once it passes the checks."""
    executor.paths(wave)
    tree = str(executor.tree)
    if kind == "run":
        record = record_name(wave, check)
        executor.lease(record).check_free()
        return queue.enqueue(kind, wave, record, tree, actor, check=check)
    if system is None:
        raise ValueError(f"{kind} needs a system")
    executor.hosts_of(wave, system)  # a system the wave does not have is refused now, not by a worker later
    if kind == "decommission":
        executor.may_decommission(wave, system)
    executor.lease(wave).check_free()
    running = queue.active(record_name(wave, False))
    if running is not None:
        raise Queued(running)
    return queue.enqueue(kind, wave, f"{wave}:{kind}:{system}", tree, actor, system=system)
