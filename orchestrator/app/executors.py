"""How a wave is run, wherever it is started: the whole gate policy in one place.

`govmig run`, `govmig resume`, `govmig rollback` and a wave started from the web all build their executor here,
from one `GatePolicy`: the target's health URL held for `hold_seconds` before cutover, the monitor's word from
Prometheus when one is named, the Kubernetes applier when a cluster is configured (GitOps otherwise), the
concurrency and the failure budget. A browser-started cutover can no longer skip a check the CLI makes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ..execute import (
    AnsibleRunner,
    GateResult,
    HealthGate,
    KubeApplier,
    Nodes,
    PlaybookRunner,
    Ports,
    RunConfig,
    WaveExecutor,
    ZonedRunner,
    api_client,
)
from ..monitor import ProbeHeld, connect
from ..store import Store
from .cutover_go import CutoverGo


@dataclass(frozen=True)
class GatePolicy:
    hold_seconds: float = 30.0
    """The target's health URL must pass this long before cutover; 0 turns the health gate off."""
    gate_timeout: float = 120.0
    """How long the health gate waits for the hold to be met before it refuses the cutover."""
    prometheus: str | None = None
    """With a Prometheus, cutover also needs the monitor's word that the target's probe held."""
    kubeconfig: str | None = None
    """Without a configured cluster (no kubeconfig, not in a pod) manifests go to TREE/gitops instead."""
    concurrency: int = 2
    failure_budget: int = 1
    nodes: Nodes | None = None
    """Execution nodes (`--nodes`): the hosts the inventory puts on a node are run there, the others here."""
    observation_days: float = 0.0
    """The source is kept this long after its department's acceptance before it may be decommissioned (the
    site's observation period, 观察期); 0: right after the acceptance."""
    cutover_go: bool = False
    """The site asks a go/no-go before each system's cutover: the run asks a second person and holds the system
    until one approves (cut over at the next resume) or rejects (rolled back: no-go)."""
    prober: str | None = None
    """The blackbox exporter a preflight asks each target's health URL of (`--prober`); None: the one each
    rendered Probe names."""
    preflight_max_age_hours: float = 72.0
    """A real run starts a wave only with a ready preflight of the same tree younger than this (the site's
    `preflight_max_age_hours`, shared/DOMAIN.md v1.2); the run, the queue and the worker all keep it."""


@dataclass(frozen=True)
class RunGuard:
    """How a run bears faults of its control plane (execute/config.py says each one)."""

    store_outage: float = 60.0
    window_heartbeat: float = 1.0
    window_stale_after: float = 10.0
    window_unreachable: float = 5.0


def _monitor_gate(prometheus: str, hold_seconds: float) -> Callable[[str], GateResult]:
    """The monitor's verdict on a target's probe, as the executor's cutover gate."""
    held = ProbeHeld(connect(prometheus, 10), hold_seconds)

    def gate(system: str) -> GateResult:
        verdict = held(system)
        return GateResult(verdict.ok, 1, verdict.reason)

    return gate


def playbook_runner(nodes: Nodes | None) -> PlaybookRunner:
    """ansible-runner here, or split by execution node where the site has nodes (`--nodes`)."""
    local = AnsibleRunner()
    return ZonedRunner(nodes, local) if nodes and nodes.nodes else local


def build_executor(
    store: Store,
    tree: Path,
    actor: str,
    policy: GatePolicy,
    runner: PlaybookRunner | None = None,
    lease: tuple[float, float] = (5.0, 30.0),
    guard: RunGuard | None = None,
) -> WaveExecutor:
    """The executor for `policy`; `lease`: the wave lease's heartbeat and the age at which it is stale (s);
    `guard`: how the run bears a store outage and keeps its lease in the window (defaults: RunGuard())."""
    guard = guard or RunGuard()
    api = api_client(policy.kubeconfig)
    hold = policy.hold_seconds
    return WaveExecutor(
        Ports(
            store,
            runner or playbook_runner(policy.nodes),
            applier=KubeApplier(api) if api is not None else None,
            gate=HealthGate(hold_seconds=hold, timeout=policy.gate_timeout) if hold > 0 else None,
            watch=_monitor_gate(policy.prometheus, hold or 60) if policy.prometheus else None,
            go=CutoverGo(store.engine, tree) if policy.cutover_go else None,
        ),
        RunConfig(
            tree,
            actor=actor,
            concurrency=policy.concurrency,
            failure_budget=policy.failure_budget,
            observation=timedelta(days=policy.observation_days),
            lease_heartbeat=lease[0],
            lease_stale_after=lease[1],
            store_outage=guard.store_outage,
            window_heartbeat=guard.window_heartbeat,
            window_stale_after=guard.window_stale_after,
            window_unreachable=guard.window_unreachable,
        ),
    )
