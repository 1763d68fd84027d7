"""The run queue: the web and the CLI ask for work, workers (`govmig worker`) claim and carry it out.

Claiming is `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (two workers never wait on, or both get, one row)
followed by an UPDATE that names the row's state it saw (compare and swap), which alone is enough on SQLite,
where one writer at a time is the rule anyway. A claimed row lives while its worker's heartbeat does; a row whose
heartbeat is older than `stale_after` (or whose worker, on this machine, is gone) is claimed again by the next
worker, which resumes the wave from its step log: the queue never decides what was done, the step log does.
A claim's fencing token is the job's `claims` count, raised by one at every claim: a worker's heartbeat and its
finish name it, so a worker whose claim was taken over (and even taken back by itself later) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, RowMapping, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..contracts import JobKind, JobStatus
from . import audit_chain
from .clock import Clock, aware, utcnow
from .schema import FenceToken, QueuedRun

ACTIVE = (JobStatus.queued, JobStatus.claimed)
KINDS = tuple(JobKind)


@dataclass(frozen=True)
class Job:
    id: int
    record: str
    kind: str
    wave: str
    system: str | None
    check: bool
    tree: str
    actor: str
    status: str
    worker: str | None
    claims: int
    pause: bool
    queued_at: datetime
    heartbeat_at: datetime | None
    detail: str | None


TABLE = QueuedRun.__table__


def _job(row: RowMapping) -> Job:
    return Job(
        row["id"],
        row["record"],
        row["kind"],
        row["wave"],
        row["system"],
        row["check_mode"],
        row["tree"],
        row["actor"],
        row["status"],
        row["worker"],
        row["claims"],
        row["pause"],
        aware(row["queued_at"]),
        aware(row["heartbeat_at"]) if row["heartbeat_at"] else None,
        row["detail"],
    )


class Queued(Exception):
    """The same work is queued or running already."""

    def __init__(self, job: Job) -> None:
        super().__init__(job.record)
        self.job = job


class RunQueue:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine, self.clock = engine, clock

    def enqueue(
        self,
        kind: str,
        wave: str,
        record: str,
        tree: str,
        actor: str,
        system: str | None = None,
        check: bool = False,
    ) -> Job:
        """Asks for `kind` of work on `record`; raises Queued when that record has unfinished work already."""
        if kind not in KINDS:
            raise ValueError(kind)
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                waiting = self._active(conn, record)
                if waiting is not None:
                    raise Queued(waiting)
                new = self._insert(conn, now, kind, wave, record, system, check, tree, actor)
        except IntegrityError:  # another replica queued it between our look and our insert
            waiting = self.active(record)
            if waiting is None:
                raise
            raise Queued(waiting) from None
        job = self.get(new)
        assert job is not None
        return job

    def enqueue_due(
        self, kind: str, wave: str, record: str, tree: str, actor: str, since: datetime
    ) -> Job | None:
        """Queues `kind` of work on `record` unless a job of that record was queued at or after `since` (whatever
        became of it) or is unfinished: work done at most once a period, whichever of several workers asks first
        (one transaction; two asking at once: the one-active-per-record index refuses the second). The job, or
        None when it was not due."""
        if kind not in KINDS:
            raise ValueError(kind)
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                recent = conn.execute(
                    select(QueuedRun.id)
                    .where(
                        QueuedRun.record == record,
                        or_(QueuedRun.queued_at >= since, QueuedRun.status.in_(ACTIVE)),
                    )
                    .limit(1)
                ).first()
                if recent is not None:
                    return None
                new = self._insert(conn, now, kind, wave, record, None, False, tree, actor)
        except IntegrityError:  # another worker queued it between our look and our insert
            return None
        return self.get(new)

    @staticmethod
    def _insert(
        conn: Connection,
        now: datetime,
        kind: str,
        wave: str,
        record: str,
        system: str | None,
        check: bool,
        tree: str,
        actor: str,
    ) -> int:
        """A queued job written and its queueing audited, in the caller's transaction; its id."""
        new: int = conn.execute(
            insert(QueuedRun)
            .values(
                record=record,
                kind=kind,
                wave=wave,
                system=system,
                check_mode=check,
                tree=tree,
                actor=actor,
                status="queued",
                claims=0,
                pause=False,
                queued_at=now,
            )
            .returning(QueuedRun.id)
        ).scalar_one()
        audit_chain.append(
            conn,
            at=now,
            actor=actor,
            action=f"queue.{kind}",
            target=record,
            result="queued",
            detail=f"job {new}",
        )
        return new

    @staticmethod
    def _active(conn: Connection, record: str) -> Job | None:
        row = (
            conn.execute(
                select(TABLE).where(QueuedRun.record == record, QueuedRun.status.in_(ACTIVE)).limit(1)
            )
            .mappings()
            .first()
        )
        return _job(row) if row else None

    def claim(
        self,
        worker: str,
        tree: str,
        stale_after: float,
        gone: Callable[[str], bool] = lambda _: False,
        take_over: bool = True,
    ) -> Job | None:
        """The oldest job of `tree` that is queued or whose worker went quiet (or `gone` says died), now this
        worker's; None when there is none. Quiet is `stale_after` seconds, or less where the wave's holder asks
        for less (its wave in its window); with `take_over` False only queued jobs (a worker just back from a
        store outage: the others' heartbeats are old because they could not beat either). A takeover is audited
        with whose heartbeat stopped when."""
        now = self.clock()
        with self.engine.begin() as conn:
            candidates = conn.execute(
                select(
                    QueuedRun.id,
                    QueuedRun.status,
                    QueuedRun.worker,
                    QueuedRun.heartbeat_at,
                    FenceToken.stale_after,
                )
                .outerjoin(FenceToken, FenceToken.record == QueuedRun.record)
                .where(
                    QueuedRun.tree == tree,
                    or_(QueuedRun.status == JobStatus.queued, QueuedRun.status == JobStatus.claimed),
                )
                .order_by(QueuedRun.id)  # every unfinished job of the tree: a province has dozens at most
                .with_for_update(skip_locked=True, of=QueuedRun)
            ).all()
            for id_, status, held_by, beat, asked in candidates:
                taking_over = status == JobStatus.claimed
                last = aware(beat) if beat is not None else None
                quiet = now - timedelta(seconds=min(stale_after, asked or stale_after))
                if taking_over and not take_over:
                    continue
                if taking_over and not (last is None or last < quiet or (held_by and gone(held_by))):
                    continue
                changed = conn.execute(
                    update(QueuedRun)
                    .where(
                        QueuedRun.id == id_,
                        QueuedRun.status == status,
                        QueuedRun.worker == held_by if held_by else QueuedRun.worker.is_(None),
                    )
                    .values(status="claimed", worker=worker, heartbeat_at=now, claims=QueuedRun.claims + 1)
                ).rowcount
                if not changed:
                    continue
                row = conn.execute(select(TABLE).where(QueuedRun.id == id_)).mappings().one()
                detail = f"job {id_}" + (
                    f", from {held_by}, last heartbeat {last.isoformat() if last else '-'}"
                    if taking_over
                    else ""
                )
                audit_chain.append(
                    conn,
                    at=now,
                    actor=worker[:128],
                    action="queue.takeover" if taking_over else "queue.claim",
                    target=row["record"],
                    result="ok",
                    detail=detail,
                )
                return _job(row)
        return None

    def beat(self, job: int, worker: str, token: int | None = None) -> tuple[bool, bool]:
        """(the job is still this worker's under this claim's `token`, a pause was asked for)."""
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(QueuedRun)
                .where(QueuedRun.id == job, QueuedRun.worker == worker, QueuedRun.status == JobStatus.claimed)
                .where(QueuedRun.claims == token if token is not None else QueuedRun.id == job)
                .values(heartbeat_at=self.clock())
            ).rowcount
            pause = conn.scalar(select(QueuedRun.pause).where(QueuedRun.id == job))
        return bool(changed), bool(pause)

    def finish(self, job: int, worker: str, status: str, detail: str, token: int | None = None) -> bool:
        """Ends the job (done, failed, refused; or queued again: then another claim resumes it), if it is still
        this worker's under this claim's `token`."""
        now = self.clock()
        values: dict[str, object] = {"status": status, "detail": detail[:2000]}
        if status == JobStatus.queued:
            values |= {"worker": None, "heartbeat_at": None}
        else:
            values["finished_at"] = now
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(QueuedRun)
                .where(QueuedRun.id == job, QueuedRun.worker == worker)
                .where(QueuedRun.claims == token if token is not None else QueuedRun.id == job)
                .values(**values)
            ).rowcount
        return bool(changed)

    def ask_pause(self, record: str, actor: str) -> bool:
        """Asks the worker running `record` to pause (after the running steps); False when nothing runs it."""
        now = self.clock()
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(QueuedRun)
                .where(QueuedRun.record == record, QueuedRun.status.in_(ACTIVE))
                .values(pause=True)
            ).rowcount
            if changed:
                audit_chain.append(
                    conn, at=now, actor=actor, action="wave.pause", target=record, result="requested"
                )
        return bool(changed)

    def active(self, record: str) -> Job | None:
        with self.engine.connect() as conn:
            return self._active(conn, record)

    def pending(self) -> int:
        """Jobs queued or running, anywhere."""
        with self.engine.connect() as conn:
            return len(conn.execute(select(QueuedRun.id).where(QueuedRun.status.in_(ACTIVE))).all())

    def get(self, job: int) -> Job | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(TABLE).where(QueuedRun.id == job)).mappings().first()
        return _job(row) if row else None

    def jobs(self, limit: int = 100) -> list[Job]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(TABLE).order_by(QueuedRun.id.desc()).limit(limit)).mappings().all()
        return [_job(r) for r in rows]
