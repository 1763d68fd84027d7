"""Execute: run waves through ansible-runner with a persisted state machine per system, and a way back."""

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
from .engine import RETIRE_RECORD, Outcome, WaveExecutor, record_name
from .errors import ExecuteError, WaveBusy
from .loop.lease import WaveLock, gone_here
from .machine.states import ROLLBACK, RUN_STATE_ZH, STEPS, Step, next_step
from .ports.applier import ApplyResult, ManifestApplier
from .ports.health import GateResult, HealthGate
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
    "RunRequest",
    "RunResult",
    "Step",
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
]
