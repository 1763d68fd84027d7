"""One collection cycle: ask Prometheus, judge every target, keep states, transitions and usage, send alerts."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .._gcpause import paused_gc
from ..store import Change, HealthStore, StaleCycle, StateRow, UsageSample, aware
from .alerts import Alertmanager, alert, hold
from .classify import advance, observe, slo_figures
from .collect import Collector
from .model import Snapshot, State, Target, Track
from .settings import MonitorSettings

log = logging.getLogger(__name__)


@dataclass
class CycleResult:
    at: datetime
    reachable: bool
    queries: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    alerts_sent: int = 0


@dataclass
class _Judged:
    """One cycle's verdicts, before they are recorded."""

    counts: dict[str, int]
    rows: list[StateRow] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    usage: list[UsageSample] = field(default_factory=list)
    firing: list[dict[str, object]] = field(default_factory=list)
    memory: dict[str, _Last] = field(default_factory=dict)


_Last = tuple[Track, dict[str, Any], datetime | None]
"""What a monitor remembers of a system between cycles: its track, its last figures, when they were taken."""


def _remembered(r: StateRow) -> _Last:
    track = Track(
        State(r.state), r.reason, aware(r.since), State(r.pending) if r.pending else None, r.pending_count
    )
    return track, r.metrics, aware(r.updated_at) if r.updated_at else None


def _finite(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 6) for k, v in values.items() if math.isfinite(v)}


class Monitor:
    def __init__(
        self,
        targets: Sequence[Target],
        collector: Collector,
        store: HealthStore,
        settings: MonitorSettings | None = None,
        alertmanager: Alertmanager | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.targets = list(targets)
        self.collector, self.store = collector, store
        self.settings = settings or MonitorSettings()
        self.alertmanager, self.clock = alertmanager, clock
        self._known: dict[str, _Last] | None = None
        self._last: int | None = None

    def _usage(
        self, t: Target, v: dict[str, float], now: datetime, previous: datetime | None, up: bool
    ) -> UsageSample:
        rate, cpu = v.get("request_rate"), v.get("cpu_percent")
        interval = self.settings.interval_seconds
        elapsed = (
            interval if previous is None else min(max((now - previous).total_seconds(), 0), 2 * interval)
        )
        measured = rate is not None and math.isfinite(rate)
        return UsageSample(
            system=t.key,
            requests=rate * elapsed if measured and rate is not None else None,
            cpu_percent=cpu if cpu is not None and math.isfinite(cpu) else None,
            up=up,
            last_request_at=now if measured and rate is not None and rate > 0 else None,
        )

    def _recall(self) -> dict[str, _Last]:
        """Every system's last state: from memory while this monitor wrote the store's last cycle, else read."""
        if self._known is None:
            last, rows = self.store.load()
            self._last, self._known = last or 0, {r.system: _remembered(r) for r in rows}
        return self._known

    def _judge(self, snap: Snapshot, now: datetime, known: dict[str, _Last]) -> _Judged:
        out = _Judged({s.value: 0 for s in State})
        for t in self.targets:
            key = t.key
            track, kept, previous = known.get(key) or (None, {}, None)
            obs = observe(t, snap, self.settings)
            new, changed = advance(track, obs, now, self.settings.confirm_cycles)
            out.counts[new.state.value] += 1
            detail = f"{obs.zh} / {obs.en}"
            if changed:
                old = track.state.value if track else State.unknown.value
                out.changes.append(Change(t.key, old, new.state.value, new.reason, detail))
                if old in (State.down, State.degraded) and new.state is State.up:
                    out.firing.append(
                        alert(t, State(old), "recovered", detail, track.since if track else now, now)
                    )
            if snap.reachable and new.state in (State.down, State.degraded):
                out.firing.append(
                    alert(
                        t,
                        new.state,
                        new.reason,
                        detail,
                        new.since,
                        hold(now, self.settings.interval_seconds, self.settings.alert_hold_cycles),
                    )
                )
            values = snap.values.get(key)
            burns = snap.burns.get(key, {})
            metrics = (
                {
                    **(_finite(values) if values else {}),
                    **{f"error_ratio_{w}": x for w, x in _finite(burns).items()},
                    **slo_figures(t, burns),
                }
                if snap.reachable
                else kept
            )
            out.memory[key] = (new, metrics, now)
            out.rows.append(
                StateRow(
                    key,
                    t.department,
                    t.zone,
                    t.wave,
                    new.state.value,
                    new.reason,
                    new.since,
                    new.pending.value if new.pending else None,
                    new.pending_count,
                    metrics,
                    now,
                )
            )
            if snap.reachable and values is not None:
                out.usage.append(self._usage(t, values, now, previous, new.state is State.up))
        return out

    def cycle(self) -> CycleResult:
        """Collect, judge every target against its last state, record the cycle (one write transaction), alert.

        The last states are kept in memory between cycles; the store is read again only when another monitor
        recorded a cycle in between (the write refuses a stale base, `StaleCycle`), and the cycle is judged anew
        from what that monitor wrote. Alerts go out even when the store cannot be written."""
        with paused_gc():
            return self._cycle()

    def _cycle(self) -> CycleResult:
        started = time.perf_counter()
        snap = self.collector.collect()
        now = aware(self.clock())
        judged = self._judge(snap, now, self._recall())
        seconds = time.perf_counter() - started
        try:
            try:
                self._last = self._record(now, seconds, snap, judged)
            except StaleCycle:
                log.info("another monitor recorded a cycle since this one's last: reading the states again")
                self._known = None
                judged = self._judge(snap, now, self._recall())
                self._last = self._record(now, seconds, snap, judged)
        except Exception:
            self._known = None  # whatever the store now holds, the next cycle starts from it
            raise
        finally:
            sent = len(judged.firing) if self.alertmanager and self.alertmanager.send(judged.firing) else 0
        assert self._known is not None
        self._known.update(judged.memory)
        for c in judged.changes:
            log.info("%s: %s → %s (%s)", c.system, c.old, c.new, c.detail)
        return CycleResult(now, snap.reachable, snap.queries, seconds, judged.counts, judged.changes, sent)

    def _record(self, now: datetime, seconds: float, snap: Snapshot, judged: _Judged) -> int:
        return self.store.record_cycle(
            now, seconds, snap.queries, snap.reachable, judged.rows, judged.changes, judged.usage, self._last
        )
