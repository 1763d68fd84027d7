"""The monitor's records: current health per system, its transitions, daily usage, and the cycles themselves.

One cycle is one transaction: states, transitions, usage and the cycle record land together or not at all, so a
monitor killed mid-cycle resumes from the last whole cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from .bulk import executemany
from .schema import HealthState, HealthTransition, MonitorCycle, UsageDay


@dataclass(frozen=True)
class StateRow:
    system: str
    department: str
    zone: str
    wave: str
    state: str
    reason: str
    since: datetime
    pending: str | None
    pending_count: int
    metrics: dict[str, Any]
    updated_at: datetime | None = None


STATE_FIELDS = tuple(f.name for f in fields(StateRow))


@dataclass(frozen=True)
class Change:
    system: str
    old: str
    new: str
    reason: str
    detail: str | None = None


@dataclass(frozen=True)
class UsageSample:
    system: str
    requests: float | None
    """Requests since the previous cycle (rate × elapsed); None when the system exposes no request metrics."""
    cpu_percent: float | None
    up: bool
    last_request_at: datetime | None


class HealthStore:
    def __init__(self, engine: Engine) -> None:
        self.session = sessionmaker(engine, expire_on_commit=False)

    def states(self, department: str | None = None) -> list[StateRow]:
        """Plain rows (not ORM objects): a cycle reads every system's state, 10,000 of them every 15 s."""
        t = HealthState.__table__
        query = select(*(t.c[f] for f in STATE_FIELDS)).order_by(t.c.department, t.c.system)
        if department:
            query = query.where(t.c.department == department)
        with self.session() as s:
            return [StateRow(*row) for row in s.execute(query)]

    def transitions(self, after: int = 0, system: str | None = None) -> list[HealthTransition]:
        with self.session() as s:
            query = select(HealthTransition).where(HealthTransition.id > after)
            if system:
                query = query.where(HealthTransition.system == system)
            return list(s.scalars(query.order_by(HealthTransition.id)))

    def usage(self, since: date | None = None) -> list[UsageDay]:
        with self.session() as s:
            query = select(UsageDay).order_by(UsageDay.system, UsageDay.day)
            if since is not None:
                query = query.where(UsageDay.day >= since)
            return list(s.scalars(query))

    def cycles(self, limit: int = 10) -> list[MonitorCycle]:
        with self.session() as s:
            return list(s.scalars(select(MonitorCycle).order_by(MonitorCycle.id.desc()).limit(limit)))

    def load(self) -> tuple[int | None, list[StateRow]]:
        """The last cycle's id and every system's state, read together: where a (re)started monitor picks up."""
        t = HealthState.__table__
        with self.session.begin() as s:
            last = s.scalar(select(func.max(MonitorCycle.id)))
            rows = s.execute(select(*(t.c[f] for f in STATE_FIELDS)).order_by(t.c.department, t.c.system))
            return last, [StateRow(*row) for row in rows]

    def record_cycle(
        self,
        at: datetime,
        seconds: float,
        queries: int,
        reachable: bool,
        rows: Sequence[StateRow],
        changes: Sequence[Change],
        usage: Sequence[UsageSample],
        after: int | None = None,
    ) -> int:
        """One transaction, writes only: states and the day's usage are upserted (executemany, no read first),
        transitions and the cycle appended. Returns the cycle's id.

        `after` is the id of the cycle the caller's states came from: when another monitor wrote a cycle since
        (a takeover, a second clock), the caller's hysteresis is stale and nothing is written (`StaleCycle`)."""
        with self.session.begin() as s:
            if after is not None and (last := s.scalar(select(func.max(MonitorCycle.id))) or 0) != after:
                raise StaleCycle(after, last)
            upsert = _upsert(s)
            if rows:
                t = HealthState.__table__
                values = [{**vars(r), "updated_at": at} for r in rows]
                statement = upsert(t)
                executemany(
                    s,
                    statement.on_conflict_do_update(
                        index_elements=[t.c.system],
                        set_={f: statement.excluded[f] for f in (*STATE_FIELDS[1:-1], "updated_at")},
                    ),
                    values,
                )
            if changes:
                s.execute(insert(HealthTransition), [{**asdict(c), "at": at} for c in changes])
            if usage:
                executemany(s, _usage_upsert(upsert), [_usage_values(u, at) for u in usage])
            cycle = MonitorCycle(
                at=at,
                seconds=seconds,
                queries=queries,
                reachable=reachable,
                systems=len(rows),
                transitions=len(changes),
            )
            s.add(cycle)
            s.flush()
            return cycle.id


class StaleCycle(RuntimeError):
    """Another monitor recorded a cycle since this one read its states."""

    def __init__(self, expected: int | None, found: int | None) -> None:
        super().__init__(f"the last recorded cycle is {found}, not {expected}: another monitor ran")
        self.expected, self.found = expected, found


def _upsert(s: Session) -> Callable[[Any], Any]:
    """The dialect's INSERT … ON CONFLICT (SQLite and PostgreSQL spell it the same in SQLAlchemy)."""
    return postgresql_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert


def _usage_upsert(upsert: Callable[[Any], Any]) -> Any:
    """A day's usage adds up in the database: the row's figures plus this cycle's, no read of the day first."""
    t = UsageDay.__table__
    statement = upsert(t)
    new = statement.excluded
    added = ("requests", "request_samples", "cpu_sum", "cpu_samples", "samples", "up_samples")
    return statement.on_conflict_do_update(
        index_elements=[t.c.system, t.c.day],
        set_={
            **{c: t.c[c] + new[c] for c in added},
            "last_request_at": func.coalesce(new.last_request_at, t.c.last_request_at),
        },
    )


def _usage_values(u: UsageSample, at: datetime) -> dict[str, Any]:
    return {
        "system": u.system,
        "day": at.date(),
        "requests": u.requests or 0.0,
        "request_samples": int(u.requests is not None),
        "cpu_sum": u.cpu_percent or 0.0,
        "cpu_samples": int(u.cpu_percent is not None),
        "samples": 1,
        "up_samples": int(u.up),
        "last_request_at": u.last_request_at,
    }
