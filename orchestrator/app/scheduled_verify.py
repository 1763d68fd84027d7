"""Drift caught on the site's schedule (issue 40: "`govmig verify WAVE` during the warm phase, and on a schedule the
site sets"): a worker given `--verify-every HOURS` (or GOVMIG_VERIFY_EVERY_HOURS) looks now and then for the waves
of its tree that are warm (a system presynced and not yet finally synced) and queues a `verify` job for each that
had none within the period; whichever worker claims it runs `govmig verify`'s own use case (app/warm_verify.py), so
drift is audited `wave.verify` drift and told as `verification_drift`, exactly as from the command line.

Several workers over one store: the job is queued through the store, once per wave and period (store/queue.py
`enqueue_due`: one transaction, and the queue's one-unfinished-job-per-record index), and claimed like every job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from ..contracts import JobKind, Tree
from ..execute import Nodes
from ..store import Job, RunQueue, Store, utcnow
from .warm_figures import Verified
from .warm_verify import WARM, VerifyRefused, verify_warm

SCHEDULER = "govmig-schedule"
"""Who asks a scheduled verification (the audit says so)."""
Verifier = Callable[[Store, Path, str, str], Verified]
"""(store, tree, wave, actor) → the verification, audited: `govmig verify`'s use case, or a test's own."""


def verify_record(wave: str) -> str:
    """The queue's record of a wave's scheduled verification (one unfinished at a time)."""
    return f"{wave}:{JobKind.verify}"


def warm_waves(store: Store, tree: Path) -> list[str]:
    """The waves of `tree` whose real run has a warm system (its replica filled and following the source), run
    from this tree (or from a tree that is no longer there)."""
    files, here = Tree(tree), tree.resolve()
    found = []
    for run in store.waves():
        if "@" in run.wave or run.check_mode or not files.has_wave(run.wave):
            continue  # a check run, a retirement's record, or a wave this tree does not hold
        ran_from = Path(run.tree)
        if ran_from.is_dir() and ran_from.resolve() != here:
            continue  # a worker of that tree verifies it
        if any(s.state in WARM for s in store.systems(run.wave)):
            found.append(run.wave)
    return found


def schedule_verifies(
    store: Store, tree: Path, every_hours: float, now: datetime | None = None, actor: str = SCHEDULER
) -> list[Job]:
    """Queues a `verify` job for each warm wave of `tree` that had none queued within `every_hours`; the jobs
    queued (none when another worker queued them first)."""
    at = now or utcnow()
    since = at - timedelta(hours=every_hours)
    queue, tree = RunQueue(store.engine), tree.resolve()
    queued = []
    for wave in warm_waves(store, tree):
        job = queue.enqueue_due(JobKind.verify, wave, verify_record(wave), str(tree), actor, since)
        if job is not None:
            queued.append(job)
    return queued


def default_verifier(recheck_seconds: float = 60.0, nodes: Nodes | None = None) -> Verifier:
    """`govmig verify`'s use case with the site's recheck and execution nodes, through the run's runner."""

    def verify(store: Store, tree: Path, wave: str, actor: str) -> Verified:
        return verify_warm(store, tree, wave, actor, recheck_seconds, nodes)

    return verify


def carry_out_verify(verify: Verifier, store: Store, job: Job) -> tuple[str, str]:
    """A claimed `verify` job carried out: (the job's end status, what it came to in words)."""
    try:
        done = verify(store, Path(job.tree), job.wave, job.actor)
    except VerifyRefused as refused:  # nothing warm any more (finally synced since it was queued)
        return "refused", f"{refused.zh} / {refused.en}"
    drifting = [f"{s.system} ({', '.join(s.drift[:5])})" for s in done.systems if s.state == "drift"]
    unread = [s.system for s in done.systems if s.state == "error"]
    if drifting or unread:
        parts = [f"漂移 drift: {'; '.join(drifting)}"] if drifting else []
        parts += [f"未能校验 not read: {', '.join(unread)}"] if unread else []
        return "failed", " | ".join(parts)[:2000]
    return "done", f"一致 equal: {len(done.systems)} systems"
