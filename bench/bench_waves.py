"""Wave planning at 5,000 and 50,000 systems: the growth must be near N log N, not quadratic.

Baseline, measured in the same run: the graph work every planner must do (networkx strongly connected
components and a topological sort of the same dependency graph).
"""

from __future__ import annotations

import math
import sys
import time
from datetime import date

import networkx as nx

from bench.common import report
from bench.portfolio import portfolio
from orchestrator.plan import MigrationPlan
from orchestrator.plan.references import qualify
from orchestrator.policy import assess
from orchestrator.waves import WaveSettings, plan_waves

AS_OF = date(2026, 11, 22)
SETTINGS = WaveSettings(
    max_systems=200, max_per_department=50, sync_bandwidth_mbps=100_000, horizon_windows=2000
)


def _graph_floor(plans: list[MigrationPlan]) -> None:
    graph: nx.DiGraph = nx.DiGraph()
    for p in plans:
        for s in p.systems:
            graph.add_node(p.key(s))
            graph.add_edges_from((p.key(s), qualify(r, p.department.code)) for r in s.depends_on)
    list(nx.topological_sort(nx.condensation(graph)))


def _time(fn: object, *args: object) -> float:
    start = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def main(sizes: tuple[int, ...] = (5000, 50000)) -> None:
    rows, per_system = [], []
    for size in sizes:
        plans = [MigrationPlan.model_validate(doc) for doc in portfolio(size)]
        decisions = assess(plans, AS_OF)
        seconds = min(_time(plan_waves, plans, decisions, AS_OF, SETTINGS) for _ in range(2))
        baseline = min(_time(_graph_floor, plans) for _ in range(2))
        rows.append((f"plan {size} systems", seconds, baseline, f"{size / seconds:9.0f} systems/s"))
        per_system.append((size, seconds))
    report("waves (baseline: networkx SCC + topological sort of the same graph)", rows)
    (n1, t1), (n2, t2) = per_system[0], per_system[-1]
    growth = t2 / t1
    print(
        f"  growth {n1} -> {n2}: {growth:.1f}x the time for {n2 / n1:.0f}x the systems "
        f"(linear {n2 / n1:.0f}x, N log N {n2 * math.log(n2) / (n1 * math.log(n1)):.1f}x, quadratic {(n2 / n1) ** 2:.0f}x)"
    )


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (5000, 50000))
