"""Execute: run waves through ansible-runner with a persisted state machine per system, and a way back.

Layered as kopf layers its core: `WaveExecutor` (engine.py, built from `Ports` and `RunConfig`) over the run loop
(loop/: stepping, batch, the word to the hosts, the lease) over the ports (ports/: runner, applier, health gate,
the rendered tree) over the pure state machine (machine/: states, the wave's decisions, gate verdicts, the failure
budget). An import-linter contract (pyproject.toml) keeps the layers in that order.
"""

from .acceptance import (
    ACCEPT,
    PROBLEM,
    CutOver,
    accept,
    accepted_since,
    cut_over,
    last_finished,
    problems,
    said_since,
)
from .config import Ports, RunConfig
from .engine import RETIRE_RECORD, Outcome, WaveExecutor, record_name
from .errors import ExecuteError, WaveBusy
from .loop.lease import WaveLock, gone_here
from .machine.states import ROLLBACK, RUN_STATE_ZH, STEPS, Step, next_step
from .machine.verdicts import GateResult
from .ports.applier import ApplyResult, ManifestApplier
from .ports.health import HealthGate
from .ports.inventory import SystemHosts, systems_in
from .ports.kube import KubeApplier, api_client
from .ports.nodes import Node, Nodes, ZonedRunner, load_nodes
from .ports.runner import AnsibleRunner, PlaybookRunner, RunRequest, RunResult

__all__ = [
    "ACCEPT",
    "PROBLEM",
    "RETIRE_RECORD",
    "ROLLBACK",
    "RUN_STATE_ZH",
    "STEPS",
    "AnsibleRunner",
    "ApplyResult",
    "CutOver",
    "ExecuteError",
    "GateResult",
    "HealthGate",
    "KubeApplier",
    "ManifestApplier",
    "Node",
    "Nodes",
    "Outcome",
    "PlaybookRunner",
    "Ports",
    "RunConfig",
    "RunRequest",
    "RunResult",
    "Step",
    "SystemHosts",
    "WaveBusy",
    "WaveExecutor",
    "WaveLock",
    "ZonedRunner",
    "accept",
    "accepted_since",
    "api_client",
    "cut_over",
    "gone_here",
    "last_finished",
    "load_nodes",
    "next_step",
    "problems",
    "record_name",
    "said_since",
    "systems_in",
]
