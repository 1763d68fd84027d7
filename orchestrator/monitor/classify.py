"""From one cycle's figures to a health state, and from observations to reported states with hysteresis.

Absence of data is never evidence of failure: no Prometheus or no series means unknown, not down. Down needs a
probe (or scrape) that ran and failed; degraded needs an answering system that is slow or erring. The error
budget's burn is reported beside the state (it lags by design: its long windows remember an outage for hours).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from ..contracts import PAGE
from .model import Observation, Snapshot, State, Target, Track
from .reasons import REASONS
from .settings import MonitorSettings


def _seen(state: State, reason: str, detail: str = "") -> Observation:
    """An observation in the reason's own words (reasons.REASONS, the same the pages show), with its detail."""
    zh, en = REASONS[reason]
    return Observation(state, reason, zh, f"{en} ({detail})" if detail else en)


def _finite(values: dict[str, float], name: str) -> float | None:
    v = values.get(name)
    return v if v is not None and math.isfinite(v) else None


def burning(target: Target, burns: dict[str, float]) -> float | None:
    """The paging condition of the rendered alert rules: the largest factor by which both windows exceed it."""
    budget = 1 - target.objective / 100
    if budget <= 0:
        return None
    fired = [
        factor
        for factor, long, short in PAGE
        if burns.get(long, 0) > factor * budget and burns.get(short, 0) > factor * budget
    ]
    return max(fired) if fired else None


def slo_figures(target: Target, burns: dict[str, float]) -> dict[str, float]:
    """What the dashboard shows beside the state: the budget left over the longest recorded window, the burn."""
    budget = 1 - target.objective / 100
    figures: dict[str, float] = {}
    longest = next(
        (w for w in ("3d", "1d", "6h", "2h", "1h") if w in burns and math.isfinite(burns[w])), None
    )
    if longest and budget > 0:
        figures["budget_left"] = round(max(0.0, 1 - burns[longest] / budget), 4)
        figures["burn_1h"] = round(burns.get("1h", 0.0) / budget, 3)
    factor = burning(target, burns)
    if factor is not None:
        figures["burn_page"] = factor
    requests = burns.get("requests_3d")
    if requests is not None and math.isfinite(requests) and budget > 0:  # NaN: no requests in three days
        figures["request_budget_left"] = round(max(0.0, 1 - requests / budget), 4)
        hour = burns.get("requests_1h", 0.0)
        figures["request_burn_1h"] = round(hour / budget, 3) if math.isfinite(hour) else 0.0
    return figures


def observe(target: Target, snap: Snapshot, settings: MonitorSettings) -> Observation:
    if not snap.reachable:
        return _seen(State.unknown, "prometheus_unavailable", snap.error or "")
    v = snap.values.get(target.key, {})
    success, up = _finite(v, "probe_success"), _finite(v, "scrape_up")
    if success is None and up is None:
        return _seen(State.unknown, "no_data")
    if success == 0:
        code = int(_finite(v, "probe_status") or 0)
        if code == 0:
            return _seen(State.down, "unreachable")
        kind = "http_5xx" if code >= 500 else f"http_{code}"
        return Observation(State.down, kind, f"健康检查返回 HTTP {code}", f"health check answers HTTP {code}")
    if success is None and up == 0:
        return _seen(State.down, "scrape_failed")
    slow = max(
        (x for x in (_finite(v, "probe_seconds"), _finite(v, "latency_p95")) if x is not None), default=0
    )
    if slow > settings.slow_seconds:
        return Observation(
            State.degraded,
            "slow",
            f"响应慢：{slow:.2f} 秒（阈值 {settings.slow_seconds} 秒）",
            f"slow: {slow:.2f} s (threshold {settings.slow_seconds} s)",
        )
    errors = _finite(v, "error_ratio")
    if errors is not None and errors > settings.error_ratio:
        return Observation(
            State.degraded,
            "errors",
            f"5xx 比例 {errors:.1%}（阈值 {settings.error_ratio:.0%}）",
            f"{errors:.1%} of requests fail with 5xx (threshold {settings.error_ratio:.0%})",
        )
    return _seen(State.up, "ok")


UNCONFIRMED = "unconfirmed"
"""The reason of a system seen fewer than `confirm` cycles: its state is unknown until the cycles agree."""


def advance(track: Track | None, obs: Observation, now: datetime, confirm: int) -> tuple[Track, bool]:
    """The next reported state and whether it changed: a change needs `confirm` observations in a row, the first
    one too (a system never seen starts unknown, so one cycle alone never reports it up or down)."""
    if track is None:
        track = Track(State.unknown, obs.reason if obs.state is State.unknown else UNCONFIRMED, now)
    if obs.state == track.state:
        if obs.reason == track.reason and track.pending is None:
            return track, False  # the steady case, most systems most cycles: nothing to copy
        return replace(track, reason=obs.reason, pending=None, pending_count=0), False
    count = track.pending_count + 1 if track.pending == obs.state else 1
    if count >= confirm:
        return Track(obs.state, obs.reason, now), True
    return replace(track, pending=obs.state, pending_count=count), False
