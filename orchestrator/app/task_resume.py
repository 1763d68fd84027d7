"""After a manual task is closed (`govmig task done`, the wave's page): the wave waiting at it goes on by itself
where workers carry the site's runs, or the closer is told plainly that `govmig resume` is needed.

Where the wave's run went through the queue (its last run job was carried out by a worker), a resume is queued
for the same asker, through the same checks as any queued run (`ask`: the wave's lease, the same work queued
already); the next worker takes it and the executor resumes from the step log. A wave run from a console in the
foreground has nobody to hand it to: the answer says `govmig resume WAVE`. Either way the closer is told which.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..contracts import JobKind, WaveState
from ..execute import ExecuteError
from ..store import Job, Queued
from .asking import ask

if TYPE_CHECKING:
    from .site import Site


@dataclass(frozen=True)
class Resumed:
    """What closing the task set going: the queued resume (`job`), or None and what to do, in both languages."""

    job: Job | None
    zh: str
    en: str


def _last_run_job(site: Site, wave: str) -> Job | None:
    return next(
        (j for j in site.waves.queue.jobs(500) if j.record == wave and j.kind == JobKind.run),
        None,
    )


def resume_after_task(site: Site, tree: Path, wave: str) -> Resumed:
    """Queues the resume of `wave` when it is paused and its runs go through workers; otherwise says what to do."""
    run = site.store.wave(wave)
    how = f"govmig resume {wave} --tree {tree.name}"
    if run is None:
        return Resumed(
            None,
            f"批次 {wave} 尚未开始：执行到此处时不再等待该任务",
            f"wave {wave} has not started: it will not wait at this task",
        )
    active = site.waves.job(wave)
    if active is not None:
        return Resumed(
            active,
            f"批次 {wave} 已在队列中（任务 {active.id}）：执行器继续执行",
            f"wave {wave} is queued already (job {active.id}): a worker carries it on",
        )
    if run.status != WaveState.paused:
        return Resumed(
            None,
            f"批次 {wave} 当前为 {run.status}：如其停下，请运行 {how}",
            f"wave {wave} is {run.status}: once it stops, run {how}",
        )
    last = _last_run_job(site, wave)
    if last is None:  # run from a console in the foreground: nobody to hand it to
        return Resumed(
            None,
            f"批次 {wave} 由命令行在前台执行，不会自动继续：请运行 {how}",
            f"wave {wave} was run from a console in the foreground and does not go on by itself: run {how}",
        )
    try:
        job = ask(site.waves.queue, site.executor(last.actor, tree), JobKind.run, wave, last.actor)
    except (ExecuteError, Queued) as exc:
        zh, en = (
            (exc.zh, exc.en) if isinstance(exc, ExecuteError) else ("同一批次已在队列中", "queued already")
        )
        return Resumed(
            None, f"未能自动继续：{zh}；请稍后运行 {how}", f"not resumed by itself: {en}; run {how}"
        )
    site.store.audit(last.actor, "wave.resume_asked", wave, "queued", f"job {job.id}, after a manual task")
    return Resumed(
        job,
        f"批次 {wave} 已排队继续（任务 {job.id}），由执行器执行",
        f"wave {wave} is queued to go on (job {job.id}): a worker carries it out",
    )
