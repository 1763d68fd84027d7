"""The state of the night's manual tasks: which a run waits for (from when), which are done (by whom, with what
note). Both are audited: `task.waiting` once per task as the wait begins (the notifiers tell the role), `task.done`
when someone closes it. A task is closed once; closing it again is refused, not recorded twice."""

from __future__ import annotations

from collections.abc import Sequence
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
    waiting_since: datetime | None
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
        aware(r.waiting_since) if r.waiting_since else None,
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

    def wait_for(self, wave: str, system: str, tasks: Sequence[str], actor: str) -> list[str]:
        """Of `tasks`, those still open; each that starts waiting now is recorded and audited once."""
        now = self.clock()
        still: list[str] = []
        with self.session.begin() as s:
            for task in tasks:
                row = s.get(TaskState, (wave, system, task))
                if row is not None and row.done_at is not None:
                    continue
                still.append(task)
                if row is None:
                    s.add(TaskState(wave=wave, system=system, task=task, waiting_since=now, note=""))
                elif row.waiting_since is not None:
                    continue
                else:
                    row.waiting_since = now
                s.add(
                    Audit(
                        at=now,
                        actor=actor,
                        action="task.waiting",
                        target=f"{wave}/{system}",
                        result="waiting",
                        detail=task,
                    )
                )
        return still

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
