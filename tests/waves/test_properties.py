"""Scheduling invariants over hypothesis-generated portfolios: W1, W2, capacity, exactly once, determinism."""

from __future__ import annotations

from datetime import date

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.plan import MigrationPlan
from orchestrator.plan.references import qualify
from orchestrator.policy import Action, assess
from orchestrator.waves import Roadmap, WaveSettings, plan_waves
from orchestrator.waves.complexity import volume_gb, warm_gb
from tests.policy.strategies import plans

AS_OF = date(2026, 11, 22)
capacities = st.builds(
    WaveSettings,
    max_systems=st.integers(1, 6),
    max_per_department=st.integers(1, 4),
    sync_bandwidth_mbps=st.sampled_from([0.001, 1, 200]),
    pilot_size=st.integers(0, 3),
    horizon_windows=st.integers(2, 40),
)
portfolios = st.tuples(plans("630000-A"), plans("630000-B"))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(
    pair: tuple[MigrationPlan, MigrationPlan], cap: WaveSettings
) -> tuple[Roadmap, dict[str, bool], nx.DiGraph]:
    decisions = assess(list(pair), AS_OF)
    movers = {d.key: d.classified for d in decisions if d.action is Action.migrate}
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(movers)
    for plan in pair:
        for s in plan.systems:
            for ref in s.depends_on:
                dep = qualify(ref, plan.department.code)
                if plan.key(s) in movers and dep in movers:
                    graph.add_edge(plan.key(s), dep)
    return plan_waves(list(pair), decisions, AS_OF, cap), movers, graph


@SETTINGS
@given(pair=portfolios, cap=capacities)
def test_every_mover_exactly_once(pair: tuple[MigrationPlan, MigrationPlan], cap: WaveSettings) -> None:
    r, movers, _ = run(pair, cap)
    placed = [k for w in r.waves for k in w.systems] + [u.system for u in r.unscheduled]
    assert sorted(placed) == sorted(movers)


@SETTINGS
@given(pair=portfolios, cap=capacities)
def test_w1_classified_never_share_a_wave(
    pair: tuple[MigrationPlan, MigrationPlan], cap: WaveSettings
) -> None:
    r, movers, _ = run(pair, cap)
    for w in r.waves:
        assert {movers[k] for k in w.systems} == {w.classified}


@SETTINGS
@given(pair=portfolios, cap=capacities)
def test_w2_dependencies_first_and_cycles_together(
    pair: tuple[MigrationPlan, MigrationPlan], cap: WaveSettings
) -> None:
    r, _, graph = run(pair, cap)
    wave = {k: w for w in r.waves for k in w.systems}
    for a, b in graph.edges:
        if a in wave:
            assert b in wave, f"{a} placed but its dependency {b} is not"
            assert wave[a].id == wave[b].id or wave[b].end <= wave[a].start
    for component in nx.strongly_connected_components(graph):
        assert len({wave[k].id if k in wave else None for k in component}) == 1


@SETTINGS
@given(pair=portfolios, cap=capacities)
def test_capacity_never_exceeded(pair: tuple[MigrationPlan, MigrationPlan], cap: WaveSettings) -> None:
    r, _, _ = run(pair, cap)
    warm = {p.key(s): warm_gb(s) for p in pair for s in p.systems}
    cold = {p.key(s): volume_gb(s) - warm_gb(s) for p in pair for s in p.systems}
    for w in r.waves:
        assert len(w.systems) <= (min(cap.max_systems, cap.pilot_size) if w.pilot else cap.max_systems)
        window = sum(cap.window_load_gb(warm[k], cold[k]) for k in w.systems)
        assert window <= cap.window_data_gb + 1e-6  # the window: the warm moves' delta, the cold ones whole
        assert sum(warm[k] for k in w.systems) <= cap.presync_data_gb + 1e-6  # the pre-sync: the warm data
        for dept in ("630000-A", "630000-B"):
            assert sum(k.startswith(dept + "/") for k in w.systems) <= cap.max_per_department
    assert [w.start for w in r.waves] == sorted(w.start for w in r.waves)


@SETTINGS
@given(pair=portfolios, cap=capacities)
def test_deterministic(pair: tuple[MigrationPlan, MigrationPlan], cap: WaveSettings) -> None:
    first, _, _ = run(pair, cap)
    again, _, _ = run(pair, cap)
    assert first.model_dump() == again.model_dump()


@SETTINGS
@given(pair=portfolios, cap=capacities)
def test_late_is_exactly_what_ends_after_its_deadline(
    pair: tuple[MigrationPlan, MigrationPlan], cap: WaveSettings
) -> None:
    r, _, _ = run(pair, cap)
    deadline = {p.key(s): p.deadline for p in pair for s in p.systems}
    late = {x.system for x in r.late}
    for w in r.waves:
        for k in w.systems:
            assert (k in late) == (w.end.date() > deadline[k])
    assert all(x.binding in {"capacity", "dependency", "window"} and x.days_late > 0 for x in r.late)
