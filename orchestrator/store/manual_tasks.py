"""The night's manual tasks closed: by whom, when, with what note, audited `task.done` (the run waiting at the task
reads that, as it reads a checkpoint's confirmation; its own wait it audits `task.waiting`, which the notifiers
tell). A task is closed once; closing it again is refused, not recorded twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from .clock import Clock, aware, utcnow
from .schema import Audit, TaskState

MAX_NOTE = 2000


@dataclass(frozen=True)
class TaskRow:
    wave: str
    system: str
    task: str
    done_by: str | None
    done_at: datetime | None
    note: str

    @property
    def done(self) -> bool:
        return self.done_at is not None


def _row(r: TaskState) -> TaskRow:
    return TaskRow(
        r.wave,
        r.system,
        r.task,
        r.done_by,
        aware(r.done_at) if r.done_at else None,
        r.note,
    )


class TaskClosed(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class ManualTasks:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine, self.clock = engine, clock
        self.session = sessionmaker(engine, expire_on_commit=False)

    def of(self, wave: str, system: str | None = None) -> list[TaskRow]:
        query = select(TaskState).where(TaskState.wave == wave)
        if system is not None:
            query = query.where(TaskState.system == system)
        with self.session() as s:
            return [_row(r) for r in s.scalars(query.order_by(TaskState.system, TaskState.task))]

    def done(self, wave: str, system: str) -> set[str]:
        return {t.task for t in self.of(wave, system) if t.done}

    def close(self, wave: str, system: str, task: str, by: str, note: str = "") -> TaskRow:
        """Closes the task (audited `task.done`); TaskClosed when it was closed already."""
        now = self.clock()
        with self.session.begin() as s:
            row = s.get(TaskState, (wave, system, task))
            if row is not None and row.done_at is not None:
                raise TaskClosed(
                    f"任务 {task} 已由 {row.done_by} 于 {aware(row.done_at):%Y-%m-%d %H:%M} UTC 完成",
                    f"task {task} was done already, by {row.done_by} at {aware(row.done_at):%Y-%m-%d %H:%M} UTC",
                )
            if row is None:
                row = TaskState(wave=wave, system=system, task=task, note="")
                s.add(row)
            row.done_by, row.done_at, row.note = by, now, note.strip()[:MAX_NOTE]
            s.add(
                Audit(
                    at=now,
                    actor=by,
                    action="task.done",
                    target=f"{wave}/{system}",
                    result="done",
                    detail=task,
                )
            )
            s.flush()
            return _row(row)
