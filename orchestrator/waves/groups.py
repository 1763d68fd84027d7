"""Move groups: systems that depend on each other in a cycle move together (networkx SCCs), W2.

Each group knows its lane (classified or not, W1), its size and data, and the effective deadline it inherits
from everything that depends on it: a dependency must move before its dependents' deadline too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..plan import MigrationPlan, System, qualify
from ..policy import Action, Decision, blocking_rules
from .complexity import Complexity, cold_gb, complexity, volume_gb, warm_gb
from .settings import WaveSettings

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class Group:
    index: int
    members: list[str]
    classified: bool | None  # None: a cycle mixes classified and non-classified systems
    data_gb: float
    departments: dict[str, int]
    deadline: date
    score: int
    level_rank: int
    warm_gb: float = 0.0  # copied ahead of the window (pre-sync)
    window_gb: float = 0.0  # what the window carries: the warm part's delta and the cold part
    depends_on: set[int] = field(default_factory=set)
    dependents: set[int] = field(default_factory=set)
    blocked_by: dict[str, list[str]] = field(default_factory=dict)
    """Dependencies that are `blocked` (not scheduled until their fix), each with the rules that block it."""

    @property
    def key(self) -> str:
        return self.members[0]


@dataclass
class Portfolio:
    groups: list[Group]
    scores: dict[str, Complexity]


def build(plans: Sequence[MigrationPlan], decisions: Sequence[Decision], settings: WaveSettings) -> Portfolio:
    import networkx as nx  # loaded when waves are planned, not by every command that imports the stages

    moving = {d.key: d for d in decisions if d.action is Action.migrate}
    blocked = {d.key: d for d in decisions if d.action is Action.blocked}
    systems: dict[str, tuple[MigrationPlan, System]] = {
        p.key(s): (p, s) for p in plans for s in p.systems if p.key(s) in moving
    }
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(sorted(systems))
    waits_on: dict[str, dict[str, list[str]]] = {}
    for key, (plan, system) in systems.items():
        for ref in system.depends_on:
            dep = qualify(ref, plan.department.code)
            if dep in systems and dep != key:
                graph.add_edge(key, dep)  # key must not move before dep
            elif dep in blocked:  # W2: it cannot move before a dependency that cannot be scheduled
                waits_on.setdefault(key, {})[dep] = blocking_rules(blocked[dep])
    scores = {
        key: complexity(
            s, graph.out_degree(key), graph.in_degree(key), settings.simple_max, settings.medium_max
        )
        for key, (_, s) in systems.items()
    }
    components = sorted((sorted(c) for c in nx.strongly_connected_components(graph)), key=lambda c: c[0])
    owner = {key: n for n, members in enumerate(components) for key in members}
    groups = []
    for n, members in enumerate(components):
        lanes = {moving[k].classified for k in members}
        depts: dict[str, int] = {}
        for k in members:
            depts[systems[k][0].department.code] = depts.get(systems[k][0].department.code, 0) + 1
        score = sum(scores[k].score for k in members)
        level = 0 if score <= settings.simple_max else 1 if score <= settings.medium_max else 2
        groups.append(
            Group(
                index=n,
                members=members,
                classified=lanes.pop() if len(lanes) == 1 else None,
                data_gb=sum(volume_gb(systems[k][1]) for k in members),
                warm_gb=sum(warm_gb(systems[k][1]) for k in members),
                window_gb=settings.window_load_gb(
                    sum(warm_gb(systems[k][1]) for k in members), sum(cold_gb(systems[k][1]) for k in members)
                ),
                departments=depts,
                deadline=min(systems[k][0].deadline for k in members),
                score=score,
                level_rank=level,
                blocked_by={
                    dep: rules for k in members for dep, rules in sorted(waits_on.get(k, {}).items())
                },
            )
        )
    for a, b in graph.edges:
        if owner[a] != owner[b]:
            groups[owner[a]].depends_on.add(owner[b])
            groups[owner[b]].dependents.add(owner[a])
    _inherit_deadlines(groups)
    return Portfolio(groups, scores)


def _inherit_deadlines(groups: list[Group]) -> None:
    """A group is due by the earliest deadline of anything that (transitively) depends on it."""
    import networkx as nx

    dag: nx.DiGraph[int] = nx.DiGraph()
    dag.add_nodes_from(g.index for g in groups)
    dag.add_edges_from((g.index, d) for g in groups for d in g.depends_on)
    for n in nx.topological_sort(dag):  # dependents come before their dependencies
        for d in groups[n].depends_on:
            groups[d].deadline = min(groups[d].deadline, groups[n].deadline)
