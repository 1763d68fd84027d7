"""Health states from figures, and hysteresis: properties over arbitrary observation sequences."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.monitor import (
    MonitorSettings,
    Observation,
    Snapshot,
    State,
    Target,
    Track,
    advance,
    observe,
)
from orchestrator.monitor.classify import slo_figures

T = Target("D", "s", "extranet", "W01", 99.5)
NOW = datetime(2026, 11, 22, tzinfo=UTC)
S = MonitorSettings()


def snap(reachable: bool = True, **values: float) -> Snapshot:
    return Snapshot(NOW, reachable, 10, values={T.key: values} if values else {})


def test_figures_map_to_states() -> None:
    assert observe(T, snap(probe_success=1, probe_seconds=0.1), S).state is State.up
    assert observe(T, snap(probe_success=1, probe_seconds=S.slow_seconds + 0.1), S).reason == "slow"
    assert observe(T, snap(probe_success=1, latency_p95=S.slow_seconds * 2), S).reason == "slow"
    assert observe(T, snap(probe_success=1, error_ratio=S.error_ratio + 0.01), S).reason == "errors"
    assert observe(T, snap(probe_success=0, probe_status=503), S).reason == "http_5xx"
    assert observe(T, snap(probe_success=0, probe_status=0), S).reason == "unreachable"
    assert observe(T, snap(scrape_up=0), S).reason == "scrape_failed"
    assert observe(T, snap(), S) == Observation(
        State.unknown, "no_data", "没有监控数据", "no monitoring data"
    )
    assert observe(T, snap(False, probe_success=0), S).reason == "prometheus_unavailable"


@given(
    st.dictionaries(
        st.sampled_from(
            ["probe_success", "probe_status", "probe_seconds", "scrape_up", "error_ratio", "latency_p95"]
        ),
        st.floats(allow_nan=True),
    ),
    st.booleans(),
)
def test_never_down_without_a_failed_probe_or_scrape(values: dict[str, float], reachable: bool) -> None:
    obs = observe(T, snap(reachable, **values), S)
    if obs.state is State.down:
        assert reachable and (values.get("probe_success") == 0 or values.get("scrape_up") == 0)
    if not reachable:
        assert obs.state is State.unknown


@settings(max_examples=300)
@given(st.lists(st.sampled_from(list(State)), min_size=1, max_size=40), st.integers(1, 4))
def test_a_state_changes_only_after_confirm_observations_in_a_row(seq: list[State], confirm: int) -> None:
    track: Track | None = None
    run_state, run = None, 0
    for i, state in enumerate(seq):
        now = NOW + timedelta(seconds=15 * i)
        run = run + 1 if state == run_state else 1
        run_state = state
        before = track or Track(State.unknown, "", NOW)  # never seen: unknown, the first cycle not excepted
        track, changed = advance(track, Observation(state, state.value, "", ""), now, confirm)
        if changed:
            assert track.state is state and run >= confirm and track.since == now
        else:
            assert track.state is before.state
            assert state == before.state or run < confirm


def test_the_request_objective_is_reported_beside_the_probes_where_requests_are_measured() -> None:
    target = Target("D", "s", "extranet", "W01", 99.0)  # a budget of 1% of requests
    figures = slo_figures(target, {"3d": 0.001, "requests_3d": 0.004, "requests_1h": 0.02})
    assert figures["budget_left"] == 0.9 and figures["request_budget_left"] == 0.6
    assert figures["request_burn_1h"] == 2.0
    quiet = slo_figures(target, {"3d": 0.0, "requests_3d": math.nan, "requests_1h": math.nan})
    assert "request_budget_left" not in quiet  # no requests in three days: no figure, never NaN
    assert "request_budget_left" not in slo_figures(target, {"3d": 0.0})  # no request metrics at all
