"""The monitor's records: current health per system, its transitions, daily usage, and the cycles themselves.

One cycle is one transaction: states, transitions, usage and the cycle record land together or not at all, so a
monitor killed mid-cycle resumes from the last whole cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

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

    def record_cycle(
        self,
        at: datetime,
        seconds: float,
        queries: int,
        reachable: bool,
        rows: Sequence[StateRow],
        changes: Sequence[Change],
        usage: Sequence[UsageSample],
    ) -> None:
        """Executemany statements, not the unit of work: a cycle at 10,000 systems stays a fraction of a second."""
        with self.session.begin() as s:
            known = set(s.scalars(select(HealthState.system)))
            values = [
                {**{f: getattr(r, f) for f in STATE_FIELDS}, "updated_at": at} for r in rows
            ]  # not asdict: deep
            fresh = [v for v in values if v["system"] not in known]
            if fresh:
                s.execute(insert(HealthState), fresh)
            if len(fresh) < len(values):
                s.execute(update(HealthState), [v for v in values if v["system"] in known])
            if changes:
                s.execute(insert(HealthTransition), [{**asdict(c), "at": at} for c in changes])
            self._add_usage(s, at, usage)
            s.add(
                MonitorCycle(
                    at=at,
                    seconds=seconds,
                    queries=queries,
                    reachable=reachable,
                    systems=len(rows),
                    transitions=len(changes),
                )
            )

    @staticmethod
    def _add_usage(s: Session, at: datetime, usage: Sequence[UsageSample]) -> None:
        day = at.date()
        t = UsageDay.__table__
        columns = (
            "requests",
            "request_samples",
            "cpu_sum",
            "cpu_samples",
            "samples",
            "up_samples",
            "last_request_at",
        )
        today = {
            row[0]: dict(zip(columns, row[1:], strict=True))
            for row in s.execute(select(t.c.system, *(t.c[c] for c in columns)).where(t.c.day == day))
        }
        fresh, known = [], []
        for u in usage:
            d = today.get(u.system)
            if d is None:
                d = {
                    "requests": 0.0,
                    "request_samples": 0,
                    "cpu_sum": 0.0,
                    "cpu_samples": 0,
                    "samples": 0,
                    "up_samples": 0,
                    "last_request_at": None,
                }
                fresh.append(d)
            else:
                known.append(d)
            d.update(
                system=u.system, day=day, samples=d["samples"] + 1, up_samples=d["up_samples"] + int(u.up)
            )
            if u.requests is not None:
                d.update(requests=d["requests"] + u.requests, request_samples=d["request_samples"] + 1)
            if u.cpu_percent is not None:
                d.update(cpu_sum=d["cpu_sum"] + u.cpu_percent, cpu_samples=d["cpu_samples"] + 1)
            if u.last_request_at is not None:
                d["last_request_at"] = u.last_request_at
        if fresh:
            s.execute(insert(UsageDay), fresh)
        if known:
            s.execute(update(UsageDay), known)
