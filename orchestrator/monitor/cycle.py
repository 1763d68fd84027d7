"""One collection cycle: ask Prometheus, judge every target, keep states, transitions and usage, send alerts."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..store import Change, HealthStore, StateRow, UsageSample, aware
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

    def _usage(
        self, t: Target, snap: Snapshot, now: datetime, previous: datetime | None, up: bool
    ) -> UsageSample:
        v = snap.values.get(t.key, {})
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

    def cycle(self) -> CycleResult:
        started = time.perf_counter()
        snap = self.collector.collect()
        now = aware(self.clock())
        known = {h.system: h for h in self.store.states()}
        rows: list[StateRow] = []
        changes: list[Change] = []
        usage: list[UsageSample] = []
        firing: list[dict[str, object]] = []
        counts: dict[str, int] = {s.value: 0 for s in State}
        for t in self.targets:
            h = known.get(t.key)
            track = (
                Track(
                    State(h.state),
                    h.reason,
                    aware(h.since),
                    State(h.pending) if h.pending else None,
                    h.pending_count,
                )
                if h
                else None
            )
            obs = observe(t, snap, self.settings)
            new, changed = advance(track, obs, now, self.settings.confirm_cycles)
            counts[new.state.value] += 1
            detail = f"{obs.zh} / {obs.en}"
            if changed:
                old = track.state.value if track else State.unknown.value
                changes.append(Change(t.key, old, new.state.value, new.reason, detail))
                if old in (State.down, State.degraded) and new.state is State.up:
                    firing.append(
                        alert(t, State(old), "recovered", detail, aware(h.since) if h else now, now)
                    )
            if snap.reachable and new.state in (State.down, State.degraded):
                firing.append(
                    alert(
                        t,
                        new.state,
                        new.reason,
                        detail,
                        new.since,
                        hold(now, self.settings.interval_seconds, self.settings.alert_hold_cycles),
                    )
                )
            metrics = {
                **_finite(snap.values.get(t.key, {})),
                **{f"error_ratio_{w}": x for w, x in _finite(snap.burns.get(t.key, {})).items()},
                **slo_figures(t, snap.burns.get(t.key, {})),
            }
            rows.append(
                StateRow(
                    t.key,
                    t.department,
                    t.zone,
                    t.wave,
                    new.state.value,
                    new.reason,
                    new.since,
                    new.pending.value if new.pending else None,
                    new.pending_count,
                    metrics if snap.reachable else (h.metrics if h else {}),
                )
            )
            if snap.reachable and t.key in snap.values:
                previous = aware(h.updated_at) if h and h.updated_at else None
                usage.append(self._usage(t, snap, now, previous, new.state is State.up))
        sent = len(firing) if self.alertmanager and self.alertmanager.send(firing) else 0
        seconds = time.perf_counter() - started
        self.store.record_cycle(now, seconds, snap.queries, snap.reachable, rows, changes, usage)
        for c in changes:
            log.info("%s: %s → %s (%s)", c.system, c.old, c.new, c.detail)
        return CycleResult(now, snap.reachable, snap.queries, seconds, counts, changes, sent)
