"""The store's operations: each one transaction, so state on disk is always a state the executor can resume from.

A run writes through `fenced(fence)`, a view of the same store whose every write first checks the run's fencing
token in its own transaction (store/fences.py) and raises `Fenced`, writing nothing, when another runner took the
wave over; and through `patient(patience)`, whose every call waits out a store that went away for a moment
(store/patience.py), a step begun or ended written once however often its commit is tried."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from . import fences
from .clock import Clock, aware, utcnow
from .leases import Leases
from .patience import Patience
from .schema import Audit, Event, Figure, StepLog, SystemRun, WaveRun

__all__ = ["Clock", "Store", "aware", "utcnow"]  # the clock's names stay importable from here


def _made(event: dict[str, Any]) -> datetime | None:
    """When Ansible made the event (ansible-runner's `created`, UTC): events reach the store in chunks, so the
    store's clock at the write would tell when the chunk was written, not when the task ran."""
    try:
        return aware(datetime.fromisoformat(str(event["created"])))
    except (KeyError, ValueError):
        return None


P = ParamSpec("P")
T = TypeVar("T")


def _kept(data: dict[str, Any]) -> dict[str, Any]:
    """What an event keeps of Ansible's: where it ran and, for a result, whether it changed anything and a
    failure's own message (cut short; the module's whole result stays out of the store)."""
    kept: dict[str, Any] = {k: data.get(k) for k in ("play", "task", "host", "role", "duration") if k in data}
    res = data.get("res")
    if isinstance(res, dict):
        if "changed" in res:
            kept["changed"] = bool(res.get("changed"))
        if res.get("failed") or res.get("unreachable"):
            kept["message"] = str(res.get("msg") or res.get("stderr") or "")[:500]
    return kept


def steady(method: Callable[Concatenate[Store, P], T]) -> Callable[Concatenate[Store, P], T]:
    """The call waits out a store out of reach when the store has patience (a run's view), else runs once."""

    def call(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> T:
        if store.patience is None:
            return method(store, *args, **kwargs)
        return store.patience.call(lambda: method(store, *args, **kwargs))

    call.__name__, call.__doc__ = method.__name__, method.__doc__
    return call


class Store:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self.session = sessionmaker(engine, expire_on_commit=False)
        self.fence: fences.Fence | None = None
        """The token every write checks first (a run's view of the store), or None: unchecked."""
        self.patience: Patience | None = None
        """How long a call waits for a store out of reach (a run's view), or None: it fails at once."""

    def patient(self, patience: Patience) -> Store:
        """This store as a run uses it: every call waits out an outage up to `patience.bound`, then StoreGone."""
        view = copy.copy(self)
        view.patience = patience
        return view

    def fenced(self, fence: fences.Fence) -> Store:
        """This store as a run holding `fence` writes to it: each write refused (Fenced) once the token is stale."""
        view = copy.copy(self)
        view.fence = fence
        return view

    def _once(self, op: Callable[[], T]) -> T:
        return op() if self.patience is None else self.patience.call(op)

    def _guard(self, s: Session) -> None:
        if self.fence is not None:
            fences.check(s.connection(), self.fence)

    @steady
    def still_held(self) -> None:
        """Raises Fenced when this view's token is no longer its record's (a read: before an action outside the
        store, a playbook's start or a cluster's change, that no transaction could hold back)."""
        fence = self.fence
        if fence is None:
            return
        with self.engine.connect() as conn:
            now = fences.current(conn, fence.record)
        if fence.revoked.is_set() or now != fence.token:
            raise fences.Fenced(fence.record, fence.token, now)

    @steady
    def fence_token(self, record: str) -> int | None:
        """The record's current fencing token (None: never leased)."""
        with self.engine.connect() as conn:
            return fences.current(conn, record)

    # waves -------------------------------------------------------------------------------------------------
    @steady
    def open_wave(
        self, wave: str, systems: Sequence[str], tree: str, check: bool, failure_budget: int, actor: str
    ) -> WaveRun:
        """Creates the wave's records the first time; later calls (resume) leave existing state untouched."""
        now = self.clock()
        with self.session.begin() as s:
            self._guard(s)
            run = s.get(WaveRun, wave)
            if run is None:
                run = WaveRun(
                    wave=wave,
                    status="running",
                    check_mode=check,
                    tree=tree,
                    failure_budget=failure_budget,
                    started_at=now,
                    updated_at=now,
                )
                s.add(run)
                s.flush()
            else:
                run.status, run.updated_at = "running", now
            known = {r.system for r in s.scalars(select(SystemRun).where(SystemRun.wave == wave))}
            for system in systems:
                if system not in known:
                    s.add(SystemRun(wave=wave, system=system, state="pending", attempts=0, updated_at=now))
            s.add(
                Audit(
                    at=now,
                    actor=actor,
                    action="wave.run",
                    target=wave,
                    result="started",
                    detail=f"check={check} systems={len(systems)}",
                )
            )
        return run

    @steady
    def wave(self, wave: str) -> WaveRun | None:
        with self.session() as s:
            return s.get(WaveRun, wave)

    @steady
    def waves(self) -> list[WaveRun]:
        with self.session() as s:
            return list(s.scalars(select(WaveRun).order_by(WaveRun.wave)))

    def leases(self) -> Leases:
        return Leases(self.engine, self.clock)

    @steady
    def set_wave(self, wave: str, status: str, actor: str, detail: str | None = None) -> None:
        with self.session.begin() as s:
            self._guard(s)
            run = s.get(WaveRun, wave)
            if run is None:
                raise KeyError(wave)
            run.status, run.updated_at = status, self.clock()
            s.add(
                Audit(
                    at=run.updated_at,
                    actor=actor,
                    action=f"wave.{status}",
                    target=wave,
                    result=status,
                    detail=detail,
                )
            )

    # systems -----------------------------------------------------------------------------------------------
    @steady
    def systems(self, wave: str) -> list[SystemRun]:
        with self.session() as s:
            return list(s.scalars(select(SystemRun).where(SystemRun.wave == wave).order_by(SystemRun.system)))

    @steady
    def system(self, wave: str, system: str) -> SystemRun:
        with self.session() as s:
            run = s.get(SystemRun, (wave, system))
            if run is None:
                raise KeyError(f"{wave}/{system}")
            return run

    def begin_step(self, wave: str, system: str, step: str, actor: str) -> int:
        """Recorded before the step runs: a crash from here on leaves it 'started', to be re-run on resume."""
        now = self.clock()
        return self._once(lambda: self._begin_step(now, wave, system, step, actor))

    def _begin_step(self, now: datetime, wave: str, system: str, step: str, actor: str) -> int:
        with self.session.begin() as s:
            self._guard(s)
            run = s.get(SystemRun, (wave, system))
            assert run is not None
            if (run.step, run.step_status, aware(run.updated_at)) == (step, "started", now):
                return run.attempts  # a retry of a commit that landed: written once
            run.step, run.step_status, run.attempts, run.updated_at = step, "started", run.attempts + 1, now
            s.add(StepLog(wave=wave, system=system, step=step, status="started", at=now))
            s.add(
                Audit(at=now, actor=actor, action=f"step.{step}", target=f"{wave}/{system}", result="started")
            )
            return run.attempts

    def end_step(
        self, wave: str, system: str, step: str, state: str, ok: bool, actor: str, error: str | None = None
    ) -> None:
        now = self.clock()
        self._once(lambda: self._end_step(now, wave, system, step, state, ok, actor, error))

    def _end_step(
        self,
        now: datetime,
        wave: str,
        system: str,
        step: str,
        state: str,
        ok: bool,
        actor: str,
        error: str | None,
    ) -> None:
        status = "finished" if ok else "failed"
        with self.session.begin() as s:
            self._guard(s)
            run = s.get(SystemRun, (wave, system))
            assert run is not None
            if (run.state, run.step_status, aware(run.updated_at)) == (state, status, now):
                return  # a retry of a commit that landed: written once
            run.state, run.step_status, run.error, run.updated_at = state, status, error, now
            s.add(StepLog(wave=wave, system=system, step=step, status=status, at=now, detail=error))
            s.add(
                Audit(
                    at=now,
                    actor=actor,
                    action=f"step.{step}",
                    target=f"{wave}/{system}",
                    result=status,
                    detail=error,
                )
            )

    def system_documents(self, wave: str) -> list[dict[str, Any]]:
        """Each system of a wave run as the CLI's JSON and the web API give it."""
        return [
            {
                "system": s.system,
                "state": s.state,
                "step": s.step,
                "step_status": s.step_status,
                "attempts": s.attempts,
                "error": s.error,
            }
            for s in self.systems(wave)
        ]

    @steady
    def step_log(self, wave: str, system: str | None = None) -> list[StepLog]:
        with self.session() as s:
            query = select(StepLog).where(StepLog.wave == wave)
            if system:
                query = query.where(StepLog.system == system)
            return list(s.scalars(query.order_by(StepLog.id)))

    # events and audit --------------------------------------------------------------------------------------
    @steady
    def add_events(self, wave: str, system: str, step: str, events: Iterable[dict[str, Any]]) -> None:
        with self.session.begin() as s:
            self._guard(s)
            for e in events:
                data = e.get("event_data") or {}
                s.add(
                    Event(
                        wave=wave,
                        system=system,
                        step=step,
                        kind=str(e.get("event", "")),
                        host=data.get("host"),
                        task=data.get("task"),
                        at=_made(e) or self.clock(),
                        data=_kept(data),
                    )
                )

    @steady
    def task_started(self, wave: str, step: str, task: str) -> dict[str, datetime]:
        """When each system's step last started the task named `task…` (its task-start event): one query for
        the wave, not every event of every system."""
        with self.session() as s:
            rows = s.execute(
                select(Event.system, func.max(Event.at))
                .where(
                    Event.wave == wave,
                    Event.step == step,
                    Event.kind == "playbook_on_task_start",
                    Event.task.startswith(task, autoescape=True),
                )
                .group_by(Event.system)
            )
            return {system: aware(at) for system, at in rows if at is not None}

    @steady
    def events(self, wave: str, system: str | None = None, after: int = 0) -> list[Event]:
        with self.session() as s:
            query = select(Event).where(Event.wave == wave, Event.id > after)
            if system:
                query = query.where(Event.system == system)
            return list(s.scalars(query.order_by(Event.id)))

    @steady
    def add_figures(
        self, wave: str, system: str, step: str, figures: Iterable[tuple[str | None, dict[str, Any]]]
    ) -> None:
        """(host, figures) pairs a step reported."""
        with self.session.begin() as s:
            self._guard(s)
            for host, data in figures:
                s.add(Figure(wave=wave, system=system, step=step, host=host, at=self.clock(), data=data))

    @steady
    def figures(self, wave: str, system: str | None = None) -> list[Figure]:
        with self.session() as s:
            query = select(Figure).where(Figure.wave == wave)
            if system:
                query = query.where(Figure.system == system)
            return list(s.scalars(query.order_by(Figure.id)))

    @steady
    def audit(self, actor: str, action: str, target: str, result: str, detail: str | None = None) -> None:
        with self.session.begin() as s:
            self._guard(s)
            s.add(
                Audit(
                    at=self.clock(), actor=actor, action=action, target=target, result=result, detail=detail
                )
            )

    @steady
    def last_change(self) -> tuple[object, ...]:
        """The newest step and audit rows and the last update of any wave or system: what a view computed from
        the records is keyed by, so it is worked out again only when something was recorded."""
        with self.session() as s:
            return tuple(
                s.execute(
                    select(
                        select(func.max(StepLog.id)).scalar_subquery(),
                        select(func.max(Audit.id)).scalar_subquery(),
                        select(func.max(WaveRun.updated_at)).scalar_subquery(),
                        select(func.max(SystemRun.updated_at)).scalar_subquery(),
                        select(func.count()).select_from(SystemRun).scalar_subquery(),
                    )
                ).one()
            )

    @steady
    def audit_actions(self, actions: Sequence[str]) -> list[Audit]:
        """Every entry of these actions, oldest first (one read for a whole wave's acceptances)."""
        with self.session() as s:
            return list(s.scalars(select(Audit).where(Audit.action.in_(actions)).order_by(Audit.id)))

    @steady
    def audit_log(self, target_prefix: str = "") -> list[Audit]:
        with self.session() as s:
            query = select(Audit).where(Audit.target.startswith(target_prefix)).order_by(Audit.id)
            return list(s.scalars(query))
