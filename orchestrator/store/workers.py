"""Workers' own heartbeats (`govmig worker`), busy or idle: a row per worker, beaten every few seconds, so the
ops pages can say which workers are alive and, plainly, when none is while a job waits in the queue. A job's own
heartbeat (store/queue.py) tells only about a worker that runs something; this tells about the idle ones too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, RowMapping, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .clock import Clock, aware, utcnow
from .schema import WorkerBeat

FORGET_AFTER = timedelta(days=7)
"""A worker silent this long is no longer listed (its row is dropped at the next beat of any worker)."""


@dataclass(frozen=True)
class WorkerSeen:
    name: str
    tree: str
    started_at: datetime
    beat_at: datetime
    every: float
    stopped_at: datetime | None

    def alive(self, now: datetime) -> bool:
        """Beat within three of its periods (at least 15 s) and not stopped."""
        quiet = max(3 * self.every, 15.0)
        return self.stopped_at is None and (now - self.beat_at).total_seconds() <= quiet


TABLE = WorkerBeat.__table__


def _seen(row: RowMapping) -> WorkerSeen:
    return WorkerSeen(
        row["name"],
        row["tree"],
        aware(row["started_at"]),
        aware(row["beat_at"]),
        float(row["every"]),
        aware(row["stopped_at"]) if row["stopped_at"] else None,
    )


class WorkerBeats:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine, self.clock = engine, clock

    def beat(self, name: str, tree: str, every: float) -> None:
        """The worker is alive now (its first beat records when it started)."""
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                changed = conn.execute(
                    update(WorkerBeat)
                    .where(WorkerBeat.name == name)
                    .values(beat_at=now, tree=tree, every=every, stopped_at=None)
                ).rowcount
                if not changed:
                    conn.execute(
                        insert(WorkerBeat).values(
                            name=name, tree=tree, started_at=now, beat_at=now, every=every
                        )
                    )
                    conn.execute(delete(WorkerBeat).where(WorkerBeat.beat_at < now - FORGET_AFTER))
        except IntegrityError:  # its own row, inserted between the two by another thread: alive either way
            pass

    def stopped(self, name: str) -> None:
        """The worker stopped of itself (a crash says nothing: its beats just stop)."""
        with self.engine.begin() as conn:
            conn.execute(update(WorkerBeat).where(WorkerBeat.name == name).values(stopped_at=self.clock()))

    def seen(self) -> list[WorkerSeen]:
        """Every worker heard from lately, the last heard first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(TABLE).order_by(WorkerBeat.beat_at.desc())).mappings()
            return [_seen(r) for r in rows]
